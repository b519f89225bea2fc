"""Installed the normal way: the wheel holds everything plangen needs (templates, wording,
reference documents, the schema, the starter kit, py.typed), and a non-editable install in a
fresh virtualenv runs every command from a folder outside the checkout.

The virtualenv gets plangen from the wheel only; its dependencies (WeasyPrint, pydantic ...)
come from the test's own environment through a .pth line, so no network and no rebuilds
(a .pth line adds a folder, not the .pth files in it: the checkout's editable install does
not leak in). The test checks that `plangen` is imported from the virtualenv."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.wheel
PACKAGE = ROOT / "src" / "plangen"
YEAR = "2026"


CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}


def _sh(*args, cwd=None, env=CLEAN_ENV, timeout=120) -> subprocess.CompletedProcess:
    """A program run without the checkout on PYTHONPATH (pip would see it as installed)."""
    return subprocess.run(list(map(str, args)), cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the sources (no stale build/ folder can add files)."""
    tmp = tmp_path_factory.mktemp("wheel")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    shutil.copytree(ROOT / "src", tmp / "source" / "src", ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tmp / "source" / name)
    proc = _sh(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
               "-q", "-w", tmp / "dist", tmp / "source", timeout=300)
    assert proc.returncode == 0, "building the wheel failed (needs setuptools>=77: pip install -e '.[test]'):\n" + proc.stderr
    (found,) = (tmp / "dist").glob("plangen-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("venv") / "venv"
    assert _sh(sys.executable, "-m", "venv", "--without-pip", home).returncode == 0
    python = home / "bin" / "python"
    proc = _sh(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel)
    assert proc.returncode == 0, proc.stderr
    site = Path(_sh(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    paths = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site / "zz-test-dependencies.pth").write_text("\n".join(paths) + "\n", encoding="utf-8")
    return home


def test_the_wheel_holds_every_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    data = [p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts]
    expected = {"plangen/" + p.relative_to(PACKAGE).as_posix() for p in data}
    assert {"plangen/render/templates/fonts.css", "plangen/render/templates/strings/zh.yaml",
            "plangen/render/templates/reference.docx", "plangen/render/templates/fontconfig/plangen-cjk.conf",
            "plangen/source/plan.schema.json", "plangen/tools/starter/zh.yaml", "plangen/py.typed"} <= expected
    assert expected - names == set(), f"missing from the wheel: {sorted(expected - names)}"
    modules = {"plangen/" + p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")}
    assert modules - names == set()


def test_installed_plangen_runs_every_command_outside_the_checkout(venv, tmp_path):
    env = dict(CLEAN_ENV)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    where = _sh(venv / "bin" / "python", "-c", "import plangen; print(plangen.__file__)", cwd=tmp_path, env=env)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout + where.stderr
    assert not tmp_path.is_relative_to(ROOT)

    def plangen(*args, code=0):
        proc = _sh(venv / "bin" / "plangen", *args, cwd=tmp_path, env=env, timeout=300)
        assert proc.returncode == code, f"plangen {' '.join(args)} exited {proc.returncode}:\n{proc.stderr}"
        assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
        return proc

    plangen("init", "--year", YEAR, "--name", "office")
    plan, nxt = f"plans/{YEAR}-office.yaml", f"plans/{int(YEAR) + 1}-office.yaml"
    assert "plan file(s) OK" in plangen("check").stdout
    plangen("build", "--format", "docx,pdf,html", "--per-unit", "-q")
    built = sorted(p.relative_to(tmp_path / "output").as_posix() for p in (tmp_path / "output").rglob("*.*")
                   if not p.name.startswith("."))
    assert built == [f"{YEAR}-office.{f}" for f in ("docx", "html", "pdf")] + [
        f"{YEAR}-office/{u}.{f}" for u in ("erxiao", "yixiao") for f in ("docx", "html", "pdf")]
    assert "新课桌" in plangen("targets", plan, "--format", "csv").stdout
    plangen("new", "--from", plan, "--year", str(int(YEAR) + 1))
    assert "number: JH-002" in (tmp_path / nxt).read_text(encoding="utf-8")
    assert plangen("diff", plan, plan).stdout == ""
    assert "JH-001 → JH-002" in plangen("diff", plan, nxt, "--color", "never", code=1).stdout
    plangen("redline", plan, nxt, "-o", "changes.docx")
    plangen("redline", plan, nxt, "-o", "changes.pdf")
    assert (tmp_path / "changes.pdf").read_bytes().startswith(b"%PDF")
    assert "一、指导思想" in plangen("textconv", plan).stdout
    assert plangen("schema").stdout == (PACKAGE / "source" / "plan.schema.json").read_text(encoding="utf-8")


def test_a_missing_template_file_is_a_one_line_error(venv, tmp_path):
    env = CLEAN_ENV
    templates = next((venv / "lib").glob("python3*/site-packages/plangen/render/templates"))
    (tmp_path / "plan.yaml").write_bytes((ROOT / "tests" / "data" / "minimal.yaml").read_bytes())
    for name in ("fonts.css", "plan.html.j2", "strings/zh.yaml"):
        kept = (templates / name).read_bytes()
        (templates / name).unlink()
        try:
            proc = _sh(venv / "bin" / "plangen", "build", "plan.yaml", "--format", "pdf", "-q", cwd=tmp_path, env=env)
        finally:
            (templates / name).write_bytes(kept)
        assert proc.returncode == 1
        (line,) = proc.stderr.splitlines()
        assert str(templates / name) in line and "internal error" not in line, line


def test_an_unreadable_template_file_is_a_one_line_error(venv, tmp_path):
    (tmp_path / "plan.yaml").write_bytes((ROOT / "tests" / "data" / "minimal.yaml").read_bytes())
    (tmp_path / "a" / "fonts.css").mkdir(parents=True)  # unreadable as a file, even for root
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "plan.css").write_bytes(b"\xff\xfe body {}")
    for folder, name, message in (("a", "fonts.css", "is a folder, not a regular file"),
                                  ("b", "plan.css", "template file is not UTF-8")):
        proc = _sh(venv / "bin" / "plangen", "build", "plan.yaml", "--templates", folder, "--format", "html", "-q",
                   cwd=tmp_path)
        assert proc.returncode == 1
        (line,) = proc.stderr.splitlines()
        assert f"{folder}/{name}: {message}" in line, line


@pytest.mark.skipif(not os.environ.get("PLANGEN_TEST_PRECOMMIT") or not shutil.which("pre-commit"),
                    reason="opt-in (PLANGEN_TEST_PRECOMMIT=1, pre-commit on PATH): installs plangen and its "
                           "dependencies from the package index into pre-commit's cache, about a minute")
def test_pre_commit_runs_the_repositorys_hook_on_plans_only(tmp_path):
    """The hook as another repository uses it: this checkout's HEAD, installed by pre-commit."""
    rev = _sh("git", "rev-parse", "HEAD", cwd=ROOT).stdout.strip()
    env = {**CLEAN_ENV, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t", "GIT_COMMITTER_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    repo = tmp_path / "repo"
    (repo / "plans").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "data" / "minimal.yaml", repo / "plans" / "2021-x.yaml")
    (repo / "mkdocs.yml").write_text("site_name: x\nnav: [a]\n", encoding="utf-8")  # not a plan
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT}\n    rev: {rev}\n    hooks:\n      - id: plangen-check\n", encoding="utf-8")
    _sh("git", "init", "-q", cwd=repo, env=env)
    _sh("git", "add", "-A", cwd=repo, env=env)
    proc = _sh("pre-commit", "run", "--all-files", cwd=repo, env=env, timeout=900)
    assert proc.returncode == 0 and "plangen check" in proc.stdout and "Passed" in proc.stdout, proc.stdout + proc.stderr
    (repo / "plans" / "2021-x.yaml").write_text((repo / "plans" / "2021-x.yaml").read_text(encoding="utf-8")
                                                .replace("  title: 测试计划", "  tittle: 测试计划"), encoding="utf-8")
    proc = _sh("pre-commit", "run", "--all-files", cwd=repo, env=env, timeout=900)
    assert proc.returncode == 1 and "plans/2021-x.yaml:4:3: document.tittle: unknown key" in proc.stdout, proc.stdout
    assert "1 of 1 file(s)" in proc.stdout  # mkdocs.yml was not passed to check
