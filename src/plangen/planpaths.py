"""Which plan files a command works on: the paths given, a folder given meaning the plans in
it, and nothing given meaning ``plans/*.yaml``.

A folder is expanded exactly as the default glob is: its ``*.yaml`` files (not hidden ones,
not subfolders' files), less the progress files (``*.progress.yaml``: each is read with its
plan). Nothing is read here: a link in the folder that leads out of it is kept, and refused
when it is read (``plangen.files``), with the same message the default glob's would get.
"""
from __future__ import annotations

import glob
import os
from pathlib import Path

from plangen.errors import UsageError

DEFAULT_FOLDER = "plans"
DEFAULT_GLOB = f"{DEFAULT_FOLDER}/*.yaml"


def _progress_suffix() -> str:
    """`.progress.yaml`, from the progress format's module (imported on use: it loads pydantic,
    which `plangen --help` does not need)."""
    from plangen.source.progress import SUFFIX
    return SUFFIX


def plans_in(folder: str) -> list[str]:
    """The plans of a folder, sorted: its *.yaml files less *.progress.yaml."""
    pattern = os.path.join(glob.escape(folder), "*.yaml")
    suffix = _progress_suffix()
    return sorted(p for p in glob.glob(pattern) if not p.endswith(suffix))


def _expand(path: str) -> list[str]:
    if not os.path.isdir(path):
        return [path]
    found = plans_in(path)
    if not found:
        raise UsageError(f"{path}: no plan files in this folder (*.yaml, not *{_progress_suffix()})")
    return found


def plan_paths(paths: list[str]) -> list[str]:
    """The plans to work on: those given (a folder: the plans in it), else plans/*.yaml. A
    progress file given beside its own plan (as `plans/*.yaml` expands) is left out: it is
    read with its plan. A plan named twice (directly and through its folder) counts once."""
    if not paths:
        found = plans_in(DEFAULT_FOLDER)
        if not found:
            raise UsageError(f"no plan files given and none match {DEFAULT_GLOB} (`plangen init` starts a plan repository)")
        return found
    expanded = list(dict.fromkeys(p for path in paths for p in _expand(path)))
    given = set(expanded)
    return [p for p in expanded
            if not (p.endswith(_progress_suffix()) and p[:-len(_progress_suffix())] + ".yaml" in given)]


def one_plan(path: str) -> str:
    """The one plan a command takes: the path, or the only plan of a folder."""
    if not os.path.isdir(path):
        return path
    found = _expand(path)
    if len(found) > 1:
        names = ", ".join(Path(p).name for p in found[:4]) + (" …" if len(found) > 4 else "")
        raise UsageError(f"{path}: holds {len(found)} plans ({names}); name one")
    return found[0]
