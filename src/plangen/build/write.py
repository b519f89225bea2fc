"""The only module that writes files: safe names, outputs kept inside the output folder,
and atomic writes (a temporary file in the same folder, renamed into place)."""
from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

from plangen.errors import RenderError

TEMP_PREFIX = ".plangen-"
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
MAX_NAME = 80


def safe_name(text: str, fallback: str = "plan") -> str:
    """A file name made of [A-Za-z0-9._-], no leading dot, not reserved on Windows."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip(".-_")[:MAX_NAME].rstrip(".-_")
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


def inside(root: Path, *parts: str) -> Path:
    """root/parts..., refused if it would leave root."""
    root = root.resolve()
    path = root.joinpath(*parts).resolve()
    if not path.is_relative_to(root):
        raise RenderError(f"refusing to write outside {root}: {path}")
    return path


def atomic_write(path: Path, data: bytes) -> None:
    """Write data to path so that readers see the old file or the new one, never a part."""
    tmp_name = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        raise RenderError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
