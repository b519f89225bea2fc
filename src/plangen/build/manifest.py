"""What an output depends on, and the manifest that records it (output/.plangen-manifest.json).

An output is rebuilt only when its key changes: the plan's bytes, every file of the
template folder(s), the font files named by fonts.css, plangen's own code, the options,
and the document date. ``--force`` rebuilds regardless."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plangen import __version__
from plangen.render.theme import BUILTIN_TEMPLATES, Theme, font_files, pdf_font_families

MANIFEST = ".plangen-manifest.json"
_CODE = Path(__file__).resolve().parents[1]  # the whole plangen package


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str | None:
    try:
        return sha256(path.read_bytes())
    except OSError:
        return None


def _tree_digest(folder: Path, suffixes: tuple[str, ...] | None = None) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if suffixes and path.suffix not in suffixes:
            continue
        h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def environment_key(theme: Theme, options_text: str) -> str:
    """Everything but the plan: templates, fonts, code, options."""
    h = hashlib.sha256()
    h.update(f"plangen {__version__}\0{options_text}\0".encode())
    h.update(_tree_digest(_CODE, (".py",)).encode())
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


@dataclass
class Manifest:
    """outputs: path (relative to the output folder) -> {"key", "sha256"}; plans: plan path ->
    {"key", "outputs"} for plans whose every output was built with that key."""

    folder: Path
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    plans: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> "Manifest":
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            return cls(folder, dict(data.get("outputs", {})), dict(data.get("plans", {})))
        except (OSError, ValueError, AttributeError):
            return cls(folder)

    def output_fresh(self, rel: str, key: str) -> bool:
        entry = self.outputs.get(rel)
        return entry is not None and entry.get("key") == key and file_digest(self.folder / rel) == entry.get("sha256")

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
