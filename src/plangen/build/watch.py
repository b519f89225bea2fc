"""Watching: poll the plans and template folders, call back when anything changed. The
build itself (and so what is rebuilt) is the caller's: the manifest decides."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from plangen.build.orchestrator import Options
from plangen.render.theme import BUILTIN_TEMPLATES


def snapshot(paths: list[str], template_dirs: list[Path]) -> dict[str, int]:
    """Modification times of the plans and of every template file."""
    files = [Path(p) for p in paths] + [f for d in template_dirs if d.is_dir() for f in d.rglob("*") if f.is_file()]
    snap = {}
    for f in files:
        try:
            snap[str(f)] = f.stat().st_mtime_ns
        except OSError:
            snap[str(f)] = -1
    return snap


def watch(plans: Callable[[], list[str]], options: Options, on_change: Callable[[list[str]], None],
          interval: float = 0.5, rounds: int | None = None) -> None:
    """Call ``on_change(paths)`` now and whenever a plan (``plans()`` is asked each round, so
    new files count) or a template changes; Ctrl-C ends it quietly. ``rounds`` bounds the
    loop (tests)."""
    folders = ([options.templates] if options.templates else []) + [BUILTIN_TEMPLATES]
    last = None
    done = 0
    try:
        while rounds is None or done < rounds:
            paths = plans()
            snap = snapshot(paths, folders)
            if snap != last:
                last = snap  # taken before building: a save during the build is seen next round
                on_change(paths)
            done += 1
            time.sleep(interval)
    except KeyboardInterrupt:
        return
    finally:  # the warm render workers end with the watch
        from plangen.build.workers import shutdown
        shutdown()
