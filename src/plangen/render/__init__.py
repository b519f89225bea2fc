"""The one renderer registry: every output format plangen writes, for ``build``, ``redline``,
``watch`` and the command line's help alike. A new format is one module with a function
``(outline, theme, options) -> bytes`` and one ``register`` line (or entry below).

Renderers are imported only when used, so a command that writes no PDF never pays for
WeasyPrint."""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Union

if TYPE_CHECKING:
    from plangen.outline.outline import Outline
    from plangen.render.theme import Theme


@dataclass(frozen=True)
class RenderOptions:
    """What a renderer may be asked besides the outline and the theme."""

    pdf_variant: Optional[str] = None  # "pdf/a-2b": printed blanks instead of form fields
    # text the PDF's prepared fonts cover besides the document's own: the whole plan's, so that
    # every document of one plan (a district's hundred) shares one set of fonts
    characters: str = ""


RenderFunction = Callable[["Outline", "Theme", RenderOptions], bytes]


@dataclass(frozen=True)
class Renderer:
    name: str  # the --format name, also the file suffix without its dot
    description: str  # one line for --help
    function: Union[str, RenderFunction]  # "module:function", imported on first use, or the function

    @property
    def suffix(self) -> str:
        return "." + self.name

    def render(self, outline: Outline, theme: Theme, options: RenderOptions = RenderOptions()) -> bytes:
        function = self.function
        if isinstance(function, str):
            module, _, name = function.partition(":")
            function = getattr(importlib.import_module(module), name)
        return function(outline, theme, options)


RENDERERS: dict[str, Renderer] = {}
DEFAULT_FORMATS = ("docx", "pdf")


def register(renderer: Renderer) -> Renderer:
    RENDERERS[renderer.name] = renderer
    return renderer


def renderer(name: str) -> Renderer:
    """The renderer of a format name; KeyError names the known ones."""
    try:
        return RENDERERS[name]
    except KeyError:
        raise KeyError(f"unknown format {name!r}; choose from {', '.join(RENDERERS)}") from None


def for_path(suffix: str) -> Optional[Renderer]:
    """The renderer that writes files ending in ``suffix`` (".pdf"), if any."""
    return RENDERERS.get(suffix.lower().lstrip("."))


register(Renderer("docx", "Word, with numbering Word keeps and cover content controls",
                  "plangen.render.docx.render:render"))
register(Renderer("pdf", "A4 PDF with bookmarks and cover form fields", "plangen.render.pdf:render"))
register(Renderer("html", "one HTML file with its stylesheet, as the PDF is made from", "plangen.render.html:render"))
