"""mypy passes on src/plangen as configured in pyproject.toml: every module is checked, and the
modules of the strict list get every flag that `mypy --strict` turns on."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import ROOT

# flags `mypy --strict` enables that mypy accepts only for the whole run, not per module
GLOBAL_ONLY = {"warn_redundant_casts"}


def mypy(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mypy", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_mypy_passes():
    proc = mypy("--cache-dir", str(ROOT / ".mypy_cache"))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def strict_flags() -> set[str]:
    """The flags `mypy --strict` enables, as configuration keys, read from mypy's own help."""
    help_text = mypy("--help").stdout
    listed = re.search(r"--strict\s+Strict mode; enables the following flags:(.*?)\n  --", help_text, re.S)
    assert listed, "mypy --help no longer lists what --strict enables"
    names = re.findall(r"--([a-z-]+)", re.sub(r"-\s*\n\s*", "-", listed.group(1)))
    return {n.replace("-", "_") for n in names}


def test_strict_modules_get_every_strict_flag():
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    strict = [o for o in config["overrides"] if o.get("disallow_untyped_defs")]
    assert len(strict) == 1 and "plangen.errors" in strict[0]["module"]
    flags = strict_flags()
    assert "disallow_untyped_defs" in flags and "strict_equality" in flags, flags
    missing = {f for f in flags - GLOBAL_ONLY if strict[0].get(f) is not True}
    assert missing == set(), f"the strict override lacks {missing}"
    assert all(config.get(f) is True for f in GLOBAL_ONLY)
