"""The code passes ruff as configured in pyproject.toml: pyflakes errors, syntax, bugbear,
simplifications, and McCabe complexity (a function with more branches than the limit fails)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def ruff(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    beside = Path(sys.executable).with_name("ruff")
    exe = str(beside) if beside.exists() else shutil.which("ruff") or "ruff"
    return subprocess.run([exe, "check", *args], cwd=cwd, capture_output=True, text=True)


def test_ruff():
    proc = ruff("src", "tests", "benchmarks")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_complexity_limit_is_enforced(tmp_path):
    """Eleven branches in one function (complexity 12) is over the limit of pyproject.toml."""
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(11))
    (tmp_path / "tangled.py").write_text(f"def tangled(x):\n{branches}    return -1\n", encoding="utf-8")
    proc = ruff("--config", str(ROOT / "pyproject.toml"), "--output-format", "concise", "tangled.py", cwd=tmp_path)
    assert proc.returncode == 1 and "C901 `tangled` is too complex (12 > 10)" in proc.stdout, proc.stdout
