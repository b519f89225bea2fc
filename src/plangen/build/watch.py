"""`plangen watch`: poll plans and templates, rebuild what changed (the manifest decides)."""
from __future__ import annotations

import glob
import sys
import time
from pathlib import Path

from plangen.render.theme import BUILTIN_TEMPLATES


def _snapshot(paths: list[str], template_dirs: list[Path]) -> dict[str, float]:
    files = [Path(p) for p in paths] + [f for d in template_dirs if d.is_dir() for f in d.rglob("*") if f.is_file()]
    snap = {}
    for f in files:
        try:
            snap[str(f)] = f.stat().st_mtime_ns
        except OSError:
            snap[str(f)] = -1
    return snap


def watch(args) -> int:
    from plangen import cli
    folders = [Path(args.templates)] if args.templates else []
    folders.append(BUILTIN_TEMPLATES)
    print("watching for changes; Ctrl-C stops", file=sys.stderr)
    last = None
    try:
        while True:
            paths = args.plans or sorted(glob.glob(cli.DEFAULT_GLOB))
            snap = _snapshot(paths, folders)
            if snap != last:
                args.plans = paths
                # the snapshot taken before the build: a save during the build is seen next time
                last = snap
                cli.cmd_build(args)
            time.sleep(args.interval)
    except KeyboardInterrupt:
        return 0
