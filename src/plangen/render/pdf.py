"""HTML to an A4 PDF with WeasyPrint, then the cover's blanks become AcroForm text fields.

WeasyPrint's own form support embeds the whole font of a field (a 21 MB PDF for a CJK
face), so the fields are added in WeasyPrint's finisher, as the PDF is written
(``fields.finisher``): each sits on its underlined blank, draws its value (a pre-filled
one) with an appearance stream of its own, and prints as the blank when left empty.

Rendering reads files only from the theme's folders and the system font folders, and
fetches nothing from the network: any other URL stops the render.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional
from urllib.parse import unquote, urlparse

from plangen.errors import RenderError
from plangen.outline.coverfit import LEVELS
from plangen.outline.outline import Outline
from plangen.render import RenderOptions, fieldfont, fields, pdfparts, stylesheet
from plangen.render.coverage import check_coverage
from plangen.render.fields import Box
from plangen.render.html import render_html_apart
from plangen.render.theme import Theme, check_fonts, pdf_font_families

PX = 0.75  # one CSS px in PDF points
MAX_FETCH_BYTES = 100_000_000  # a file a stylesheet or template names (CJK font collections are ~27 MB)


def _fetcher_class() -> tuple[type, type[Exception]]:
    from plangen.render.engine import import_weasyprint
    import_weasyprint()
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type information
        """Serves file: URLs under the allowed folders and data: URLs; refuses the rest."""

        def __init__(self, allowed: tuple[Path, ...]) -> None:
            super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=True)
            self.allowed = tuple(p.resolve() for p in allowed)

        def fetch(self, url: str, headers: Optional[dict[str, str]] = None) -> Any:  # WeasyPrint's URLFetchingResponse
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            if parsed.scheme == "file" and parsed.netloc in ("", "localhost"):
                path = Path(unquote(parsed.path)).resolve()
                if any(path.is_relative_to(folder) for folder in self.allowed) and path.is_file():
                    if path.stat().st_size > MAX_FETCH_BYTES:  # a font or image, never gigabytes
                        raise FatalURLFetchingError(f"refused to fetch {url[:200]}: larger than {MAX_FETCH_BYTES} bytes")
                    return super().fetch(url, headers)
            raise FatalURLFetchingError(f"refused to fetch {url[:200]}: rendering reads only the template and font folders")

    return LocalOnlyFetcher, FatalURLFetchingError


def render_pdf(outline: Outline, theme: Theme, variant: str | None = None, characters: str = "") -> bytes:
    """The outline as PDF bytes. `characters`: text the fonts should cover beyond this
    document's (the plan's, so that every document of a build shares one set of fonts)."""
    from plangen.render.engine import import_weasyprint
    from plangen.render.fonts import font_face_css

    weasyprint = import_weasyprint()
    check_fonts(theme)
    check_coverage(outline, theme)
    fetcher_cls, fatal = _fetcher_class()
    forms = variant is None
    html, css = render_html_apart(outline, theme, forms=forms)
    faces_css, faces_dir = font_face_css(theme, characters + html + css)
    allowed = (*theme.read_dirs(), faces_dir)
    fetcher = fetcher_cls(allowed)
    base_url = theme.folder.resolve().as_uri() + "/"

    def write(document: Any, pages: list[Any], first: bool) -> bytes:
        blanks = _blanks(outline, pages) if forms and first else {}
        # PDF/A forbids fields without appearances: there the blanks stay printed lines
        finisher = fields.finisher(outline, blanks, PX, _value_face(outline, theme)) if forms and blanks else None
        whole = document if pages is document.pages else document.copy(pages)
        pdf: bytes = whole.write_pdf(pdf_variant=variant, finisher=finisher)
        return pdf

    try:
        layout = _Layout(weasyprint, theme, fetcher, faces_css, base_url, allowed, forms)  # writes font files
        parts = pdfparts.split(html) if variant is None else None  # PDF/A: always one piece
        if parts is not None:  # a long document, laid out in parts (pdfparts.py); its cover as estimated
            del html  # the parts are cut from parts.html
            return pdfparts.render_parts(parts, lambda text: layout.render(text, css), write)
        document = layout.cover_on_one_page(outline, html, css)
        return write(document, document.pages, True)
    except fatal as exc:
        raise RenderError(str(exc)) from None
    except OSError as exc:  # WeasyPrint writes @font-face files to a temporary folder: a full disk
        raise RenderError(f"cannot write the PDF's temporary font files: {exc.strerror or exc}") from None


@lru_cache(maxsize=8)
def _resolved(css: str, faces_css: str) -> str:
    """The theme's stylesheet with the role variables as the prepared faces set them."""
    return stylesheet.resolve_vars(css, faces_css)


class _Layout:
    """WeasyPrint's layout of one document: the prepared faces' and the theme's parsed
    stylesheets (stylesheet.py), the fetcher that reads only the allowed folders."""

    def __init__(self, weasyprint: Any, theme: Theme, fetcher: Any, faces_css: str, base_url: str,
                 allowed: tuple[Path, ...], forms: bool):
        self.weasyprint, self.theme, self.fetcher, self.faces_css = weasyprint, theme, fetcher, faces_css
        self.base_url, self.allowed, self.forms = base_url, allowed, forms

    def render(self, html: str, css: str) -> tuple[Any, Any]:
        """The laid-out document and its parsed HTML."""
        sheets = [_faces_stylesheet(self.faces_css, self.fetcher)]
        if css:  # the theme's stylesheet, where the <style> was: first of the author sheets
            sheets.insert(0, stylesheet.parsed(_resolved(css, self.faces_css), self.base_url, self.fetcher,
                                               _font_config(), self.allowed))
        parsed = self.weasyprint.HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher)
        return parsed.render(font_config=_font_config(), stylesheets=sheets), parsed

    def cover_on_one_page(self, outline: Outline, html: str, css: str) -> Any:
        """The laid-out document, its cover on the first page: a cover that runs onto a second
        page (measured by where its last element, ``cover-end``, lands) is set again one step
        tighter (outline/coverfit.py); past the tightest step it is an error."""
        while True:
            document, _parsed = self.render(html, css)
            if _cover_fits(document) or outline.redline is not None:
                return document
            if outline.cover.fit >= len(LEVELS) - 1:
                raise RenderError("the cover does not fit on one page even set tightest; shorten the title, subtitle, "
                                  "tagline, the unit's name or the cover's fields")
            outline = replace(outline, cover=replace(outline.cover, fit=outline.cover.fit + 1))
            html, css = render_html_apart(outline, self.theme, forms=self.forms)


def _value_face(outline: Outline, theme: Theme) -> str | None:
    """The face a pre-filled value is drawn in first: an English document's Latin serif (the
    cover's labels are in it); a Chinese document's values keep the fields' own face."""
    return pdf_font_families(theme).get("serif", fieldfont.LATIN) if outline.language == "en" else None


def _cover_fits(document: Any) -> bool:
    """Whether the cover's end is on the first page (a theme without the marker: assumed)."""
    pages = document.pages
    if not pages or "cover-end" in pages[0].anchors:
        return True
    return not any("cover-end" in page.anchors for page in pages[1:])


def _blanks(outline: Outline, pages: list[Any]) -> dict[str, Box]:
    """The cover's blanks by field name (CSS px boxes on the first page); a field whose blank
    is not on the first page is an error, never a PDF without it."""
    if outline.redline is not None:  # a redline opens with its summary, not the cover
        return {}
    anchors = pages[0].anchors if pages else {}
    blanks = {name[len("blank-"):]: pos for name, pos in anchors.items() if name.startswith("blank-")}
    missing = [f.label for f in outline.cover.fields if f.name not in blanks]
    if missing:
        raise RenderError(f"cover field {missing[0]!r} is not on the cover's page: no form field could be made "
                          "for it (the cover's template must give each field a blank with id blank-<name>)")
    return blanks


_FACES: dict[str, object] = {}


def _faces_stylesheet(css: str, fetcher: Any) -> object:  # WeasyPrint's URLFetcher and CSS
    """The prepared faces as a parsed stylesheet, once per process and set of faces; a face
    WeasyPrint cannot load is an error (it would otherwise fall back silently)."""
    if css not in _FACES:
        from weasyprint import CSS

        failures: list[str] = []
        handler = _Collect(failures)
        logger = logging.getLogger("weasyprint")
        logger.addHandler(handler)
        try:
            sheet = CSS(string=css, url_fetcher=fetcher, font_config=_font_config())
        finally:
            logger.removeHandler(handler)
        if failures:
            raise RenderError(f"prepared fonts: {failures[0]}")
        if len(_FACES) >= 8:
            _FACES.pop(next(iter(_FACES)))
        _FACES[css] = sheet
    return _FACES[css]


class _Collect(logging.Handler):
    """Keeps the messages of WARNING and above in ``into``."""

    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record.getMessage())


_FONT_CONFIG: Any = None  # WeasyPrint's FontConfiguration


def _font_config() -> Any:
    """One fontconfig set-up per process: a new one per document leaks ~50 MB each time
    (measured: 543 MB after 10 documents, 268 MB with one shared)."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        import atexit

        from weasyprint.text.fonts import FontConfiguration
        _FONT_CONFIG = FontConfiguration()
        atexit.register(_remove_font_folder, _FONT_CONFIG)
    return _FONT_CONFIG


def _remove_font_folder(config: Any) -> None:
    """WeasyPrint copies @font-face fonts into a temporary folder it removes in __del__, which
    at interpreter exit fails (its modules are gone) and leaves the folder: remove it first."""
    import shutil
    folder, config._folder = getattr(config, "_folder", None), None
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def render(outline: Outline, theme: Theme, options: RenderOptions) -> bytes:
    """The registry's entry point (plangen.render)."""
    return render_pdf(outline, theme, options.pdf_variant, options.characters)
