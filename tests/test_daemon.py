"""The render server (build/daemon.py, build/forkserver.py): a command run in a child of the
warm server gives what it gives in-process; the server is private to its user, never serves
stale code, ends its child when the caller dies, and exits when idle.

Each test has its own runtime folder (XDG_RUNTIME_DIR), so its servers are its own; every
server started here is ended at the end of the module."""
from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import ENGLISH, ROOT, SEED, digests
from plangen.build import daemon

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the render server is Linux-only")
BAD_PLAN = "plangen: 1\ndocument:\n  number: X\n  title: t\n  year: 2024\n  organization: o\n  colour: red\n"
STARTED: list[int] = []  # server pids, ended at the end


def _short_dir() -> Path:
    """A runtime folder with a short path: a Unix socket's name is at most 107 bytes, and
    pytest's own temporary folders can be longer than that."""
    return Path(tempfile.mkdtemp(prefix="pgrt-", dir="/tmp"))


@pytest.fixture
def short_runtime():
    folder = _short_dir()
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def env_for(runtime: Path, mode: str = "require", **more: str) -> dict[str, str]:
    runtime.mkdir(mode=0o700, exist_ok=True)
    return {**os.environ, "PLANGEN_DAEMON": mode, "XDG_RUNTIME_DIR": str(runtime), "PYTHONDONTWRITEBYTECODE": "1",
            "PLANGEN_DAEMON_WARM": "0", **more}


def plangen(*args: str, env: dict[str, str], cwd: Path = ROOT, **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "plangen", *args], cwd=cwd, env=env, capture_output=True,
                          timeout=180, **kw)
    STARTED.extend(servers(Path(env["XDG_RUNTIME_DIR"])))
    return proc


def servers(runtime: Path) -> list[int]:
    """The pids of the servers listening in a runtime folder."""
    return [int(p.read_text()) for p in (runtime / "plangen").glob("*.sock.pid")]


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            found |= {int(x) for x in task.read_text().split()}
    return found


def wait_until(condition, timeout: float = 30.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture(scope="module", autouse=True)
def end_servers():
    yield
    for pid in set(STARTED):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)


@pytest.fixture(scope="module")
def warm(tmp_path_factory) -> dict[str, str]:
    """One server, warmed as users get it (the starter plans rendered), shared by the module."""
    env = env_for(_short_dir(), PLANGEN_DAEMON_WARM="1")
    assert plangen("--version", env=env).returncode == 0
    return env


def test_same_output_exit_code_and_messages_as_in_process(warm, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_PLAN, encoding="utf-8")
    cases = [["check", str(bad)], ["targets", str(SEED), "--format", "json"],
             ["diff", str(SEED), str(ROOT / "plans" / "2022-logistics.yaml"), "--format", "markdown"],
             ["buidl"], ["build", "-j", "0"]]
    for args in cases:
        served, here = plangen(*args, env=warm), plangen(*args, env={**warm, "PLANGEN_DAEMON": "0"})
        assert (served.returncode, served.stdout, served.stderr) == (here.returncode, here.stdout, here.stderr), args
    assert plangen("check", str(bad), env=warm).returncode == 1
    assert b"colour" in plangen("check", str(bad), env=warm).stderr


def test_same_documents_as_in_process(warm, tmp_path):
    outs = {}
    for name, mode in (("served", "require"), ("here", "0")):
        outs[name] = tmp_path / name
        proc = plangen("build", str(ENGLISH), "--format", "pdf,html", "--out", str(outs[name]),
                       env={**warm, "PLANGEN_DAEMON": mode, "SOURCE_DATE_EPOCH": "1600000000"})
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr.decode().endswith("2 file(s) written, 0 up to date\n"), proc.stderr
    assert digests(outs["served"], hidden=False) == digests(outs["here"], hidden=False)


def test_the_callers_folder_umask_and_limits(warm, tmp_path):
    """A file-size limit set on the caller holds in the child: the same error as in-process."""
    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))
        os.umask(0o077)
    (tmp_path / "plans").mkdir()
    shutil.copy(SEED, tmp_path / "plans" / "seed.yaml")
    results = []
    for mode in ("require", "0"):
        out = tmp_path / f"out-{mode}"
        proc = plangen("build", "--format", "html", "--out", str(out), env={**warm, "PLANGEN_DAEMON": mode},
                       cwd=tmp_path, preexec_fn=small_files)
        results.append((proc.returncode, proc.stderr.replace(str(out).encode(), b"OUT"), out.stat().st_mode & 0o777))
    assert results[0] == results[1] and results[0][0] == 1, results
    assert b"File too large" in results[0][1] and results[0][2] == 0o700, results


def test_a_changed_code_gets_a_new_server_and_the_old_one_exits(tmp_path, short_runtime):
    package = tmp_path / "pkg"
    shutil.copytree(ROOT / "src" / "plangen", package / "plangen", ignore=shutil.ignore_patterns("__pycache__"))
    env = env_for(short_runtime, PYTHONPATH=str(package))
    assert plangen("--version", env=env).returncode == 0
    (old,) = servers(short_runtime)
    (package / "plangen" / "errors.py").write_text((package / "plangen" / "errors.py").read_text() + "# changed\n")
    assert plangen("--version", env=env).returncode == 0
    assert wait_until(lambda: not running(old), 30), "the server of the old code is still running"
    (new,) = servers(short_runtime)
    assert new != old and running(new)
    assert len(list((short_runtime / "plangen").glob("*.sock"))) == 1


def test_idle_server_exits(tmp_path, short_runtime):
    env = env_for(short_runtime, PLANGEN_DAEMON_IDLE="1")
    assert plangen("--version", env=env).returncode == 0
    (pid,) = servers(short_runtime)
    assert wait_until(lambda: not running(pid), 30), "the idle server did not exit"
    assert not list((short_runtime / "plangen").glob("*.sock"))


@pytest.mark.parametrize("case", ["group-readable", "link", "other-owner"])
def test_a_folder_others_can_enter_is_not_used(tmp_path, case, short_runtime):
    runtime = short_runtime  # made (mode 0700) by the fixture
    folder = runtime / "plangen"
    if case == "link":
        (tmp_path / "elsewhere").mkdir(mode=0o700)
        folder.symlink_to(tmp_path / "elsewhere")
    else:
        folder.mkdir(mode=0o755 if case == "group-readable" else 0o700)
        if case == "other-owner":
            if os.getuid() != 0:
                pytest.skip("needs root to give the folder to another user")
            os.chown(folder, 65534, 65534)
    refused = plangen("--version", env=env_for(runtime))
    assert refused.returncode == 1 and b"not a private folder of this user" in refused.stderr, refused.stderr
    fallback = plangen("--version", env=env_for(runtime, "1"))
    assert fallback.returncode == 0 and fallback.stdout == b"plangen 0.1.0\n"
    assert not list(folder.glob("*.sock")) and not list((tmp_path / "elsewhere").glob("*"))


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to connect as another user")
def test_another_user_is_not_served(tmp_path, short_runtime):
    env = env_for(short_runtime)
    assert plangen("--version", env=env).returncode == 0
    folder = short_runtime / "plangen"
    (sock,) = folder.glob("*.sock")
    folder.chmod(0o711)
    sock.chmod(0o666)  # only the uid check stands between this user and the server
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # as another user: connect, send a command, say whether it ran
        try:
            os.chdir(folder)  # the folder alone is opened to others: a relative name reaches the socket
            os.setuid(65534)
            s = socket.socket(socket.AF_UNIX)
            s.connect(sock.name)
            os.write(write, repr(daemon._relay(s, ["--version"])).encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read, "rb") as f:
        assert f.read() == b"None"  # refused before anything ran


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT])
def test_the_child_ends_with_its_caller(warm, tmp_path, how):
    """kill -9 of the caller ends the command (and releases the caller's pipes); Ctrl-C
    reaches it as it would in-process."""
    env = warm
    (server,) = servers(Path(env["XDG_RUNTIME_DIR"]))
    plan = tmp_path / "plan.yaml"
    shutil.copy(SEED, plan)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "plangen", "watch", str(plan), "--format", "html", "--out", str(out)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert wait_until(lambda: (out / "plan.html").exists(), 120), "watch built nothing"
        (child,) = children(server)
        os.kill(proc.pid, how)
        stdout, stderr = proc.communicate(timeout=30)  # returns once nobody holds the pipes
        assert wait_until(lambda: not running(child), 15), "the command outlived its caller"
        if how == signal.SIGINT:
            assert proc.returncode == 0 and stderr.startswith(b"watching for changes; Ctrl-C stops\n"), stderr
    finally:
        proc.kill()
        proc.wait()


def test_a_font_installed_since_the_server_started_is_seen(tmp_path, monkeypatch):
    """The server's installed-font lists are kept only while the font folders are unchanged."""
    from plangen.build import forkserver
    fonts = tmp_path / ".local" / "share" / "fonts"
    fonts.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(tmp_path))
    before = forkserver.fonts_stamp()
    assert forkserver.fonts_stamp() == before
    time.sleep(0.01)
    (fonts / "noto").mkdir()
    after = forkserver.fonts_stamp()
    assert after != before
    time.sleep(0.01)
    (fonts / "noto" / "NotoSerifCJK.ttc").write_bytes(b"")
    assert forkserver.fonts_stamp() != after
