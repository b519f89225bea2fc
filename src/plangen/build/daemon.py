"""The `plangen` command's client of the render server (build/forkserver.py).

A warm process (WeasyPrint and plangen imported, one document rendered to warm every cache)
forks one child per command; the child takes this process's argv, folder, environment,
umask, resource limits and stdin/stdout/stderr (passed as file descriptors) and runs the
normal command line. This process relays signals to it and exits with its exit code.

- Off with PLANGEN_DAEMON=0 (the tests do that), and off where it cannot work (not Linux);
  PLANGEN_DAEMON=require waits for a server and fails rather than run here (tests, benchmarks).
- Private: the socket is in $XDG_RUNTIME_DIR/plangen or /tmp/plangen-UID, a folder of this
  user that only this user can enter (else the server is not used); both ends check the
  other's uid (SO_PEERCRED).
- Never stale: the socket's name is a hash of plangen's files, the interpreter and its flags,
  sys.path and the installed distributions; a server whose files changed stops listening.
- Never a different result: if anything fails before the child confirms it is set up, the
  command runs here, in this process, as it would without a server. The first command after
  a change starts a server in the background and itself runs here.
- The server exits after PLANGEN_DAEMON_IDLE seconds (default 600) without work.

This module is imported by every command: it imports only the standard library's light parts.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import signal
import socket
import struct
import sys

TYPE_CHECKING = False  # typing is not imported: every command starts here
if TYPE_CHECKING:
    from typing import Any

ENV = "PLANGEN_DAEMON"  # "0": never use the render server
IDLE_ENV = "PLANGEN_DAEMON_IDLE"  # seconds a server waits for work before it exits
RELAYED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
_ENV_IN_KEY = ("PYTHON", "LD_")  # environment read when the interpreter and libraries load


def main(argv: list[str] | None = None) -> int:
    """The `plangen` command: in the render server's child, else here."""
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        code = run_in_server(args)
    except Unavailable as exc:  # PLANGEN_DAEMON=require
        print(f"plangen: the render server is not available: {exc}", file=sys.stderr)
        return 1
    if code is not None:
        return code
    from plangen.cli import main as cli_main
    return cli_main(args)


class Unavailable(Exception):
    """With PLANGEN_DAEMON=require: why the command could not run in the server."""


def enabled() -> bool:
    return (os.environ.get(ENV, "1") != "0" and sys.platform.startswith("linux") and hasattr(socket, "send_fds")
            and hasattr(socket, "SO_PEERCRED"))


def run_in_server(argv: list[str]) -> int | None:
    """The command's exit code from the server's child, or None: run it here. With
    PLANGEN_DAEMON=require (for tests and measurements) a server is started and waited for,
    and what would make the command run here raises Unavailable instead."""
    if not enabled():
        return None
    required = os.environ.get(ENV) == "require"
    try:
        folder = private_folder()
        path = os.path.join(folder, f"{code_key()[:24]}.sock")
        if len(os.fsencode(path)) > 100:  # a Unix socket's name is at most 107 bytes
            raise OSError(f"{path}: too long a name for a socket")
        sock = _connect(path)
        if sock is None:
            start_server(path)
            sock = _wait_for(path) if required else None
    except (OSError, ValueError) as exc:
        sock = None
        if required:
            raise Unavailable(str(exc)) from None
    if sock is None:
        return None
    with sock:
        code = _relay(sock, argv)
    if code is None and required:
        raise Unavailable("the server refused the command")
    return code


def _wait_for(path: str, timeout: float = 120.0) -> socket.socket:
    import time
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        sock = _connect(path)
        if sock is not None:
            return sock
        time.sleep(0.05)
    raise TimeoutError(f"{path}: no server after {timeout:g} s")


def private_folder() -> str:
    """$XDG_RUNTIME_DIR/plangen, else /tmp/plangen-UID: made with mode 0700; refused (OSError)
    unless it is a real folder of this user that no one else can enter."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    folder = os.path.join(runtime, "plangen") if runtime and os.path.isabs(runtime) else f"/tmp/plangen-{os.getuid()}"
    if not os.path.lexists(folder):
        os.makedirs(folder, 0o700, exist_ok=True)
    check_private(folder)
    return folder


def check_private(folder: str) -> None:
    import stat
    st = os.lstat(folder)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        raise PermissionError(f"{folder}: not a private folder of this user")


def code_key() -> str:
    """A hash of everything a warm process has loaded that a fresh one could see differently."""
    h = hashlib.sha256()
    facts = [os.getuid(), sys.executable, sys.version, server_path(), repr(sys.flags), sys.warnoptions, sys._xoptions,
             sys.getfilesystemencoding(), sorted((k, v) for k, v in os.environ.items() if k.startswith(_ENV_IN_KEY))]
    h.update(repr(facts).encode("utf-8", "surrogateescape"))
    for entry in server_path():  # installed distributions and their versions (name-1.2.dist-info)
        if entry and os.path.isdir(entry):
            names = sorted(n for n in os.listdir(entry) if n.endswith((".dist-info", ".egg-info", ".pth", ".egg-link")))
            h.update(f"{entry}\0{names}\0".encode())
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for root, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            st = os.stat(os.path.join(root, name))
            h.update(f"{os.path.relpath(os.path.join(root, name), package)}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()


def server_path() -> list[str]:
    """sys.path without the folder `python -m` or `-c` puts first (the current one), so that
    commands run from any folder share a server; the child gets the caller's sys.path back."""
    if sys.path and sys.path[0] in ("", os.getcwd()):
        return sys.path[1:]
    return list(sys.path)


def peer_uid(sock: socket.socket) -> int:
    pid_uid_gid = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return int(struct.unpack("3i", pid_uid_gid)[1])


def _connect(path: str) -> socket.socket | None:
    """A connection to the server at path, or None when there is none (or it is not ours)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(5)
        sock.connect(path)
        if peer_uid(sock) != os.getuid():
            raise PermissionError(f"{path}: the server is another user's")
        sock.settimeout(None)
        return sock
    except (FileNotFoundError, ConnectionRefusedError):
        sock.close()
        return None
    except BaseException:
        sock.close()
        raise


def start_server(path: str) -> None:
    """Start a server for path in the background (its own session, stdio on /dev/null); if one is
    already starting, the new one sees its lock and exits."""
    import subprocess
    boot = ("import sys; sys.path[:] = sys.argv[3:]; "
            "from plangen.build.forkserver import main; main(sys.argv[1])")
    try:
        subprocess.Popen([sys.executable, *_interpreter_flags(), "-c", boot, path, "--", *server_path()],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         cwd="/", start_new_session=True, close_fds=True)
    except OSError:  # no server then: commands run in their own process
        return


def _interpreter_flags() -> list[str]:
    import subprocess
    flags: list[str] = subprocess._args_from_interpreter_flags()  # type: ignore[attr-defined]  # as multiprocessing does
    return flags


def request(argv: list[str]) -> dict[str, Any]:
    """What the child needs to be this process: argv, folder, environment, umask, limits, and
    how Python set up this process's standard streams."""
    import resource
    umask = os.umask(0o022)
    os.umask(umask)
    limits = {name: resource.getrlimit(getattr(resource, name)) for name in dir(resource) if name.startswith("RLIMIT_")}
    streams = [[getattr(s, "encoding", None), getattr(s, "errors", None), getattr(s, "line_buffering", False),
                getattr(s, "write_through", False), type(getattr(s, "buffer", None)).__name__ == "FileIO"]
               for s in (sys.stdin, sys.stdout, sys.stderr)]
    return {"argv": argv, "path": list(sys.path), "cwd": os.getcwd(), "env": dict(os.environ), "umask": umask, "limits": limits,
            "streams": streams}


def _relay(sock: socket.socket, argv: list[str]) -> int | None:
    """Send the command; relay signals; the exit code (None if it was refused before it began)."""
    caught: list[int] = []

    def relay(signum: int, _frame: object) -> None:
        caught.append(signum)
        _send(sock, f"signal {signum}")

    previous = {sig: signal.signal(sig, relay) for sig in RELAYED}
    reader = None
    try:
        reader = _started(sock, argv)
        return None if reader is None else _outcome(reader)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if reader is None and caught:  # a Ctrl-C while nothing ran yet: it is this process's own now
            os.kill(os.getpid(), caught[0])


def _started(sock: socket.socket, argv: list[str]) -> _Lines | None:
    """The command sent and its child started (its lines to read next), or None."""
    try:
        data = marshal.dumps(request(argv))  # same interpreter (the key says so), same user (checked)
        socket.send_fds(sock, [struct.pack("!I", len(data)) + data], [0, 1, 2])
        sock.settimeout(60)  # a server that does not answer: the command runs here
        reader = _Lines(sock)
        started = reader.next() == "started"
        sock.settimeout(None)
    except (OSError, ValueError):  # nothing ran: the command runs here
        return None
    return reader if started else None


def _outcome(reader: _Lines) -> int:
    while True:
        line = reader.next()
        what, _, value = line.partition(" ")
        if what == "exit":
            return int(value)
        if what == "signal":  # the child was killed: so is this process, the same way
            sig = int(value)
            signal.signal(sig, signal.SIG_DFL)
            os.kill(os.getpid(), sig)
            return 128 + sig  # a signal whose default is not to end a process
        if not line:
            print("plangen: the command's process ended without an exit status", file=sys.stderr)
            return 1


def _send(sock: socket.socket, line: str) -> None:
    try:
        sock.sendall(line.encode() + b"\n")
    except OSError:  # the other end is gone: nobody to tell
        return


class _Lines:
    """Lines of text from a socket (an empty string at its end, or when the connection fails)."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buffer = b""

    def next(self) -> str:
        while b"\n" not in self.buffer:
            try:
                chunk = self.sock.recv(4096)
            except InterruptedError:
                continue
            except OSError:  # reset or closed under us: the same as its end
                return ""
            if not chunk:
                return ""
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode()
