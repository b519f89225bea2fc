"""The render server: a warm process that forks one child per `plangen` command.

Started by the client (build/daemon.py) in its own session with stdio on /dev/null, it takes
a lock beside its socket (one server per key), imports WeasyPrint and plangen and renders
the starter plans once in memory (cffi's C types, Jinja's compiled templates, the prepared
fonts), then listens. For each connection of this user (SO_PEERCRED) it receives the
command and the caller's three file descriptors and forks:

    the child: becomes the caller (folder, umask, environment, resource limits, standard
    streams), forgets the server's per-run state (kept fonts, font lists, exit handlers),
    says "started", runs the normal command line, and reports "exit N". Its render workers
    are forked from it (warm) and get the same limits as spawned ones (build/workers.py).
    A thread reads the connection: "signal N" is raised here; the caller's end closing
    (the caller was killed) ends the child like Ctrl-C, then for good after a grace time.

The server reports each child's end ("exit N" or "signal N") as it reaps it, stops listening
when its code changes (a new key has a new server), and exits after the idle time.
"""
from __future__ import annotations

import contextlib
import fcntl
import marshal
import os
import selectors
import signal
import socket
import struct
import sys
import threading
import time
from typing import Any, Optional

from plangen.build import daemon

GRACE = 10.0  # seconds a child whose caller died has to clean up before it is killed
RECHECK = 5.0  # seconds between checks that the server's code is still current
WARM_ENV = "PLANGEN_DAEMON_WARM"  # "0": import only, render nothing at start (the daemon's own tests)
WARM_MODULES = ("plangen.cli", "plangen.build.orchestrator", "plangen.source.load", "plangen.outline.outline",
                "plangen.render.pdf", "plangen.render.html", "plangen.render.docx.render", "plangen.tools.report",
                "plangen.outline.report", "plangen.compare.diff", "plangen.compare.redline", "plangen.tools.targets_table")
_STATE: dict[str, object] = {}  # what a child must close: the listener, the lock, the wake-up pipe


def main(path: str) -> None:
    _STATE["server"] = os.getpid()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # kill: the socket is removed on the way out
    lock = _lock(path + ".lock")
    if lock is None:
        return  # another server for this key is starting or running
    key = os.path.basename(path)[:24]  # the client named the socket after the code it sees
    if daemon.code_key()[:24] != key:
        return  # this process sees other code (a change under way): no server for that name
    with contextlib.suppress(Exception):  # a broken set-up fails in each command, as it would without a server
        warm_up()
    idle = _idle_seconds()
    listener = _listen(path)
    _STATE.update(listener=listener, lock=lock, path=path)
    try:
        _serve(listener, key, idle)
    finally:
        _unlink(path)
        listener.close()


def _idle_seconds() -> float:
    try:
        return max(0.1, float(os.environ.get(daemon.IDLE_ENV, "600")))
    except ValueError:
        return 600.0


def _lock(path: str) -> Optional[int]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _listen(path: str) -> socket.socket:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)  # a dead server's socket (we hold the lock)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    try:
        listener.bind(path)
    finally:
        os.umask(old)
    listener.listen(16)
    with open(path + ".pid", "w", encoding="ascii") as f:
        f.write(f"{os.getpid()}\n")
    return listener


def _unlink(path: str) -> None:
    """Remove the socket, its pid file and lock (ours: we hold the lock)."""
    for name in (path, path + ".pid", path + ".lock"):
        with contextlib.suppress(OSError):
            os.unlink(name)


def warm_up() -> None:
    """Import what commands use and render the starter plans in memory, then forget what a
    command must find fresh."""
    from plangen.render.engine import import_weasyprint
    import_weasyprint()
    import importlib
    for module in WARM_MODULES:
        importlib.import_module(module)
    if os.environ.get(WARM_ENV) != "0":
        with contextlib.suppress(Exception):  # a broken set-up is reported by the commands themselves
            _render_starters()
    fresh_state()
    _keep_font_lists()
    import gc
    gc.collect()
    gc.freeze()  # the warm objects stay out of every collection, in the server and in its forks


def _render_starters() -> None:
    from plangen.outline.outline import build_outline
    from plangen.render import RENDERERS, RenderOptions
    from plangen.render.theme import load_theme
    from plangen.source.load import load_plan_text
    from plangen.tools.init import starter_plan
    theme = load_theme()
    for language in ("zh", "en"):
        text = starter_plan(language, 2024)
        loaded = load_plan_text(text, f"<starter {language}>")
        outline = build_outline(loaded.plan, theme.wording(language))
        for fmt in ("pdf", "docx", "html"):
            RENDERERS[fmt].render(outline, theme, RenderOptions(characters=text))


def fresh_state(keep_fonts: bool = False) -> None:
    """Forget per-run state a fresh process would not have: WeasyPrint's font configuration
    and the stylesheets tied to it (a forked copy is not safe to share), the parsed plan, the
    temporary folder, and the installed font lists unless keep_fonts (see fonts_stamp)."""
    import tempfile

    from plangen.build import orchestrator
    from plangen.render import fonts, pdf, theme
    config, pdf._FONT_CONFIG = pdf._FONT_CONFIG, None
    if config is not None and os.getpid() == _STATE.get("server"):
        pdf._remove_font_folder(config)
    pdf._FACES.clear()
    fonts.theme_text.cache_clear()
    if not keep_fonts:
        theme.font_faces.cache_clear()
        theme.font_charsets.cache_clear()
    orchestrator._LOADED.clear()
    tempfile.tempdir = None


FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "/etc/fonts", "~/.local/share/fonts", "~/.fonts",
             "~/.config/fontconfig", "~/.local/share/fontconfig")
FONT_ENV = ("HOME", "FONTCONFIG_FILE", "FONTCONFIG_PATH", "FONTCONFIG_SYSROOT", "XDG_DATA_HOME", "XDG_CONFIG_HOME",
            "XDG_DATA_DIRS")


def fonts_stamp() -> list[object]:
    """What the installed font lists (fc-list, read once by the server) depend on: the font
    and fontconfig folders' times, three levels deep (a font installed or removed changes its
    folder's), and the environment fontconfig reads. A child whose stamp differs reads them again."""
    stamp: list[object] = [os.environ.get(name) for name in FONT_ENV]
    for top in map(os.path.expanduser, FONT_DIRS):
        for root, dirs, _files in os.walk(top):
            if root[len(top):].count(os.sep) >= 2:
                dirs[:] = []
            with contextlib.suppress(OSError):
                stamp.append((root, os.stat(root).st_mtime_ns))
    return stamp


def _keep_font_lists() -> None:
    """In the server: read the font lists once, with the stamp they hold for."""
    from plangen.render import theme
    _STATE["fonts"] = fonts_stamp()
    theme.font_faces()
    theme.font_charsets()


def _serve(listener: socket.socket, key: str, idle: float) -> None:
    wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    _STATE.update(wake=(wake_r, wake_w))
    children: dict[int, socket.socket] = {}
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    selector.register(wake_r, selectors.EVENT_READ)
    last_work, checked, listening = time.monotonic(), time.monotonic(), True
    while listening or children:
        for event, _ in selector.select(timeout=1.0):
            if event.fileobj is listener:
                _accept(listener, children)
            else:
                with contextlib.suppress(OSError):
                    os.read(wake_r, 512)
        _reap(children)
        now = time.monotonic()
        if children:
            last_work = now
        if listening and (now - last_work > idle or (now - checked > RECHECK and daemon.code_key()[:24] != key)):
            selector.unregister(listener)  # new callers start a new server, or run the command themselves
            _unlink(str(_STATE["path"]))
            listener.close()
            listening = False
        checked = now if now - checked > RECHECK else checked


def _accept(listener: socket.socket, children: dict[int, socket.socket]) -> None:
    try:
        conn, _ = listener.accept()
    except OSError:
        return
    try:
        if daemon.peer_uid(conn) != os.getuid():
            raise PermissionError("another user")
        conn.settimeout(5)
        request, fds = _receive(conn)
    except (OSError, ValueError):
        conn.close()
        return
    pid = os.fork()
    if pid == 0:
        _child(conn, request, fds)  # never returns
    for fd in fds:
        os.close(fd)
    children[pid] = conn


def _receive(conn: socket.socket) -> tuple[dict[str, Any], list[int]]:
    data, fds, _flags, _addr = socket.recv_fds(conn, 65536, 3)
    if len(fds) != 3 or len(data) < 4:
        for fd in fds:
            os.close(fd)
        raise ValueError("a request needs three descriptors")
    size = struct.unpack("!I", data[:4])[0]
    body = data[4:]
    while len(body) < size:
        chunk = conn.recv(min(1 << 20, size - len(body)))
        if not chunk:
            raise ValueError("request cut short")
        body += chunk
    request = marshal.loads(body)  # from this user (checked), the same interpreter (the key)
    if not isinstance(request, dict):
        raise ValueError("not a request")
    return request, fds


def _reap(children: dict[int, socket.socket]) -> None:
    for pid in list(children):
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done, status = pid, 0
        if not done:
            continue
        conn = children.pop(pid)
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
        daemon._send(conn, f"signal {sig}" if sig else f"exit {os.waitstatus_to_exitcode(status)}")
        conn.close()


def _child(conn: socket.socket, request: dict[str, Any], fds: list[int]) -> None:
    """In the forked child: become the caller, run the command, report its exit code."""
    code = 1
    try:
        _close_server_state()
        from plangen.build import caller
        try:
            caller.become(request, fds)
        except Exception:  # noqa: BLE001 - whatever it is, the caller runs the command itself
            daemon._send(conn, "refused")
            os._exit(0)
        daemon._send(conn, "started")
        _watch_caller(conn)
        code = caller.run(request["argv"])
        daemon._send(conn, f"exit {code}")
    finally:
        os._exit(code)


def _close_server_state() -> None:
    signal.set_wakeup_fd(-1)
    for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL if sig != signal.SIGINT else signal.default_int_handler)
    wake = _STATE.get("wake")
    for fd in (*(wake if isinstance(wake, tuple) else ()), _STATE.get("lock")):
        if isinstance(fd, int):
            with contextlib.suppress(OSError):
                os.close(fd)
    listener = _STATE.get("listener")
    if isinstance(listener, socket.socket):
        listener.close()


def _watch_caller(conn: socket.socket) -> None:
    """A thread that raises the caller's signals here, and ends the command when the caller
    is gone; the connection is closed in processes this one forks (render workers)."""
    conn.settimeout(None)
    os.register_at_fork(after_in_child=lambda: _close_quietly(conn))

    def read() -> None:
        lines = daemon._Lines(conn)
        while True:
            line = lines.next()
            what, _, value = line.partition(" ")
            if what == "signal" and value.isdigit():
                os.kill(os.getpid(), int(value))
            elif not line:  # the caller died: stop as on kill, then for good
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(GRACE)
                os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=read, name="plangen-caller", daemon=True).start()


def _close_quietly(conn: socket.socket) -> None:
    with contextlib.suppress(OSError):
        conn.close()


if __name__ == "__main__":
    main(sys.argv[1])
