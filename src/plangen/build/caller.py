"""The render server's child becomes the caller: its folder, umask, environment, resource
limits and standard streams, and fresh per-run state; then it runs the command line as
`python -m plangen` would, exit code and all (build/forkserver.py forks it)."""
from __future__ import annotations

import atexit
import io
import os
import resource
import signal
import sys
import traceback
from typing import Any

_KEPT: list[Any] = []  # the server's standard streams: never closed or flushed in a child


def become(request: dict[str, Any], fds: list[int]) -> None:
    """Raises OSError or ValueError when the child cannot be the caller exactly (then the
    caller runs the command itself)."""
    _limits(request["limits"])
    os.chdir(request["cwd"])
    os.umask(int(request["umask"]))
    os.environ.clear()
    os.environ.update(request["env"])
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    _streams(request["streams"])
    atexit._clear()  # the server's exit handlers clean up the server's things, not the child's
    from plangen.build import forkserver, workers
    forkserver.fresh_state(keep_fonts=forkserver.fonts_stamp() == forkserver._STATE.get("fonts"))
    workers.FORK = True  # render workers are forked from this warm process
    sys.argv = ["plangen", *request["argv"]]
    sys.path[:] = request["path"]


def _limits(limits: dict[str, list[int]]) -> None:
    """The caller's resource limits; one the server cannot grant (a higher hard limit) refuses."""
    wanted = {getattr(resource, name): (int(soft), int(hard)) for name, (soft, hard) in limits.items()
              if hasattr(resource, name)}
    for res, (_soft, hard) in wanted.items():
        if _above(hard, resource.getrlimit(res)[1]):
            raise ValueError(f"resource limit {res}: the caller's is higher")
    for res, limit in wanted.items():
        if resource.getrlimit(res) != limit:
            resource.setrlimit(res, limit)


def _above(a: int, b: int) -> bool:
    inf = resource.RLIM_INFINITY
    return b != inf and (a == inf or a > b)


def _streams(spec: list[list[Any]]) -> None:
    """New sys.stdin/stdout/stderr on descriptors 0-2, set up as Python set up the caller's."""
    _KEPT.append((sys.stdin, sys.stdout, sys.stderr))
    made: list[io.TextIOWrapper | None] = []
    for fd, (encoding, errors, line_buffering, write_through, raw_buffer) in enumerate(spec):
        if encoding is None:
            made.append(None)
            continue
        raw = io.FileIO(fd, "rb" if fd == 0 else "wb", closefd=False)
        buffered = raw if raw_buffer else (io.BufferedReader(raw) if fd == 0 else io.BufferedWriter(raw))
        made.append(io.TextIOWrapper(buffered, encoding=encoding, errors=errors, line_buffering=bool(line_buffering),
                                     write_through=bool(write_through)))
    sys.stdin, sys.stdout, sys.stderr = made
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = made  # type: ignore[misc]


def run(argv: list[str]) -> int:
    """cli.main(argv) ending as a Python process would: SystemExit's code, a traceback and 1
    for an escaped exception, 120 when the output cannot be flushed."""
    from plangen.build import workers
    from plangen.cli import main
    try:
        code = main(argv)
    except SystemExit as exc:
        code = _exit_status(exc.code)
    except KeyboardInterrupt:
        traceback.print_exc()
        code = -signal.SIGINT
    except BaseException:  # noqa: B036 - what the interpreter does with an uncaught exception
        traceback.print_exc()
        code = 1
    workers.shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            code = code or 120
    if code < 0:  # ended by a signal, as CPython does for an uncaught Ctrl-C
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    return code


def _exit_status(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1
