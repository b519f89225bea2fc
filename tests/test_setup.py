"""scripts/setup without root: run as an unprivileged user without sudo (a PATH holding only
the tools it needs, and a dpkg-query that reports some packages missing), it prints the
exact missing list and the command to run on Debian/Ubuntu, Fedora, Arch and macOS, and exits
1 — never `sudo: command not found`. With a working sudo it installs exactly what is missing."""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import ROOT

MISSING = ["libharfbuzz-subset0", "fonts-noto-cjk", "qpdf"]
TOOLS = ["bash", "dirname", "grep", "cat", "id", "env"]


def _script(path: Path, body: str) -> None:
    path.write_text("#!/bin/bash\n" + body, encoding="utf-8")
    path.chmod(0o755)


@pytest.fixture
def sandbox():
    """A copy of scripts/setup and a bin/ of shims, readable by an unprivileged user."""
    top = Path(tempfile.mkdtemp(prefix="plangen-setup-"))
    try:
        (top / "repo" / "scripts").mkdir(parents=True)
        shutil.copy(ROOT / "scripts" / "setup", top / "repo" / "scripts" / "setup")
        shutil.copy(ROOT / "pyproject.toml", top / "repo" / "pyproject.toml")
        bin_ = top / "bin"
        bin_.mkdir()
        for tool in TOOLS:
            os.symlink(shutil.which(tool), bin_ / tool)
        missing = " ".join(MISSING)
        _script(bin_ / "dpkg-query", f'for p in "$@"; do :; done\ncase " {missing} " in *" $p "*) exit 1;; esac\n'
                                     'printf "install ok installed"\n')
        _script(bin_ / "apt-get", f'echo "apt-get $*" >> {top}/calls\n')
        (top / "home").mkdir()
        for path in [top, *top.rglob("*")]:
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | stat.S_IRGRP | stat.S_IROTH | (stat.S_IXGRP | stat.S_IXOTH if path.is_dir() else 0))
        (top / "home").chmod(0o777)
        top.chmod(0o777)  # the shims record their calls here
        yield top
    finally:
        shutil.rmtree(top, ignore_errors=True)


def run_setup(top: Path, task: str = "test") -> subprocess.CompletedProcess:
    """bash scripts/setup TASK as nobody when we are root (setpriv), else as ourselves; PATH = the shims only."""
    drop = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if not setpriv:
            pytest.skip("setpriv (util-linux) is needed to run the set-up as an unprivileged user")
        drop = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    env = {"PATH": str(top / "bin"), "HOME": str(top / "home"), "LANG": "C.UTF-8"}
    return subprocess.run([*drop, str(top / "bin" / "bash"), str(top / "repo" / "scripts" / "setup"), task],
                          capture_output=True, text=True, env=env, timeout=60)


def test_without_sudo_it_prints_the_missing_packages_and_the_commands(sandbox):
    proc = run_setup(sandbox)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[0] == f"setup: missing system packages: {' '.join(MISSING)}"
    assert f"    apt-get update && apt-get install -y --no-install-recommends {' '.join(MISSING)}" in lines
    for system in ("Fedora:        sudo dnf install", "Arch:          sudo pacman -S", "macOS (brew):  brew install"):
        assert any(line.strip().startswith(system.strip()) for line in lines), system
    assert "command not found" not in proc.stderr and "sudo:" not in proc.stderr
    assert not (sandbox / "calls").exists(), "apt-get must not run without root"


def test_render_needs_fewer_packages(sandbox):
    proc = run_setup(sandbox, "render")
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[0] == "setup: missing system packages: libharfbuzz-subset0 fonts-noto-cjk"


def test_with_sudo_it_installs_exactly_what_is_missing(sandbox):
    _script(sandbox / "bin" / "sudo", f'echo "sudo $*" >> {sandbox}/calls\n')
    proc = run_setup(sandbox)
    calls = (sandbox / "calls").read_text(encoding="utf-8").splitlines()
    assert calls[0] == "sudo -n true", proc.stderr
    assert calls[-1] == ("sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "
                         + " ".join(MISSING))


def test_not_debian_lists_every_system(sandbox):
    (sandbox / "bin" / "dpkg-query").unlink()
    proc = run_setup(sandbox)
    assert proc.returncode == 1
    assert proc.stderr.startswith("setup: this is not Debian or Ubuntu")
    assert "dnf install" in proc.stderr and "pacman -S" in proc.stderr and "brew install" in proc.stderr
