"""The one way plangen reads a file: a regular file only, never through a link that leaves
its allowed folder, and never more than a cap of bytes in memory.

Devices (/dev/zero), FIFOs and sockets are refused by name before a byte is read; a file
that grows past its cap is refused after cap + 1 bytes. Every reader (plans, templates,
stylesheets, wording, reference documents, the manifest) goes through ``read_capped``.
"""
from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Optional

from plangen.errors import PlangenError

_CHUNK = 1 << 16
_KINDS = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


class FileRefused(PlangenError):
    """A file that may not or cannot be read; ``str()`` is ``path: message``."""

    def __init__(self, path: str | Path, message: str):
        self.path, self.message = str(path), message
        super().__init__(f"{path}: {message}")


def kind_of(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def confined(path: str | Path, folder: Optional[str | Path]) -> Path:
    """path with every link resolved; refused when that leaves folder (None: no folder)."""
    shown = Path(path)
    try:
        real = shown.resolve(strict=True)
    except FileNotFoundError:
        raise FileRefused(shown, "cannot read: No such file or directory") from None
    except (OSError, RuntimeError) as exc:  # a link loop
        raise FileRefused(shown, f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    if folder is not None and not real.is_relative_to(Path(folder).resolve()):
        raise FileRefused(shown, f"is a link to {real}, outside {folder}; links may not leave their folder")
    return real


def open_regular(path: str | Path, folder: Optional[str | Path] = None) -> int:
    """A read-only descriptor of a regular file (never blocks on a FIFO)."""
    real = confined(path, folder)
    try:
        mode = os.stat(real).st_mode
        if not stat.S_ISREG(mode):
            raise FileRefused(path, f"is {kind_of(mode)}, not a regular file")
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise FileRefused(path, f"cannot read: {exc.strerror or exc}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):  # swapped between the check and the open
        os.close(fd)
        raise FileRefused(path, f"is {kind_of(mode)}, not a regular file")
    return fd


def read_capped(path: str | Path, cap: int, folder: Optional[str | Path] = None, what: str = "file") -> bytes:
    """At most cap bytes of a regular file; a larger file is refused after reading cap + 1."""
    fd = open_regular(path, folder)
    chunks, size = [], 0
    try:
        while size <= cap:
            chunk = os.read(fd, min(_CHUNK, cap + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise FileRefused(path, f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if size > cap:
        raise FileRefused(path, f"{what} is too large (more than {cap} bytes; the limit is {cap})")
    return b"".join(chunks)


def digest_capped(path: str | Path, cap: int, folder: Optional[str | Path] = None) -> str:
    """The sha256 of a regular file read in chunks (never all of it in memory at once)."""
    fd = open_regular(path, folder)
    h, size = hashlib.sha256(), 0
    try:
        while chunk := os.read(fd, _CHUNK):
            size += len(chunk)
            if size > cap:
                raise FileRefused(path, f"is larger than {cap} bytes")
            h.update(chunk)
    except OSError as exc:
        raise FileRefused(path, f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    return h.hexdigest()
