"""The template folder: Jinja templates, CSS, fonts, wording (strings/<lang>.yaml) and the
Word reference document. Everything a user may change to alter the look or the wording."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from plangen.errors import PlanError, RenderError
from plangen.yamlsafe import decode, load_yaml

BUILTIN_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Where font files may be read from, besides the template folder's fonts/.
SYSTEM_FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))


@dataclass(frozen=True)
class Theme:
    folder: Path

    def path(self, name: str) -> Path:
        """A file of the theme; falls back to the built-in templates."""
        own = self.folder / name
        return own if own.exists() else BUILTIN_TEMPLATES / name

    def strings(self, language: str) -> dict[str, str]:
        return _strings(self.path(f"strings/{language}.yaml"))

    @property
    def reference_docx(self) -> Path:
        return self.path("reference.docx")

    def read_dirs(self) -> tuple[Path, ...]:
        """The only folders rendering may read files from."""
        return (self.folder.resolve(), BUILTIN_TEMPLATES.resolve(), *SYSTEM_FONT_DIRS)


def load_theme(folder: str | Path | None = None) -> Theme:
    if folder is None:
        return Theme(BUILTIN_TEMPLATES)
    path = Path(folder)
    if not path.is_dir():
        raise RenderError(f"{folder}: template folder not found")
    return Theme(path)


@lru_cache(maxsize=8)
def _strings(path: Path) -> dict[str, str]:
    try:
        text, diags = decode(path.read_bytes(), str(path))
    except OSError as exc:
        raise RenderError(f"{path}: cannot read wording: {exc.strerror}") from None
    data, _smap, more = load_yaml(text or "", str(path)) if text is not None else (None, None, [])
    if diags or more or not isinstance(data, dict):
        raise PlanError(diags + more)
    return {k: v if isinstance(v, list) else str(v) for k, v in data.items()}
