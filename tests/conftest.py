"""Shared helpers: the repository's paths, a CLI runner, outputs built once per session, and
`requires(program, ...)`, which marks a test that runs an external program."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLANS = sorted(p for p in (ROOT / "plans").glob("*.yaml") if not p.name.endswith(".progress.yaml"))
PROGRESS = ROOT / "plans" / "2021-logistics.progress.yaml"
SEED = ROOT / "plans" / "2021-logistics.yaml"
NEXT = ROOT / "plans" / "2022-logistics.yaml"
ENGLISH = ROOT / "plans" / "2025-it-services.yaml"

# Commands run in-process, not in the render server (build/daemon.py): each test sees its own
# code and environment; tests/test_daemon.py turns it on with a private runtime folder.
# PLANGEN_TEST_DAEMON=require runs every command of the suite through the server instead.
os.environ["PLANGEN_DAEMON"] = os.environ.get("PLANGEN_TEST_DAEMON", "0")


# The pytest marker of each external program (registered in pyproject.toml: `-m "not libreoffice"`).
MARKERS = {"soffice": "libreoffice", "pdftotext": "poppler", "pdffonts": "poppler", "pdftoppm": "poppler",
           "pdfinfo": "poppler", "pdfimages": "poppler", "qpdf": "poppler", "chromium": "browser", "node": "browser", "tesseract": "ocr"}
# CI installs every program (bash scripts/setup test): there a missing one fails the test, never skips it.
ON_CI = bool(os.environ.get("CI"))


def which(program: str) -> str | None:
    return shutil.which(program) or (shutil.which("libreoffice") if program == "soffice" else None)


def missing_reason(programs: tuple[str, ...]) -> str | None:
    missing = [p for p in programs if not which(p)]
    if not missing or ON_CI:
        return None
    return f"needs {', '.join(missing)} (not installed; `bash scripts/setup test` installs it)"


def requires(*programs: str):
    """Decorate a test that runs these programs: it carries their markers and skips, with the
    reason, when one is missing (except on CI, where it then fails)."""
    unknown = set(programs) - set(MARKERS)
    assert not unknown, f"no marker for {unknown}: add it to MARKERS"
    marks = [getattr(pytest.mark, m) for m in sorted({MARKERS[p] for p in programs})]
    reason = missing_reason(programs)
    marks.append(pytest.mark.skipif(reason is not None, reason=reason or ""))

    def apply(test):
        for mark in marks:
            test = mark(test)
        return test
    return apply


def need(program: str) -> str:
    """The program's path for a helper; skips the calling test when it is missing (a test that
    forgot its `requires` still skips cleanly instead of failing with FileNotFoundError)."""
    reason = missing_reason((program,))
    if reason:
        pytest.skip(reason)
    return which(program) or program


def digests(folder: Path, *, hidden: bool = True) -> dict[str, str]:
    """SHA-256 of every file under folder, by relative path; hidden=False leaves out dot files
    (the build manifest)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and (hidden or not p.name.startswith("."))}


def run(*args: str, cwd: Path = ROOT, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    """Run the real command line in a fresh process."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    kw.setdefault("text", True)
    return subprocess.run([sys.executable, "-m", "plangen", *args], cwd=cwd, capture_output=True,
                          timeout=timeout, env=env, **kw)


def no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout, proc.stdout


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """Every example plan in every format, with per-unit documents, built once."""
    out = tmp_path_factory.mktemp("output")
    proc = run("build", *map(str, PLANS), "--format", "docx,pdf,html", "--per-unit", "--out", str(out), "-q",
               timeout=600)
    assert proc.returncode == 0, proc.stderr
    return out


def soffice_convert(files: list[Path], to: str, outdir: Path, infilter: str | None = None) -> None:
    """Convert with LibreOffice headless, with a private profile so runs do not collide."""
    soffice = need("soffice")
    profile = outdir / "lo-profile"
    proc = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                           *([f"--infilter={infilter}"] if infilter else []),
                           "--convert-to", to, "--outdir", str(outdir), *map(str, files)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="session")
def lo_pdfs(built, tmp_path_factory) -> Path:
    """LibreOffice's PDF of each example plan's .docx (a test using it needs `requires("soffice")`)."""
    out = tmp_path_factory.mktemp("lo")
    soffice_convert(sorted(built.glob("*.docx")), "pdf", out)
    return out


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run([need("pdftotext"), *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def squash(text: str) -> str:
    """Text without any white space, to compare across line breaks."""
    return "".join(text.split())
