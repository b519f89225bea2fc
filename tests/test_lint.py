"""The code passes ruff (pyflakes errors, syntax, bugbear), as configured in pyproject.toml."""
from __future__ import annotations

import shutil
import subprocess
import sys

from conftest import ROOT


def test_ruff():
    ruff = shutil.which("ruff") or str(__import__("pathlib").Path(sys.executable).with_name("ruff"))
    proc = subprocess.run([ruff, "check", "src", "tests", "benchmarks"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
