"""HTML to an A4 PDF with WeasyPrint, then the cover's blanks become AcroForm text fields.

WeasyPrint's own form support embeds the whole font of a field (a 21 MB PDF for a CJK
face), so the fields are added afterwards with pypdf: each sits on its underlined blank,
uses the reader's standard CJK font (STSong-Light, never embedded) for what a person
types, and prints as the blank when left empty.

Rendering reads files only from the theme's folders and the system font folders, and
fetches nothing from the network: any other URL stops the render.
"""
from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import unquote, urlparse

from plangen.errors import RenderError
from plangen.outline import Outline
from plangen.render_html import render_html
from plangen.theme import Theme, check_fonts

PX = 0.75  # one CSS px in PDF points
VARIANTS = ("pdf/a-2b",)


def _fetcher_class():
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        """Serves file: URLs under the allowed folders and data: URLs; refuses the rest."""

        def __init__(self, allowed: tuple[Path, ...]):
            super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=True)
            self.allowed = tuple(p.resolve() for p in allowed)

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            if parsed.scheme == "file" and parsed.netloc in ("", "localhost"):
                path = Path(unquote(parsed.path)).resolve()
                if any(path.is_relative_to(folder) for folder in self.allowed) and path.is_file():
                    return super().fetch(url, headers)
            raise FatalURLFetchingError(f"refused to fetch {url[:200]}: rendering reads only the template and font folders")

    return LocalOnlyFetcher, FatalURLFetchingError


def render_pdf(outline: Outline, theme: Theme, variant: str | None = None) -> bytes:
    from weasyprint import HTML

    check_fonts(theme)
    fetcher_cls, fatal = _fetcher_class()
    html = render_html(outline, theme)
    try:
        document = HTML(string=html, base_url=theme.folder.resolve().as_uri() + "/",
                        url_fetcher=fetcher_cls(theme.read_dirs())).render()
        blanks = {name[len("blank-"):]: pos for name, pos in document.pages[0].anchors.items()
                  if name.startswith("blank-")} if document.pages else {}
        data = document.write_pdf(pdf_variant=variant, uncompressed_pdf=False)
    except fatal as exc:
        raise RenderError(str(exc)) from None
    if variant is None and blanks:  # PDF/A forbids fields without appearances: blanks stay printed lines
        data = add_form_fields(data, outline, blanks)
    return data


def add_form_fields(data: bytes, outline: Outline, blanks: dict[str, tuple[float, float, float, float]]) -> bytes:
    """One AcroForm text field over each empty cover blank."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (ArrayObject, BooleanObject, DictionaryObject, FloatObject, NameObject,
                               NumberObject, TextStringObject)

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    page = writer.pages[0]
    height = float(page.mediabox.height)
    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type0"),
        NameObject("/BaseFont"): NameObject("/STSong-Light"), NameObject("/Encoding"): NameObject("/UniGB-UCS2-H"),
        NameObject("/DescendantFonts"): ArrayObject([writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/CIDFontType0"),
            NameObject("/BaseFont"): NameObject("/STSong-Light"),
            NameObject("/CIDSystemInfo"): DictionaryObject({
                NameObject("/Registry"): TextStringObject("Adobe"), NameObject("/Ordering"): TextStringObject("GB1"),
                NameObject("/Supplement"): NumberObject(4)}),
            NameObject("/FontDescriptor"): writer._add_object(DictionaryObject({
                NameObject("/Type"): NameObject("/FontDescriptor"), NameObject("/FontName"): NameObject("/STSong-Light"),
                NameObject("/Flags"): NumberObject(6), NameObject("/FontBBox"): ArrayObject(
                    [NumberObject(-250), NumberObject(-143), NumberObject(600), NumberObject(857)]),
                NameObject("/ItalicAngle"): NumberObject(0), NameObject("/Ascent"): NumberObject(857),
                NameObject("/Descent"): NumberObject(-143), NameObject("/CapHeight"): NumberObject(857),
                NameObject("/StemV"): NumberObject(91)})),
        }))]),
    })
    font_ref = writer._add_object(font)
    fields = ArrayObject()
    annots = page.get("/Annots") or ArrayObject()
    for field in outline.fields:
        if field.name not in blanks:
            continue
        x1, y1, x2, y2 = blanks[field.name]
        rect = (x1 * PX, height - y2 * PX, x2 * PX, height - y1 * PX)
        widget = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): TextStringObject(field.name),
            NameObject("/TU"): TextStringObject(field.label),
            NameObject("/Rect"): ArrayObject([FloatObject(round(v, 2)) for v in rect]),
            NameObject("/F"): NumberObject(4), NameObject("/Ff"): NumberObject(0),
            NameObject("/DA"): TextStringObject("/STSong 14 Tf 0 g"),
            NameObject("/MK"): DictionaryObject(),
            NameObject("/P"): page.indirect_reference,
        })
        ref = writer._add_object(widget)
        annots.append(ref)
        fields.append(ref)
    page[NameObject("/Annots")] = annots
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({
        NameObject("/Fields"): fields, NameObject("/NeedAppearances"): BooleanObject(True),
        NameObject("/DA"): TextStringObject("/STSong 14 Tf 0 g"),
        NameObject("/DR"): DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/STSong"): font_ref})}),
    })
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
