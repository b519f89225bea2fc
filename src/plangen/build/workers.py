"""Where documents are rendered: always in worker processes (a spawn pool, one worker for
a single document too), so that every document has the same limits:

- time: a document that takes longer than --timeout is stopped by killing its worker,
  which works even inside C code (a plain in-process alarm does not);
- memory: each worker has an address-space limit (MEMORY_LIMIT);
- a worker dies with its parent however the parent dies (PR_SET_PDEATHSIG, and a check
  that the parent is still the one that started it), and never holds the caller's
  stdin/stdout/stderr: workers and multiprocessing's resource tracker run with /dev/null.

Measured cost of always using a worker for one document: see benchmarks/hostile.py.

In the render server's child (build/forkserver.py: WeasyPrint already imported) the workers
are forked instead of spawned, so they start warm; they get the same limits.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

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
    count = max(1, min(workers, len(jobs)))
    pool = _pool(count)
    pending = {pool.submit(_guarded, run, job, tuple(renderers)): job for job in jobs}
    try:
        for job, outcome in _collect(pending, timeout):  # noqa: UP028 (not `yield from`: a close() stays here, not in _collect)
            yield job, outcome
    except BaseException:  # Ctrl-C or SIGTERM: stop the workers before leaving
        _discard()
        raise
    if pending:  # stopped by the time limit: those workers are killed
        _discard()


_POOLS: dict[int, ProcessPoolExecutor] = {}


def _pool(count: int) -> ProcessPoolExecutor:
    """A pool of count workers, kept for the next build of this process (plangen watch
    renders in warm workers); a pool of another size is ended first."""
    pool = _POOLS.get(count)
    if pool is not None and not getattr(pool, "_broken", False):
        return pool
    _discard()
    if not FORK:  # forked workers use no named semaphores, so no resource tracker
        _detached_resource_tracker()
    pool = ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("fork" if FORK else "spawn"),
                               initializer=_worker_init, initargs=(os.getpid(),))
    _POOLS[count] = pool
    return pool


def shutdown() -> None:
    """End the kept render workers now (they also end when this process exits)."""
    _discard()


def _discard() -> None:
    while _POOLS:
        _count, pool = _POOLS.popitem()
        _terminate(pool)
        pool.shutdown(wait=True, cancel_futures=True)


def _collect(pending: dict, timeout: float):
    while pending:
        done, _ = wait(pending, timeout=min(timeout, threading.TIMEOUT_MAX), return_when=FIRST_COMPLETED)
        if not done:  # nothing finished in time: the caller kills the pool
            for job in list(pending.values()):
                yield job, RenderError(f"{job.plan}: rendering {job.stem} was stopped after {timeout:g} s")
            return
        for future in done:
            job = pending.pop(future)
            try:
                outcome = future.result()
            except Exception as exc:  # a worker that died (killed for its memory, a crash)
                outcome = RenderError(f"{job.plan}: rendering {job.stem} failed: its process ended "
                                      f"({type(exc).__name__}); it may have run out of memory")
            yield job, outcome


def _terminate(pool: ProcessPoolExecutor) -> None:
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(OSError, ValueError):
            proc.kill()


def picklable(value) -> bool:
    """Whether value can be sent to a worker (a function defined inside another cannot)."""
    try:
        pickle.dumps(value)
        return True
    except (pickle.PicklingError, AttributeError, TypeError):
        return False


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
    try:
        return _guarded(run, job)
    except _Timeout:
        return RenderError(f"{job.plan}: rendering {job.stem} was stopped after {timeout:g} s")
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
