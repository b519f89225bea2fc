"""Where documents are rendered: always in worker processes (a spawn pool, one worker for
a single document too), so that every document has the same limits:

- time: each document may take at most --timeout seconds from the moment its worker starts
  it; one that takes longer is stopped by killing its worker (which works even inside C
  code, where a plain in-process alarm does not), the worker is replaced, and the other
  documents still build;
- memory: each worker has an address-space limit (MEMORY_LIMIT);
- a worker dies with its parent however the parent dies (PR_SET_PDEATHSIG, and a check
  that the parent is still the one that started it), and never holds the caller's
  stdin/stdout/stderr: workers and multiprocessing's resource tracker run with /dev/null.

    if not FORK:  # forked workers use no named semaphores, so no resource tracker
        _detached_resource_tracker()
    _POOLS[count] = _Pool(count)
    return _POOLS[count]
"""
from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from multiprocessing.connection import wait
from typing import Optional

from plangen.errors import PlangenError, RenderError

MEMORY_LIMIT = 3 * 1024 ** 3  # bytes of address space a worker may use
MEMORY_ENV = "PLANGEN_WORKER_MEMORY_MB"  # a lower (or higher) limit, in MB
_PR_SET_PDEATHSIG = 1
FORK = False  # fork the workers from this (warm) process instead of spawning fresh ones
_KEPT: list = []  # a forked worker's inherited standard streams, never used again


def run_in_workers(run: Callable, jobs: list, workers: int, timeout: float, renderers: Sequence[object] = ()):
    """Yield (job, list of outputs or a PlangenError) as each job ends; renderers: the
    registry entries the jobs use, registered in the worker too."""
    if not jobs:
        return
    pool = _pool(max(1, min(workers, len(jobs))))
    queue = deque(jobs)
    try:
        while queue or pool.busy():
            pool.dispatch(queue, (run, tuple(renderers)))
            yield from pool.collect(timeout)
    except BaseException:  # Ctrl-C, SIGTERM or a caller that stopped early: stop the workers
        _discard()
        raise


def timed_out(job, stage: Optional[str], timeout: float) -> RenderError:
    """The one-line error of a document that took longer than --timeout."""
    return RenderError(f"{job.plan}: {_what(job, stage)}: took longer than {timeout:g} s (--timeout)")


def _what(job, stage: Optional[str]) -> str:
    """The format being rendered ("pdf"), with the document's name when it is not the plan's own."""
    stage = stage or (tuple(getattr(job, "formats", ())) or tuple(getattr(job.options, "formats", ())) or ("render",))[0]
    own = getattr(job, "unit", None) is None and not getattr(job, "report", False)
    return stage if own else f"{job.stem}.{stage}"


class _Worker:
    """One spawned worker and the job it runs (None when idle)."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("fork" if FORK else "spawn")
        self.conn, child = context.Pipe()
        self.proc = context.Process(  # type: ignore[attr-defined]
            target=_worker_main, args=(child, os.getpid()), daemon=True)
        self.proc.start()
        child.close()
        self.job = None
        self.stage: Optional[str] = None
        self.started = 0.0

    def give(self, job, task: tuple) -> None:
        self.conn.send((task, job))
        self.job, self.stage, self.started = job, None, time.monotonic()

    def kill(self) -> None:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            self.proc.kill()
        with contextlib.suppress(OSError, ValueError, AssertionError):
            self.proc.join(5)
        self.conn.close()


class _Pool:
    def __init__(self, count: int) -> None:
        self.count = count
        self.workers: list[_Worker] = []

    def busy(self) -> bool:
        return any(w.job is not None for w in self.workers)

    def dispatch(self, queue: deque, task: tuple) -> None:
        for worker in [w for w in self.workers if w.job is None and not w.proc.is_alive()]:
            self._drop(worker)  # a kept worker that ended while idle (plangen watch)
        for worker in self.workers:
            if worker.job is None and queue:
                worker.give(queue.popleft(), task)
        while queue and len(self.workers) < self.count:
            self.workers.append(_Worker())
            self.workers[-1].give(queue.popleft(), task)

    def collect(self, timeout: float):
        """Wait for the next message, end or deadline of a busy worker; yield finished jobs."""
        busy = [w for w in self.workers if w.job is not None]
        left = min(w.started + timeout for w in busy) - time.monotonic()
        ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], max(0.0, min(left, 3600.0)))  # select() takes no more
        for worker in busy:
            if worker.conn in ready or worker.proc.sentinel in ready:
                yield from self._read(worker)
            if worker.job is not None and time.monotonic() >= worker.started + timeout:
                job, stage = worker.job, worker.stage
                self._drop(worker)
                yield job, timed_out(job, stage, timeout)

    def _read(self, worker: _Worker):
        try:
            while worker.job is not None and worker.conn.poll():
                kind, value = worker.conn.recv()
                if kind == "start":
                    worker.started = time.monotonic()
                elif kind == "stage":
                    worker.stage = value
                else:
                    job, worker.job = worker.job, None
                    yield job, value
        except (EOFError, OSError, pickle.UnpicklingError):
            pass
        if worker.job is not None and not worker.proc.is_alive():  # killed for its memory, a crash
            job = worker.job
            self._drop(worker)
            yield job, RenderError(f"{job.plan}: rendering {job.stem} failed: its process ended; it may have run "
                                   "out of memory")

    def _drop(self, worker: _Worker) -> None:
        """Kill a worker; the next dispatch starts a new one in its place."""
        worker.kill()
        self.workers.remove(worker)

    def close(self) -> None:
        for worker in self.workers:
            with contextlib.suppress(OSError, ValueError):
                worker.conn.send(None)
        for worker in self.workers:
            worker.kill()
        self.workers = []


_POOLS: dict[int, _Pool] = {}


def _pool(count: int) -> _Pool:
    """A pool of count workers, kept for the next build of this process (plangen watch
    renders in warm workers); a pool of another size is ended first."""
    if count in _POOLS:
        return _POOLS[count]
    _discard()
    if not FORK:  # forked workers use no named semaphores, so no resource tracker
        _detached_resource_tracker()
    _POOLS[count] = _Pool(count)
    return _POOLS[count]


def shutdown() -> None:
    """End the kept render workers now (they also end when this process exits)."""
    _discard()


def _discard() -> None:
    while _POOLS:
        _count, pool = _POOLS.popitem()
        pool.close()


def picklable(value) -> bool:
    """Whether value can be sent to a worker (a function defined inside another cannot)."""
    try:
        pickle.dumps(value)
        return True
    except (pickle.PicklingError, AttributeError, TypeError):
        return False


# --- in a worker --------------------------------------------------------------------------

_CONN = None  # the worker's end of its pipe
_STAGE: list[Optional[str]] = [None]  # what this process renders now (for the in-process path)


def report_stage(stage: str) -> None:
    """Tell the parent what the current document is doing now (the format it renders), so
    that a document stopped by --timeout is reported with it."""
    _STAGE[0] = stage
    if _CONN is not None:
        _CONN.send(("stage", stage))


def _worker_main(conn, parent: int) -> None:
    global _CONN
    _worker_init(parent)
    _CONN = conn
    gc.freeze()  # what the worker starts with (imports, a forked server's warm caches) is never garbage
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        (run, renderers), job = message
        conn.send(("start", None))
        gc.disable()  # see GC_NOTE
        try:
            _send_outcome(conn, job, _guarded(run, job, renderers))
        finally:
            gc.enable()
            gc.collect()  # after the result is sent: while the parent reads it, not before


def _send_outcome(conn, job, outcome) -> None:
    try:
        conn.send(("done", outcome))
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        conn.send(("done", RenderError(f"{job.plan}: rendering {job.stem} failed: internal error "
                                       f"({type(exc).__name__}); please report it")))


GC_NOTE = """A document is rendered with Python's cycle collector paused, and collected once after its
result is sent. WeasyPrint builds hundreds of thousands of objects for a long document and
frees nearly all of them by reference counting, but the collector's full passes still walked
them: 1.25 s of 9.1 s CPU for the 156-page benchmark plan (benchmarks/run.py), 14 %. Peak
memory stays as it was (152 MB either way for that plan); a long document rendered in parts
(render/pdfparts.py) collects between its parts, and the worker's address-space limit holds."""


def run_in_process(run: Callable, jobs: list, timeout: float):
    """For renderers that exist only in this process: each job here, stopped by SIGALRM
    when it runs too long (Python code only; no memory limit)."""
    for job in jobs:
        yield job, _with_alarm(run, job, timeout)


def _with_alarm(run: Callable, job, timeout: float):
    use_alarm = hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
    if use_alarm:
        def stop(_signum, _frame):
            raise _Timeout()
        previous = signal.signal(signal.SIGALRM, stop)
        signal.setitimer(signal.ITIMER_REAL, min(timeout, 1e9))
    _STAGE[0] = None
    try:
        return _guarded(run, job)
    except _Timeout:
        return timed_out(job, _STAGE[0], timeout)
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


class _Timeout(BaseException):
    pass


def _guarded(run: Callable, job, renderers: tuple = ()):
    if renderers:
        from plangen.render import RENDERERS
        RENDERERS.update((r.name, r) for r in renderers)
    try:
        return run(job)
    except PlangenError as exc:
        return exc
    except MemoryError:
        return RenderError(f"{job.plan}: rendering {job.stem} ran out of memory")
    except RecursionError:
        return RenderError(f"{job.plan}: rendering {job.stem} nests too deeply")
    except Exception as exc:  # a bug in plangen or a library: report it, build the rest
        return RenderError(f"{job.plan}: rendering {job.stem} failed: internal error "
                           f"({type(exc).__name__}: {str(exc)[:300]}); please report it")


def _worker_init(parent: int) -> None:
    """Each worker: dies with its parent, holds no inherited stdio, has a bounded address
    space, and leaves Ctrl-C to the parent."""
    _die_with_parent(parent)
    _stdio_to_devnull()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if FORK:  # a copied stream's lock may be held by a thread that was not copied: new streams
        _KEPT.append((sys.stdout, sys.stderr))
        sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the worker
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        import resource
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        wanted = _memory_limit()
        limit = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 3000))


def _memory_limit() -> int:
    text = os.environ.get(MEMORY_ENV, "")
    return int(text) * 1024 ** 2 if text.isdigit() and 256 <= int(text) <= 1 << 20 else MEMORY_LIMIT


def _die_with_parent(parent: int) -> None:
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the parent check below still runs
        pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def _stdio_to_devnull() -> None:
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def _detached_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with /dev/null as its stdio, so that it never
    keeps the caller's pipes open (it outlives a killed parent until its workers end)."""
    from multiprocessing import resource_tracker
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    saved = {}
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in (0, 1, 2):
            try:
                saved[fd] = os.dup(fd)
            except OSError:
                continue
            os.dup2(null, fd)
        resource_tracker.ensure_running()
    finally:
        for fd, copy in saved.items():
            os.dup2(copy, fd)
            os.close(copy)
        os.close(null)
