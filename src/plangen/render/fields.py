"""The cover's fill-in fields as PDF objects: widgets, appearance streams, the form.

One description serves two writers: WeasyPrint's finisher (pydyf) when a plan is
rendered, and ``plangen fill`` (pypdf) when a PDF is filled. Objects are built here as
plain data (dict, list, numbers, ``Name``, ``Text``, ``Stream``, ``Ref`` for an indirect
object); ``pdfobj.to_pydyf`` and ``pdfobj.to_pypdf`` turn them into each library's objects.

The recipe (README, "Fill-in fields"): every field has an appearance stream plangen wrote
(an empty one for a blank, the value drawn in an embedded subset for a filled field), so
NeedAppearances stays off and every reader shows the same thing; /DA and /DR name the
embedded typing font for what a person types later; values are stored as UTF-16.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, Union

from plangen.render.fieldfont import SubsetFont, typing_font, value_font

if TYPE_CHECKING:
    from plangen.outline.outline import Outline

SIZE = 14  # points, of typed and filled text
READABLE = 7  # points: a value shrunk below this to fit its line is hard to read (`fill` warns)
# The /DR name of the typing font. PDFium (Chrome) types CJK with the field's embedded font
# only when it takes it for a symbol font, which it decides by this name; with any other
# name it pulls in a non-embedded system font that other readers draw as boxes. The name
# is only a resource key: every reader reads the font itself.
TYPING = "Wingdings"
Box = tuple[float, float, float, float]  # x1, y1, x2, y2 in CSS px


class Name(str):
    """A PDF name, without its slash."""


class Raw:
    """A value already in the writer's own terms (e.g. a pydyf reference), passed through."""

    def __init__(self, value: object):
        self.value = value


class Text(str):
    """A PDF text string: PDFDocEncoding when ASCII, UTF-16BE with a byte order mark otherwise."""

    def pdf_bytes(self) -> bytes:
        if self.isascii():
            escaped = self.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            return b"(" + escaped.encode("ascii") + b")"
        return b"<feff" + self.encode("utf-16-be").hex().encode() + b">"


@dataclass(eq=False)
class Stream:
    entries: PdfDict
    data: bytes


@dataclass(eq=False)
class Ref:
    """An indirect object; the same Ref is written once however often it is used."""

    value: PdfValue


# What the writers take: scalars, the classes above, and lists and dictionaries of them.
PdfValue = Union[bool, int, float, Name, Text, Stream, Ref, Raw, list["PdfValue"], dict[str, "PdfValue"]]
PdfDict = dict[str, PdfValue]
W = TypeVar("W")  # a writer's indirect reference
Memo = dict[int, tuple[Ref, W]]  # id of a Ref -> (the Ref, kept alive; its writer's reference)


def font_object(font: SubsetFont) -> Ref:
    """A Type0 font with Identity-H codes (glyph ids), widths and a ToUnicode map."""
    program = Stream({"Subtype": Name("OpenType")} if font.cff else {"Length1": len(font.data)}, font.data)
    descriptor: PdfDict = {"Type": Name("FontDescriptor"), "FontName": Name(font.name), "Flags": 4,
                  "FontBBox": list(font.bbox), "ItalicAngle": 0, "Ascent": font.ascent, "Descent": font.descent,
                  "CapHeight": font.ascent, "StemV": 80, ("FontFile3" if font.cff else "FontFile2"): Ref(program)}
    cid: PdfDict = {"Type": Name("Font"), "Subtype": Name("CIDFontType0" if font.cff else "CIDFontType2"),
           "BaseFont": Name(font.name), "FontDescriptor": Ref(descriptor), "W": _widths(font), "DW": 1000,
           "CIDSystemInfo": {"Registry": Text("Adobe"), "Ordering": Text("Identity"), "Supplement": 0}}
    if not font.cff:
        cid["CIDToGIDMap"] = Name("Identity")
    return Ref({"Type": Name("Font"), "Subtype": Name("Type0"), "BaseFont": Name(font.name),
                "Encoding": Name("Identity-H"), "DescendantFonts": [Ref(cid)],
                "ToUnicode": Ref(Stream({}, _to_unicode(font)))})


def _widths(font: SubsetFont) -> list[PdfValue]:
    """/W: runs of consecutive glyph ids, each as its first id and the list of their widths."""
    runs: list[tuple[int, list[PdfValue]]] = []
    for gid in sorted(font.widths):
        if runs and runs[-1][0] + len(runs[-1][1]) == gid:
            runs[-1][1].append(font.widths[gid])
        else:
            runs.append((gid, [font.widths[gid]]))
    return [v for first, widths in runs for v in (first, widths)]


def _to_unicode(font: SubsetFont) -> bytes:
    pairs = sorted((gid, char) for char, gid in font.gids.items())
    seen: set[int] = set()
    lines: list[str] = []
    for gid, char in pairs:
        if gid not in seen:
            seen.add(gid)
            lines.append(f"<{gid:04x}> <{char.encode('utf-16-be').hex()}>")
    body = []
    for i in range(0, len(lines), 100):
        chunk = lines[i:i + 100]
        body += [f"{len(chunk)} beginbfchar", *chunk, "endbfchar"]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
        "1 begincodespacerange", "<0000> <ffff>", "endcodespacerange", *body,
        "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]).encode("ascii")


def appearance(value: str | None, width: float, height: float, where: str, latin: str | None = None,
               fit: tuple[SubsetFont, float] | None = None) -> Ref:
    """A text field's normal appearance: ``value`` on one line in an embedded subset
    (smaller than SIZE when it would not fit), or nothing for a blank; ``latin``: the face
    tried first (an English document's serif); ``fit``: fitted's answer, where the caller has it."""
    box: PdfDict = {"Type": Name("XObject"), "Subtype": Name("Form"), "BBox": [0, 0, _n(width), _n(height)]}
    if not value:
        return Ref(Stream(box, b"/Tx BMC EMC"))
    text = " ".join(value.split())
    font, size = fit or fitted(text, width, where, latin)
    baseline = (height - size * (font.ascent - font.descent) / 1000) / 2 - size * font.descent / 1000
    codes = "".join(f"{font.gids[c]:04x}" for c in text)
    data = f"/Tx BMC q BT /PlangenValue {_n(size)} Tf 0 g 2 {_n(baseline)} Td <{codes}> Tj ET Q EMC".encode("ascii")
    box["Resources"] = {"Font": {"PlangenValue": font_object(font)}}
    return Ref(Stream(box, data))


def fitted(text: str, width: float, where: str, latin: str | None = None) -> tuple[SubsetFont, float]:
    """The font a value is drawn in, and its size: SIZE, or smaller so it fits its line."""
    font = value_font(text, where, latin)
    advance = sum(font.widths.get(font.gids[c], 1000) for c in text) / 1000
    return font, min(SIZE, (width - 4) / advance) if advance else SIZE


def _n(x: float) -> float:
    return round(x, 3)


def widget(name: str, label: str, date_format: str, rect: list[float], value: str | None, where: str,
           latin: str | None = None) -> PdfDict:
    """A merged field/widget dictionary for a one-line text field (without /P); ``date_format``
    (AFDate_FormatEx's letters, the outline's; empty for a text line) makes it a date field."""
    entries: PdfDict = {"Type": Name("Annot"), "Subtype": Name("Widget"), "FT": Name("Tx"), "T": Text(name),
               "TU": Text(label), "F": 4, "Ff": 0, "Q": 0, "Rect": [_n(v) for v in rect],
               "DA": Text(f"/{TYPING} {SIZE} Tf 0 g"), "MK": {},
               "AP": {"N": appearance(value, rect[2] - rect[0], rect[3] - rect[1], where, latin)}}
    if value:
        entries["V"] = Text(value)
    if date_format:
        entries["AA"] = {"F": {"S": Name("JavaScript"), "JS": Text(f'AFDate_FormatEx("{date_format}");')},
                         "K": {"S": Name("JavaScript"), "JS": Text(f'AFDate_KeystrokeEx("{date_format}");')}}
    return entries


def form_resources() -> PdfDict:
    """The AcroForm's /DA and /DR: the embedded typing font."""
    return {"DA": Text(f"/{TYPING} {SIZE} Tf 0 g"),
            "DR": {"Font": {TYPING: _typing_font_object()}}}


@functools.lru_cache(maxsize=1)
def _typing_font_object() -> Ref:
    """The typing font's objects, made once per process: the same in every PDF (its widths
    and ToUnicode map of 4,000 glyphs took 0.1 s a document). Written afresh into each PDF."""
    return font_object(typing_font())


def finisher(outline: Outline, blanks: dict[str, Box], px: float = 0.75,
             latin: str | None = None) -> Callable[[Any, Any], None]:
    """A WeasyPrint finisher making each cover blank (CSS px boxes by field name) a text
    field, holding the plan's pre-filled value if it has one (drawn in ``latin`` first)."""
    def finish(_document: Any, pdf: Any) -> None:  # WeasyPrint's Document and pydyf's PDF (untyped)
        from plangen.render.pdfobj import to_pydyf
        page = pdf.objects[pdf.pages["Kids"][0]]  # pydyf keeps Kids as number, 0, R triples
        height = float(page["MediaBox"][3])
        memo: Memo[Any] = {}
        fields: list[PdfValue] = []
        for f in outline.cover.fields:
            if f.name not in blanks:
                continue
            x1, y1, x2, y2 = blanks[f.name]
            rect = [x1 * px, height - y2 * px, x2 * px, height - y1 * px]
            entries = widget(f.name, f.label, f.date_pdf, rect, f.value, f"cover field {f.name}", latin)
            fields.append(Ref(entries))
            entries["P"] = Raw(page.reference)
            if "Annots" not in page:
                page["Annots"] = to_pydyf([], pdf)
            page["Annots"].append(to_pydyf(fields[-1], pdf, memo))
        if fields:
            pdf.catalog["AcroForm"] = to_pydyf({"Fields": fields, **form_resources()}, pdf, memo)
    return finish
