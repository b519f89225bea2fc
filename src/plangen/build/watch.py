"""Watching: file-system events (watchfiles, not polling) on the plans' folders and the
template folders; the caller's ``on_change`` rebuilds (and the manifest decides what)."""
from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Optional

from plangen.build.orchestrator import Options
from plangen.render.theme import BUILTIN_TEMPLATES


def watch(plans: Callable[[], list[str]], options: Options, on_change: Callable[[list[str]], None],
          debounce: float = 0.05, stop: Optional[threading.Event] = None) -> None:
    """Call ``on_change(paths)`` now and after every batch of saves to a plan (``plans()`` is
    asked each time, so new files count) or a template, until ``stop`` is set or Ctrl-C.
    When only some plans were saved, ``on_change`` gets those first, then every plan (which
    then finds the others up to date): the saved plan's documents do not wait for the
    others to be checked."""
    import watchfiles
    templates = [d.resolve() for d in dict.fromkeys(([options.templates] if options.templates else []) + [BUILTIN_TEMPLATES])]
    folders = sorted({str(Path(p).resolve().parent) for p in plans()} | {str(d) for d in templates})

    def wanted(_change: object, name: str) -> bool:
        path = Path(name)
        return path.suffix in (".yaml", ".yml") or any(path.is_relative_to(d) for d in templates)

    first = True
    try:
        # the watcher is running before the first build, so a save during it is not missed
        for changes in watchfiles.watch(*folders, watch_filter=wanted, debounce=max(1, int(debounce * 1000)), step=10,
                                        stop_event=stop, raise_interrupt=False, yield_on_timeout=True, rust_timeout=100):
            if first or changes:
                first = False
                _rebuild(plans(), changes or set(), templates, on_change)
    except KeyboardInterrupt:
        return
    finally:  # the warm render workers end with the watch
        from plangen.build.workers import shutdown
        shutdown()


def _rebuild(paths: list[str], changes: set[tuple[Any, str]], templates: list[Path], on_change: Callable[[list[str]], None]) -> None:
    touched = {str(Path(name).resolve()) for _change, name in changes}
    saved = [p for p in paths if str(Path(p).resolve()) in touched]
    template_saved = any(Path(name).is_relative_to(d) for _change, name in changes for d in templates)
    if saved and len(saved) < len(paths) and not template_saved:
        on_change(saved)
    on_change(paths)
