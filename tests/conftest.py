"""Shared helpers: the repository's paths, a CLI runner, and outputs built once per session."""
from __future__ import annotations

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
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is required (bash scripts/setup test installs it)"
    profile = outdir / "lo-profile"
    proc = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                           *([f"--infilter={infilter}"] if infilter else []),
                           "--convert-to", to, "--outdir", str(outdir), *map(str, files)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="session")
def lo_pdfs(built, tmp_path_factory) -> Path:
    """LibreOffice's PDF of each example plan's .docx."""
    out = tmp_path_factory.mktemp("lo")
    soffice_convert(sorted(built.glob("*.docx")), "pdf", out)
    return out


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def squash(text: str) -> str:
    """Text without any white space, to compare across line breaks."""
    return "".join(text.split())
