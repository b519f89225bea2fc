"""Outline to HTML through the theme's Jinja templates.

Templates run in Jinja's sandbox, with autoescape on for every template whatever its file
name, and undefined names as errors (reported as template:line). Plan text only ever
arrives as data in the context: it is escaped and never compiled as template code.
"""
from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from plangen.errors import RenderError
from plangen.files import FileRefused, read_capped
from plangen.outline.breaks import codes, held_pieces, tail
from plangen.outline.outline import Outline
from plangen.render import RenderOptions
from plangen.render.stylesheet import CSS_FILES, marker, split
from plangen.render.theme import BUILTIN_TEMPLATES, Theme, pdf_font_families

MAIN_TEMPLATE = "plan.html.j2"


def keep_tail(text: str) -> Markup:
    """A title or heading whose tail (breaks.tail) stays on one line, and its codes whole."""
    head, end = tail(text)
    return keep_codes(head) + Markup("<span class=\"nobr\">{}</span>").format(end)


def keep_codes(text: str) -> Markup:
    """Text whose document numbers and similar codes (breaks.CODE) never break at a hyphen."""
    return _nobr(codes(text))


def keep_held(text: str, head: bool = False, last: bool = False) -> Markup:
    """A table cell whose codes and dates (a HEAD's also short bracketed notes, a LAST text cell's
    CJK tail: breaks.held_pieces) stay on one line."""
    return _nobr(held_pieces(text, head, last))


def _nobr(pieces: list[tuple[str, bool]]) -> Markup:
    """Pieces (text, kept on one line) as HTML: a kept one in a no-break span."""
    return Markup("").join(Markup('<span class="nobr">{}</span>').format(piece) if kept else apart(piece)
                           for piece, kept in pieces)


def keep_part(text: str, part: str) -> Markup:
    """TEXT with PART (the outline's choice: the cover's recipient) on one line."""
    at = text.find(part) if part else -1
    if at < 0:
        return Markup.escape(text)
    return apart(text[:at]) + Markup('<span class="nobr">{}</span>{}').format(part, text[at + len(part):])


def apart(text: str) -> Markup:
    """TEXT with its trailing spaces in an element of their own. Where a text ending in a space
    is followed by an element (a change of a redline, a kept tail, a code) and fits its line
    only without that space, WeasyPrint 70 breaks the line after its first word ("Estates /
    & Facilities Annual Works Programme"); a space on its own is not part of that text."""
    body = text.rstrip(" ")
    gap = text[len(body):]
    return Markup("{}<span class=\"gap\">{}</span>").format(body, gap) if gap and body else Markup.escape(text)


def marked(runs: list[tuple[str, str]], kept_tail: bool = False) -> Markup:
    """A redline's runs ([op, text]: "=" kept, "+" inserted, "-" deleted) as HTML, codes kept
    whole; ``kept_tail``: the last run's tail (breaks.tail) on one line, as a title's."""
    out = Markup("")
    for k, (op, text) in enumerate(runs):
        html = keep_tail(text) if kept_tail and k == len(runs) - 1 and len(text) >= 2 else keep_codes(text)
        out += Markup("<{0}>{1}</{0}>").format("ins" if op == "+" else "del", html) if op in "+-" else html
    return out


MAX_TEMPLATE_BYTES = 1_000_000


class ConfinedLoader(jinja2.BaseLoader):
    """Jinja's FileSystemLoader, but a template is a regular file inside its folder: a link
    that leaves the folder (a file or a folder link) is refused, and size is capped."""

    def __init__(self, folders: list[Path]):
        self.folders = folders

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = jinja2.loaders.split_template_path(template)  # refuses ".."
        for folder in self.folders:
            path = folder.joinpath(*pieces)
            if not os.path.lexists(path):
                continue
            try:
                data = read_capped(path, MAX_TEMPLATE_BYTES, folder, "template")
            except FileRefused as exc:
                raise RenderError(str(exc)) from None
            try:
                source = data.decode("utf-8")
            except UnicodeDecodeError:
                raise RenderError(f"{path}: not valid UTF-8; save the template as UTF-8") from None
            stamp = _stamp(path)
            return source, str(path), lambda p=path, s=stamp: _stamp(p) == s  # a kept Environment sees edits
        raise jinja2.TemplateNotFound(template)


def _stamp(path: Path) -> tuple[int, ...]:
    try:
        st = os.lstat(path)
        return st.st_mtime_ns, st.st_size
    except OSError:
        return ()


@lru_cache(maxsize=8)
def environment(theme: Theme) -> SandboxedEnvironment:
    """One environment per theme and process: templates are compiled once, and recompiled
    only when their file changes (the loader's up-to-date check compares mtime and size)."""
    folders = [theme.folder] + ([BUILTIN_TEMPLATES] if theme.folder != BUILTIN_TEMPLATES else [])
    env = SandboxedEnvironment(
        loader=ConfinedLoader(folders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["keep_tail"] = keep_tail
    env.filters["keep_codes"] = keep_codes
    env.filters["keep_held"] = keep_held
    env.filters["keep_part"] = keep_part
    env.filters["marked"] = marked
    return env


def render_html(outline: Outline, theme: Theme, forms: bool = False) -> str:
    """``forms``: the cover's fill-in lines become blanks (with ids) for PDF form fields,
    pre-filled ones too; otherwise a pre-filled value is printed as text."""
    return _render(outline, theme, forms)[0]


def render_html_apart(outline: Outline, theme: Theme, forms: bool = False) -> tuple[str, str]:
    """The HTML with an empty <style>, and the stylesheet it would hold (see
    plangen.render.stylesheet); or the whole HTML and "" for a template with other styles."""
    return split(*_render(outline, theme, forms, markers=True))


def _render(outline: Outline, theme: Theme, forms: bool, markers: bool = False) -> tuple[str, dict[str, str]]:
    """The HTML, with the stylesheets or their markers, and the stylesheets."""
    env = environment(theme)
    try:
        # Stylesheets belong to the theme (trusted like templates), never to the plan.
        files = {name: theme.read_text(name) for name in CSS_FILES}
        css = {name.replace(".", "_"): Markup(marker(name) if markers else text) for name, text in files.items()}
        template = env.get_template(MAIN_TEMPLATE)
        return template.render(doc=outline, forms=forms, fonts=pdf_font_families(theme), **css), files
    except jinja2.TemplateNotFound as exc:
        where = _template_position(exc)
        if where != "template":  # an {% include %} of a name that is not there
            raise RenderError(f"{where}: template error: {exc}") from None
        raise RenderError(f"{BUILTIN_TEMPLATES / str(exc.name)}: template file missing; reinstall plangen "
                          "(pip install --force-reinstall plangen)") from None
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"{exc.filename or exc.name}:{exc.lineno}: template error: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise RenderError(f"{_template_position(exc)}: template error: {exc}") from None
    except OSError as exc:
        raise RenderError(f"{exc.filename}: cannot read: {exc.strerror}") from None
    except RecursionError as exc:  # a template that includes itself, a recursive macro
        raise RenderError(f"{_template_position(exc)}: template error: templates or macros call themselves "
                          "too deeply") from None
    except (AttributeError, KeyError, IndexError, TypeError, ValueError, ArithmeticError) as exc:
        raise RenderError(f"{_template_position(exc)}: template error: {str(exc)[:200]}") from None


def _template_position(exc: BaseException) -> str:
    """The template file and line an exception was raised at, from Jinja's traceback."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".j2") or frame.filename.endswith(".html"):
            return f"{frame.filename}:{frame.lineno}"
    return "template"


def render(outline: Outline, theme: Theme, options: RenderOptions) -> bytes:
    """The registry's entry point (plangen.render)."""
    return render_html(outline, theme).encode("utf-8")
