"""The only module that writes files: safe names, outputs kept inside the output folder,
and atomic writes (a temporary file in the same folder, renamed into place)."""
from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
import unicodedata
from pathlib import Path

from plangen.errors import Diagnostic, PlanError, RenderError

TEMP_PREFIX = ".plangen-"
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
MAX_NAME = 80
MAX_NAME_BYTES = 200  # file systems allow 255 bytes; room for '.docx' and temporary names


def safe_name(text: str, fallback: str = "plan") -> str:
    """A file name made of letters and digits of any script (计划 stays 计划; NFC, so the
    same on every system), '.', '_' and '-'; no leading dot, at most MAX_NAME characters and
    MAX_NAME_BYTES bytes of UTF-8, not reserved on Windows. ASCII only where the file
    system's encoding cannot hold the name."""
    text = unicodedata.normalize("NFC", text)
    name = re.sub(r"[^\w.-]+", "-", text).strip(".-_")[:MAX_NAME]
    while len(name.encode("utf-8")) > MAX_NAME_BYTES:
        name = name[:-1]
    try:
        name.encode(sys.getfilesystemencoding())
    except UnicodeEncodeError:
        name = re.sub(r"[^A-Za-z0-9._-]+", "-", name)
    name = name.strip(".-_")
    if not name:
        name = fallback
    if name.split(".")[0].lower() in _RESERVED:
        name = "_" + name
    return name


def unique_names(ids: list[str]) -> dict[str, str]:
    """Safe names for ids; two ids that fold to the same name (Aa / aa) are an error."""
    names: dict[str, str] = {}
    seen: dict[str, str] = {}
    for ident in ids:
        name = safe_name(ident, "unit")
        key = name.lower()
        if key in seen:
            raise RenderError(f"units '{seen[key]}' and '{ident}' would write the same file name '{name}'")
        seen[key] = ident
        names[ident] = name
    return names


def plan_stems(paths: list[str]) -> dict[str, str]:
    """The output name of each plan file, from its file name. Two plans that would write the
    same name (a/plan.yaml and b/plan.yaml, 'a b.yaml' and 'a-b.yaml', names differing only
    in case) are an error naming both, raised before anything is written."""
    stems: dict[str, str] = {}
    seen: dict[str, str] = {}
    for path in paths:
        stem = safe_name(Path(path).stem)
        key = stem.casefold()
        if key in seen and seen[key] != path:
            raise PlanError([Diagnostic(path, 0, 0, "", f"would write the same output name '{stem}' as "
                                                        f"{seen[key]}; rename one of the two files")])
        seen[key] = path
        stems[path] = stem
    return stems


def inside(root: Path, *parts: str) -> Path:
    """root/parts..., refused if it would leave root. The last part is not resolved: a link
    there is replaced by the new file (rename never writes through a link)."""
    root = root.resolve()
    path = root.joinpath(*parts)
    parent = path.parent.resolve()
    if path.name in ("", ".", "..") or not parent.is_relative_to(root):
        raise RenderError(f"refusing to write outside {root}: {path}")
    return parent / path.name


def atomic_write(path: Path, data: bytes) -> None:
    """Write data to path so that readers see the old file or the new one, never a part."""
    atomic_write_set([(path, data)])


def atomic_write_set(files: list[tuple[Path, bytes]]) -> None:
    """Write every file or none: each goes to a temporary file beside it first (a full disk
    fails here, before any file is replaced); then all are renamed into place, and if a
    rename fails the files already replaced get their previous contents back."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            temps.append((_write_temp(path, data), path))
        _swap_in(temps)
        temps = []
    finally:
        for tmp, _path in temps:
            _unlink(tmp)


def _write_temp(path: Path, data: bytes) -> str:
    tmp_name = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)
        return tmp_name
    except OSError as exc:
        if tmp_name is not None:
            _unlink(tmp_name)
        raise RenderError(f"cannot write {path}: {exc.strerror or exc}") from None


def _swap_in(temps: list[tuple[str, Path]]) -> None:
    done: list[tuple[Path, str | None]] = []  # replaced files and their previous contents
    try:
        for tmp, path in temps:
            backup = _backup(path) if len(temps) > 1 else None
            try:
                os.replace(tmp, path)
            except OSError as exc:
                if backup:
                    _unlink(backup)
                raise RenderError(f"cannot write {path}: {exc.strerror or exc}") from None
            done.append((path, backup))
    except RenderError:
        for path, backup in reversed(done):
            if backup:
                os.replace(backup, path)
            else:
                _unlink(str(path))
        raise
    for _path, backup in done:
        if backup:
            _unlink(backup)


def _backup(path: Path) -> str | None:
    """A hard link to the file about to be replaced (None when there is none)."""
    if not os.path.isfile(path):
        return None
    name = str(path.parent / f"{TEMP_PREFIX}{path.name}.{os.getpid()}.old.tmp")
    try:
        _unlink(name)
        os.link(path, name)
    except OSError as exc:
        raise RenderError(f"cannot write {path}: {exc.strerror or exc}") from None
    return name


def _unlink(name: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name)
