"""The house style of the .docx, written once into render/templates/reference.docx (zh) and
render/templates/reference-en.docx (en). Users restyle by editing those files in Word, as with
pandoc's --reference-doc; plangen takes styles, page setup and fonts from them.

Regenerate with: python -m plangen.render.docx.style src/plangen/render/templates
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional

import docx
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.text.parfmt import CT_PPr
from docx.section import Section
from docx.shared import Mm, Pt
from docx.styles.style import ParagraphStyle

from plangen.render.docx.xml import child, set_fonts, stable_zip

LATIN = "Times New Roman"
# Faces offices have on Windows and WPS; LibreOffice on Linux maps them through
# fontconfig (see templates/fontconfig/plangen-cjk.conf).
FANG, SONG, HEI, KAI = "仿宋", "宋体", "黑体", "楷体"
LINE = Pt(28.95)  # 22 lines a page, GB/T 9704-2012

# name: (base, east asian font, latin font, size pt, bold, align, first-line indent, extra)
StyleRow = tuple[Optional[str], str, str, float, bool, str, bool, dict[str, Any]]
ZH_STYLES: dict[str, StyleRow] = {
    "Normal": (None, FANG, LATIN, 16, False, "justify", True, {}),
    "Title": ("Normal", SONG, LATIN, 22, True, "center", False, {"line": Pt(40), "after": Pt(12)}),
    "Heading 1": ("Normal", HEI, LATIN, 16, False, "justify", True, {"keep": True}),
    "Heading 2": ("Normal", KAI, LATIN, 16, False, "justify", True, {"keep": True}),
    "Heading 3": ("Normal", FANG, LATIN, 16, False, "justify", True, {"keep": True}),
    "Heading 4": ("Normal", FANG, LATIN, 16, False, "justify", True, {"keep": True}),
    "Heading 5": ("Normal", FANG, LATIN, 16, False, "justify", True, {"keep": True}),
    "Heading 6": ("Normal", FANG, LATIN, 16, False, "justify", True, {"keep": True}),
    "Plan Item": ("Normal", FANG, LATIN, 16, False, "justify", True, {}),
    "Preface": ("Normal", FANG, LATIN, 16, False, "justify", True, {}),
    "Cover Number": ("Normal", SONG, LATIN, 14, False, "left", False, {}),
    "Cover Kind": ("Normal", SONG, LATIN, 16, False, "center", False, {"before": Pt(90)}),
    "Cover Title": ("Normal", SONG, LATIN, 26, True, "center", False, {"line": Pt(40), "before": Pt(24), "after": Pt(60)}),
    "Cover Recipient": ("Normal", KAI, LATIN, 18, False, "center", False, {"after": Pt(24)}),
    "Cover Field": ("Normal", FANG, LATIN, 16, False, "left", False, {"indent": Mm(38), "after": Pt(8), "underline": True}),
    "Cover Tagline": ("Normal", SONG, LATIN, 10.5, False, "center", False, {"before": Pt(60), "line": Pt(16)}),
    "Table Text": ("Normal", FANG, LATIN, 12, False, "left", False, {"line": None}),
    "Table Number": ("Table Text", FANG, LATIN, 12, False, "right", False, {"line": None}),
    "Table Heading": ("Table Text", HEI, LATIN, 12, False, "center", False, {"line": None}),
    "Appendix Caption": ("Normal", HEI, LATIN, 16, False, "left", False, {"page_break": True, "keep": True}),
    "Footer": ("Normal", SONG, LATIN, 14, False, "center", False, {"line": None}),
}
EN_OVERRIDES: dict[str, StyleRow] = {
    "Normal": (None, SONG, LATIN, 12, False, "justify", False, {"line": None, "after": Pt(6)}),
    "Heading 1": ("Normal", HEI, "Arial", 14, True, "left", False, {"keep": True, "line": None, "before": Pt(11.2),
                                                                     "after": Pt(2.8)}),
    "Heading 2": ("Normal", SONG, LATIN, 12, True, "left", False, {"keep": True, "line": None, "before": Pt(4.8)}),
    "Heading 3": ("Normal", SONG, LATIN, 12, True, "left", False, {"keep": True, "line": None, "after": Pt(6)}),
    "Heading 4": ("Normal", SONG, LATIN, 12, False, "left", False, {"keep": True, "line": None, "after": Pt(6)}),
    "Heading 5": ("Normal", SONG, LATIN, 12, False, "left", False, {"keep": True, "line": None, "after": Pt(6)}),
    "Heading 6": ("Normal", SONG, LATIN, 12, False, "left", False, {"keep": True, "line": None, "after": Pt(6)}),
    "Plan Item": ("Normal", SONG, LATIN, 12, False, "justify", False, {"line": None, "after": Pt(6)}),
    "Preface": ("Normal", SONG, LATIN, 12, False, "justify", False, {"line": None, "after": Pt(6)}),
    "Table Text": ("Normal", SONG, LATIN, 10.5, False, "left", False, {"line": None, "after": Pt(0)}),
    "Table Number": ("Table Text", SONG, LATIN, 10.5, False, "right", False, {"line": None, "after": Pt(0)}),
    "Table Heading": ("Table Text", HEI, "Arial", 10.5, True, "center", False, {"line": None, "after": Pt(0)}),
    "Appendix Caption": ("Normal", HEI, "Arial", 14, True, "left", False, {"page_break": True, "keep": True}),
}
ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
         "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}


def make_reference(language: str) -> DocxDocument:
    document = docx.Document()
    lang = "zh-CN" if language == "zh" else "en-US"
    _set_language(document, lang, hint=language == "zh")
    styles = dict(ZH_STYLES)
    if language == "en":
        styles.update(EN_OVERRIDES)
    for name, spec in styles.items():
        _style(document, name, *spec, lang=lang)
    _no_theme_fonts(document)
    section = document.sections[0]
    _page_setup(section, grid=language == "zh")
    return document


def _no_theme_fonts(document: DocxDocument) -> None:
    """Theme font attributes (w:eastAsiaTheme ...) win over named fonts in Word and
    LibreOffice: drop them from every style, naming a real face where none is left."""
    for fonts in document.styles.element.iter(qn("w:rFonts")):
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
        if fonts.get(qn("w:eastAsia")) is None:
            fonts.set(qn("w:eastAsia"), FANG)


def _line_breaking(defaults: Any) -> None:
    """Widow and orphan control (so a paragraph kept with its table can still split: its
    last lines go with the table), and East Asian line breaking for every paragraph: ，。 never start a line (kinsoku), Latin
    words and numbers never break inside (wordWrap on), no punctuation hangs past the margin,
    space between CJK and Latin text and numbers adjusted (autoSpaceDE/DN)."""
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for tag in ("w:widowControl", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:autoSpaceDE", "w:autoSpaceDN"):
        for old in ppr.findall(qn(tag)):
            ppr.remove(old)
    first = ppr[0] if len(ppr) else None
    for xml in ('<w:widowControl/>', '<w:kinsoku/>', '<w:wordWrap/>', '<w:overflowPunct w:val="0"/>', '<w:autoSpaceDE/>',
                '<w:autoSpaceDN/>'):
        element = parse_xml(xml.replace("/>", f" {nsdecls('w')}/>"))
        if first is not None:
            first.addprevious(element)
        else:
            ppr.append(element)


def _set_language(document: DocxDocument, lang: str, hint: bool) -> None:
    settings = document.settings.element
    theme_lang = child(settings, "w:themeFontLang")
    theme_lang.set(qn("w:val"), "en-US")
    theme_lang.set(qn("w:eastAsia"), "zh-CN")
    defaults = document.styles.element.find(qn("w:docDefaults"))
    _line_breaking(defaults)
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(defaults.find(qn("w:rPrDefault")), LATIN, SONG, hint=hint)
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    # w:val is the language of Latin text, even in a Chinese document: with zh-CN there,
    # LibreOffice breaks Latin words and numbers anywhere ("W/i-Fi", "0571-876543/21").
    rpr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'))


def _style(document: DocxDocument, name: str, base: str | None, east_asia: str, latin: str, size: float, bold: bool,
           align: str, indent: bool, extra: dict[str, Any], lang: str) -> None:
    """One paragraph style from its row in ZH_STYLES / EN_OVERRIDES (lang: the reference's
    language, set once in docDefaults; here it decides only the East Asian font hint)."""
    styles = document.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base:
        style.base_style = styles[base]
    style.hidden = False
    style.quick_style = True
    _character(style, east_asia, latin, size, bold, extra, hint=lang.startswith("zh"))
    _spacing(style, align, extra)
    ppr = style.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):  # the default Title has a blue rule
        ppr.remove(border)
    _first_line_indent(ppr, size, indent)
    if name.startswith("Heading "):
        _outline_level(ppr, int(name.split()[1]) - 1)


def _character(style: ParagraphStyle, east_asia: str, latin: str, size: float, bold: bool, extra: dict[str, Any],
               hint: bool) -> None:
    """Faces, size, weight; no italic, theme colour, colour or character spacing; underline only when asked."""
    font = style.font
    font.size = Pt(size)
    font.bold = bold
    font.italic = False
    font.color.rgb = None
    font.color.theme_color = None
    font.underline = True if extra.get("underline") else None
    set_fonts(style.element, latin, east_asia, hint=hint)
    rpr = style.element.get_or_add_rPr()
    # no colour; no character spacing (the default Title's 0.25 pt a letter, which the PDF
    # has not: LibreOffice wrapped an English title a line earlier)
    for old in rpr.findall(qn("w:color")) + rpr.findall(qn("w:spacing")):
        rpr.remove(old)


def _spacing(style: ParagraphStyle, align: str, extra: dict[str, Any]) -> None:
    """Alignment, line pitch (exact, on the grid, unless extra["line"] is None), space around,
    keep-with-next, page break and left indent."""
    pf = style.paragraph_format
    pf.alignment = ALIGN[align]
    line = extra.get("line", LINE)
    if line is None:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        child(style.element.get_or_add_pPr(), "w:snapToGrid").set(qn("w:val"), "0")  # off the 22-line grid
    else:
        pf.line_spacing = line
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.space_before = extra.get("before", Pt(0))
    pf.space_after = extra.get("after", Pt(0))
    pf.keep_with_next = extra.get("keep", False)
    pf.widow_control = True  # LibreOffice reads it from the style, not from docDefaults
    pf.page_break_before = extra.get("page_break", False)
    pf.left_indent = extra.get("indent", 0)


def _first_line_indent(ppr: CT_PPr, size: float, indent: bool) -> None:
    """Two characters of first-line indent (in characters, and in twips for older readers), or none."""
    ind = child(ppr, "w:ind")
    ind.set(qn("w:firstLineChars"), "200" if indent else "0")
    ind.set(qn("w:firstLine"), str(int(size * 2 * 20)) if indent else "0")


def _outline_level(ppr: CT_PPr, level: int) -> None:
    """A heading's level in the navigation pane, unless the style already has one."""
    if ppr.find(qn("w:outlineLvl")) is None:
        ppr.append(parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="{level}"/>'))


def _page_setup(section: Section, grid: bool) -> None:
    """A4 and GB/T 9704-2012 margins; for Chinese documents a 22-line grid."""
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(23)
    if grid:
        doc_grid = child(section._sectPr, "w:docGrid")
        doc_grid.set(qn("w:type"), "lines")
        doc_grid.set(qn("w:linePitch"), "579")
    else:
        for old_grid in section._sectPr.findall(qn("w:docGrid")):
            section._sectPr.remove(old_grid)


def write_references(folder: Path) -> list[Path]:
    import io
    written = []
    for language, name in (("zh", "reference.docx"), ("en", "reference-en.docx")):
        buf = io.BytesIO()
        make_reference(language).save(buf)
        path = folder / name
        path.write_bytes(stable_zip(buf.getvalue()))
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write_references(Path(sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).resolve().parents[1] / "templates"))):
        print(p)
