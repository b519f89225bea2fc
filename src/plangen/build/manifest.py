"""What an output depends on, and the manifest that records it (output/.plangen-manifest.json).

An output is rebuilt only when its key changes: the plan's bytes, every file of the
template folder(s), the font files named by fonts.css, plangen's own code, the options,
and the document date. ``--force`` rebuilds regardless."""
from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from plangen import __version__
from plangen.files import FileRefused, digest_capped, kind_of, read_capped
from plangen.render.theme import BUILTIN_TEMPLATES, Theme, font_files, pdf_font_families

MANIFEST = ".plangen-manifest.json"
_CODE = Path(__file__).resolve().parents[1]  # the whole plangen package


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


MAX_MANIFEST = 64_000_000
MAX_OUTPUT = 4_000_000_000


def file_digest(path: Path, folder: Path | None = None) -> str | None:
    """The sha256 of a regular file inside folder, read in chunks; None for anything else."""
    try:
        return digest_capped(path, MAX_OUTPUT, folder)
    except FileRefused:
        return None


def _tree_digest(folder: Path, suffixes: tuple[str, ...] | None = None) -> str:
    """Every file of a folder: a regular file by its contents, a link by where it points
    (never followed), anything else by its kind; links to folders are not entered."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if suffixes and path.suffix not in suffixes:
            continue
        mode = path.lstat().st_mode
        if stat.S_ISDIR(mode):
            continue
        what = os.readlink(path) if stat.S_ISLNK(mode) else file_digest(path, folder) or kind_of(mode)
        h.update(str(path.relative_to(folder)).encode() + b"\0" + str(what).encode() + b"\0")
    return h.hexdigest()


_CODE_DIGEST: dict[tuple[tuple[str, int, int, int], ...], str] = {}  # the stat of every .py file of plangen -> their digest


def _code_digest() -> str:
    """plangen's own code, hashed again only when a file's size, time or inode changed (a
    watch or the render server rebuilds often; ~90 files are stat'ed instead of read)."""
    stats = tuple((str(p), st.st_size, st.st_mtime_ns, st.st_ino) for p in sorted(_CODE.rglob("*.py"))
                  for st in (p.lstat(),))
    if stats not in _CODE_DIGEST:
        _CODE_DIGEST.clear()
        _CODE_DIGEST[stats] = _tree_digest(_CODE, (".py",))
    return _CODE_DIGEST[stats]


def environment_key(theme: Theme, options_text: str) -> str:
    """Everything but the plan: templates, fonts, code, options."""
    h = hashlib.sha256()
    h.update(f"plangen {__version__}\0{options_text}\0".encode())
    h.update(_code_digest().encode())
    for folder in dict.fromkeys([theme.folder.resolve(), BUILTIN_TEMPLATES.resolve()]):
        h.update(_tree_digest(folder).encode())
    fonts = font_files()
    for family in sorted(pdf_font_families(theme).values()):
        for path in sorted(fonts.get(family, [])):
            try:
                st = os.stat(path)
                h.update(f"{family}|{path}|{st.st_size}|{st.st_mtime_ns}\0".encode())
            except OSError:
                pass
    return h.hexdigest()


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


@dataclass
class Manifest:
    """outputs: path (relative to the output folder) -> {"key", "sha256"}; plans: plan path ->
    {"key", "outputs"} for plans whose every output was built with that key."""

    folder: Path
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    plans: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        """The manifest as far as it is well-formed: a missing, unreadable or malformed
        manifest (or entry) only means that those outputs are rebuilt."""
        try:
            data = json.loads(read_capped(folder / MANIFEST, MAX_MANIFEST, folder).decode("utf-8"),
                              parse_constant=_no_constant)
        except (FileRefused, ValueError, RecursionError):
            return cls(folder)
        data = data if isinstance(data, dict) else {}
        outputs = {k: v for k, v in _mapping(data.get("outputs")).items()
                   if isinstance(v, dict) and isinstance(v.get("key"), str) and isinstance(v.get("sha256"), str)}
        plans = {k: v for k, v in _mapping(data.get("plans")).items()
                 if isinstance(v, dict) and isinstance(v.get("key"), str) and isinstance(v.get("outputs"), dict)
                 and all(isinstance(o, str) and isinstance(x, str) for o, x in v["outputs"].items())}
        return cls(folder, outputs, plans)

    def output_fresh(self, rel: str, key: str) -> bool:
        entry = self.outputs.get(rel)
        return entry is not None and entry.get("key") == key and file_digest(self.folder / rel, self.folder) == entry.get("sha256")

    def plan_fresh(self, plan: str, key: str, mode: str) -> bool:
        """Every output of the plan's last build is current, and this build asks for the same
        ones (``mode``: formats, --per-unit, PDF variant)."""
        entry = self.plans.get(plan)
        return entry is not None and entry.get("key") == key and entry.get("mode") == mode and all(
            self.output_fresh(rel, k) for rel, k in entry.get("outputs", {}).items())

    def record(self, rel: str, key: str, digest: str) -> None:
        self.outputs[rel] = {"key": key, "sha256": digest}

    def text(self) -> str:
        return json.dumps({"version": 1, "outputs": dict(sorted(self.outputs.items())),
                           "plans": dict(sorted(self.plans.items()))}, indent=1, sort_keys=True) + "\n"
