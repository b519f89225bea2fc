"""The template folder: Jinja templates, CSS, fonts, wording (strings/<lang>.yaml) and the
Word reference document. Everything a user may change to alter the look or the wording."""
from __future__ import annotations

import importlib.resources
import os
import re
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from plangen.errors import Diagnostic, PlanError, RenderError
from plangen.files import FileRefused, read_capped
from plangen.outline.wording import Wording, WordingError
from plangen.source.yamlsafe import SourceMap, decode, load_yaml

# Package data: found in the installed package itself (wheel, pipx, editable alike).
BUILTIN_TEMPLATES = Path(str(importlib.resources.files("plangen.render").joinpath("templates")))
# Where font files may be read from, besides the template folder's fonts/.
SYSTEM_FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
MAX_FILE_BYTES = 20_000_000  # a template, stylesheet or reference document
MAX_WORDING_BYTES = 1_000_000


@dataclass(frozen=True)
class Theme:
    folder: Path

    def path(self, name: str) -> Path:
        """A file of the theme; falls back to the built-in templates. A link counts as
        present (and is then refused when it leaves the folder). Neither: a one-line error
        naming the file (a broken install, or a template folder that lost a file)."""
        own = self.folder / name
        if os.path.lexists(own):
            return own
        builtin = BUILTIN_TEMPLATES / name
        if not builtin.exists():
            raise RenderError(f"{builtin}: template file missing; reinstall plangen (pip install --force-reinstall plangen)")
        return builtin

    def home(self, name: str) -> Path:
        """The folder the file ``name`` is read from, which it may not leave."""
        return self.folder if os.path.lexists(self.folder / name) else BUILTIN_TEMPLATES

    def read(self, name: str, cap: int = MAX_FILE_BYTES) -> bytes:
        """A theme file's bytes: a regular file inside its folder, at most cap bytes."""
        try:
            return read_capped(self.path(name), cap, self.home(name))
        except FileRefused as exc:
            raise RenderError(str(exc)) from None

    def read_text(self, name: str) -> str:
        try:
            return self.read(name).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RenderError(f"{self.path(name)}: template file is not UTF-8 ({exc.reason} at byte {exc.start})") from None

    def wording(self, language: str) -> Wording:
        """The language's wording: the theme's file over the built-in one, key by key."""
        own = self.folder / "strings" / f"{language}.yaml"
        return _wording(own, BUILTIN_TEMPLATES / "strings" / f"{language}.yaml", self.folder, _stamp(own))

    def reference_docx(self, language: str) -> Path:
        return self.path(reference_name(language))

    def read_dirs(self) -> tuple[Path, ...]:
        """The only folders rendering may read files from."""
        return (self.folder.resolve(), BUILTIN_TEMPLATES.resolve(), *SYSTEM_FONT_DIRS)


def _stamp(path: Path) -> tuple[int, ...]:
    """What changes when a file is saved: a cached reading is used only while it is the same."""
    try:
        st = os.lstat(path)
        return st.st_mtime_ns, st.st_size, st.st_ino
    except OSError:
        return ()


def reference_name(language: str) -> str:
    return "reference.docx" if language == "zh" else f"reference-{language}.docx"


def load_theme(folder: str | Path | None = None) -> Theme:
    if folder is None:
        return Theme(BUILTIN_TEMPLATES)
    path = Path(folder)
    if not path.is_dir():
        raise RenderError(f"{folder}: template folder not found")
    return Theme(path)


@lru_cache(maxsize=8)
def _wording(own: Path, builtin: Path, folder: Path, _stamp: tuple[int, ...] = ()) -> Wording:
    """(_stamp: the file's mtime and size, so that a saved file is read again in watch.)"""
    defaults, _ = _wording_data(builtin, BUILTIN_TEMPLATES)
    if own == builtin or not os.path.lexists(own):
        data, smap = defaults, None
    else:
        data, smap = _wording_data(own, folder)
    try:
        return Wording.from_mapping(data, defaults)
    except WordingError as exc:
        path = own if smap is not None and exc.key in data else builtin
        line, col = smap.locate((exc.key,), prefer_key=True) if smap is not None and exc.key in data else (0, 0)
        raise PlanError([Diagnostic(str(path), line, col, exc.key, str(exc))]) from None


def _wording_data(path: Path, folder: Path) -> tuple[dict[str, Any], SourceMap | None]:
    try:
        text, diags = decode(read_capped(path, MAX_WORDING_BYTES, folder, "wording file"), str(path))
    except FileRefused as exc:
        raise PlanError([Diagnostic(str(path), 0, 0, "", exc.message)]) from None
    data, smap, more = load_yaml(text or "", str(path)) if text is not None else (None, None, [])
    if diags or more:
        raise PlanError(diags + more)
    if not isinstance(data, dict):
        raise PlanError([Diagnostic(str(path), 1, 1, "", "wording must be a mapping of key: text")])
    return data, smap


_FONT_VAR = re.compile(r"--([\w-]+)\s*:\s*\"([^\"]+)\"")


def pdf_font_families(theme: Theme) -> dict[str, str]:
    """The families fonts.css names, by role (song, hei, kai ...)."""
    css = theme.read_text("fonts.css")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return dict(_FONT_VAR.findall(css))


@dataclass(frozen=True)
class InstalledFace:
    families: tuple[str, ...]
    weight: int  # fontconfig's scale: 80 regular, 200 bold
    slant: int  # 0 upright
    index: int  # face in a collection (.ttc)
    file: str


@lru_cache(maxsize=1)
def font_faces() -> tuple[InstalledFace, ...]:
    """Installed font faces, from one fc-list run per process."""
    try:
        out = subprocess.run(["fc-list", "--format", "%{family}|%{weight}|%{slant}|%{index}|%{file}\n"],
                             capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    faces = []
    for line in out.splitlines():
        parts = line.split("|", 4)
        if len(parts) == 5:
            families = tuple(f.strip() for f in parts[0].split(","))
            weight, slant, index = (_first_int(p) for p in parts[1:4])
            faces.append(InstalledFace(families, weight, slant, index, parts[4]))
    return tuple(faces)


def _first_int(text: str) -> int:
    """fontconfig prints a number, or a range "[0 1000]" for a variable font."""
    match = re.search(r"-?\d+", text)
    return int(match.group()) if match else 0


def font_files() -> dict[str, list[str]]:
    """Installed font families and their files."""
    files: dict[str, list[str]] = {}
    for face in font_faces():
        for family in face.families:
            files.setdefault(family, []).append(face.file)
    return files


def check_fonts(theme: Theme) -> None:
    """Every family the theme names must be installed: no silent fallback."""
    installed = font_files()
    missing = [f"{family} (--{role})" for role, family in pdf_font_families(theme).items() if family not in installed]
    if missing:
        raise RenderError(f"{theme.path('fonts.css')}: font not installed: {', '.join(missing)}; "
                          "run `bash scripts/setup render` or install the font")


@lru_cache(maxsize=1)
def font_charsets() -> dict[str, list[tuple[int, int]]]:
    """Installed families and the code point ranges they cover (fontconfig's charsets)."""
    try:
        out = subprocess.run(["fc-list", "--format", "%{family}|%{charset}\n"], capture_output=True, text=True,
                             timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    charsets: dict[str, list[tuple[int, int]]] = {}
    for line in out.splitlines():
        families, _, ranges = line.rpartition("|")
        spans = [(int(a, 16), int(b or a, 16)) for a, _, b in (r.partition("-") for r in ranges.split())]
        for family in families.split(","):
            charsets.setdefault(family.strip(), []).extend(spans)
    return charsets
