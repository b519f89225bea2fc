"""OOXML pieces python-docx has no API for: numbering definitions, content controls,
fields, East Asian fonts, and a byte-stable zip."""
from __future__ import annotations

import copy
import functools
import io
import zipfile
from collections.abc import Sequence

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from plangen.outline.breaks import NO_BREAK_SPACE, WORD_JOINER, glue, glued, held, held_pieces
from plangen.outline.numbering import SCHEMES

TWIPS_PER_PT = 20


@functools.lru_cache(maxsize=256)
def _parsed(xml: str):
    return parse_xml(xml)


def element(xml: str):
    """A new element of `xml`, which is parsed once per process (lxml copies a parsed
    element in a fraction of the time python-docx's parser takes): for fixed pieces."""
    return copy.deepcopy(_parsed(xml))


def child(parent, tag: str):
    """parent's child element `tag` (e.g. "w:docGrid"), appended when missing."""
    found = parent.find(qn(tag))
    if found is None:
        found = element(f"<{tag} {nsdecls('w')}/>")
        parent.append(found)
    return found


def set_fonts(rpr_parent, latin: str | None = None, east_asia: str | None = None, hint: bool = True) -> None:
    """Set w:rFonts on a style or run (w:eastAsia included) and drop theme font attributes,
    which otherwise win over the names in Word and LibreOffice. hint: w:hint="eastAsia",
    Word's East Asian face for characters both scripts share (quotes, dashes, ellipses): right
    in a Chinese document, wrong in an English one (“2025–2030” in 宋体)."""
    rpr = rpr_parent.get_or_add_rPr() if hasattr(rpr_parent, "get_or_add_rPr") else rpr_parent.find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    if latin:
        fonts.set(qn("w:ascii"), latin)
        fonts.set(qn("w:hAnsi"), latin)
        fonts.set(qn("w:cs"), latin)
    if east_asia:
        fonts.set(qn("w:eastAsia"), east_asia)
        if hint:
            fonts.set(qn("w:hint"), "eastAsia")
        else:
            fonts.attrib.pop(qn("w:hint"), None)


def numbering_xml_levels(scheme: str, gap: str) -> str:
    """The w:lvl elements of a multi-level list that shows the outline's labels."""
    levels = []
    indent = 'w:left="0" w:firstLine="640" w:firstLineChars="200"' if gap == "" else 'w:left="0" w:firstLine="0"'
    for i, level in enumerate(SCHEMES[scheme]):
        levels.append(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{level.num_fmt}"/>'
            f'<w:lvlText w:val="{level.text}"/><w:lvlJc w:val="left"/>'
            f'<w:suff w:val="{"nothing" if gap == "" else "space"}"/>'
            f'<w:pPr><w:ind {indent}/></w:pPr></w:lvl>')
    return "".join(levels)


def add_list(document, scheme: str, gap: str) -> int:
    """Define the plan's multi-level list in numbering.xml; returns its w:numId."""
    numbering = document.part.numbering_part.element
    abstract_ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    num_ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    abstract_id = max(abstract_ids, default=-1) + 1
    num_id = max(num_ids, default=0) + 1
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="multilevel"/><w:name w:val="plangen-{scheme}"/>'
        f'{numbering_xml_levels(scheme, gap)}</w:abstractNum>')
    # abstractNum elements must precede every w:num
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'))
    return num_id


def set_numbering(paragraph, num_id: int, level: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.insert(1 if ppr.find(qn("w:pStyle")) is not None else 0, element(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level - 1}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def _with_spacing(rpr: str) -> str:
    """Run properties with 4 pt of spacing after each character (w:spacing, in twentieths)."""
    spacing = '<w:spacing w:val="80"/>'
    if not rpr:
        return f"<w:rPr>{spacing}</w:rPr>"
    at = rpr.find("<w:sz ")  # the schema's order: w:spacing before w:sz
    return rpr[:at] + spacing + rpr[at:] if at >= 0 else rpr.replace("</w:rPr>", spacing + "</w:rPr>")


def _lines(text: str, tag: str) -> str:
    """Escaped text for a w:t or w:delText; a newline is a line break (w:br) in the same run."""
    return f'</{tag}><w:br/><{tag} xml:space="preserve">'.join(_escape(line) for line in text.split("\n"))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def add_content_control(paragraph, sdt_id: int, tag: str, label: str, kind: str, blank: str,
                        full_date: str | None = None, picture: str = "yyyy年M月d日", lid: str = "zh-CN") -> None:
    """An inline plain-text (or date picker) content control showing an underlined blank.

    The blank is the control's content rather than a placeholder (w:showingPlcHdr):
    LibreOffice drops a placeholder's underline, and the blank must print. A date picker shows
    dates as ``picture`` (Word's letters) in language ``lid``."""
    filled = f' w:fullDate="{full_date}"' if full_date else ""
    control = (f'<w:date{filled}><w:dateFormat w:val="{_escape(picture)}"/><w:lid w:val="{_escape(lid)}"/>'
               '<w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/></w:date>'
               if kind == "date" else "<w:text/>")
    paragraph._p.append(parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtPr><w:rPr><w:u w:val="single"/></w:rPr>'
        f'<w:alias w:val="{_escape(label)}"/><w:tag w:val="{_escape(tag)}"/><w:id w:val="{sdt_id}"/>'
        f'{control}</w:sdtPr>'
        f'<w:sdtContent><w:r><w:rPr><w:u w:val="single"/></w:rPr>'
        f'<w:t xml:space="preserve">{_escape(blank)}</w:t></w:r></w:sdtContent></w:sdt>'))


def add_field(paragraph, instruction: str, shown: str) -> None:
    """A complex field (PAGE, NUMPAGES ...) that the word processor updates."""
    p = paragraph._p
    for xml in (f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>',
                f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>',
                f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
                f'<w:r {nsdecls("w")}><w:t>{_escape(shown)}</w:t></w:r>',
                f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'):
        p.append(parse_xml(xml))


APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           '<Application>plangen</Application><DocSecurity>0</DocSecurity></Properties>')


def clean_package(data: bytes) -> bytes:
    """No thumbnail (the template's is blank), and application properties that name
    plangen and leave page and word counts to the word processor."""
    import re
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            if name == "docProps/thumbnail.jpeg":
                continue
            body = src.read(name)
            if name == "_rels/.rels":
                body = re.sub(rb"<Relationship [^>]*docProps/thumbnail\.jpeg\"/>", b"", body)
            elif name == "docProps/app.xml":
                body = APP_XML.encode("utf-8")
            dst.writestr(name, body)
    return out.getvalue()


def stable_zip(data: bytes) -> bytes:
    """Rewrite a .docx with fixed timestamps and attributes, in python-docx's stable order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        names.sort(key=lambda n: (n != "[Content_Types].xml", n))
        for name in names:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            dst.writestr(info, src.read(name))
    return out.getvalue()


class Revisions:
    """Tracked changes with one author and date, numbered in order: w:ins / w:del for
    inserted and deleted words, paragraphs and rows; w:moveFrom / w:moveTo inside named
    move ranges for a moved item, so Word shows it as moved and accepting or rejecting the
    move keeps exactly one of its two places."""

    def __init__(self, author: str, date: str, marks: Sequence[object] = ()):
        self.author, self.date, self.next_id = author, f"{date}T00:00:00Z", 1
        self.left: dict[tuple[str, str], int] = {}  # paragraphs still to come in each move range
        for mark in marks:
            move = getattr(mark, "move", None)
            if move is not None:
                self.left[(move.name, move.side)] = self.left.get((move.name, move.side), 0) + 1
        self.ranges: dict[tuple[str, str], int] = {}  # open range -> its id

    def attrs(self) -> str:
        self.next_id += 1
        return f'w:id="{self.next_id}" w:author="{_escape(self.author)}" w:date="{self.date}"'

    def runs(self, paragraph, runs: list, rpr: str = "", wrap: tuple[str, str] = ("w:ins", "w:del"),
             gap: bool = False) -> None:
        """Append [op, text] runs: "=" plain, "+" inserted, "-" deleted. ``gap``: a struck
        value followed by its replacement (a table cell) ends in 4 pt of character spacing,
        so "64" and "93" never read as "6493" (no character is added: accept and reject
        give the cell's text exactly)."""
        for k, (op, text) in enumerate(runs):
            if not text:
                continue
            if op == "=":
                xml = f'<w:r {nsdecls("w")}>{rpr}<w:t xml:space="preserve">{_lines(text, "w:t")}</w:t></w:r>'
            elif op == "+":
                xml = (f'<{wrap[0]} {nsdecls("w")} {self.attrs()}><w:r>{rpr}<w:t xml:space="preserve">'
                       f'{_lines(text, "w:t")}</w:t></w:r></{wrap[0]}>')
            else:
                spaced = gap and k + 1 < len(runs) and runs[k + 1][0] == "+"
                parts = [(text[:-1], rpr), (text[-1], _with_spacing(rpr))] if spaced else [(text, rpr)]
                inner = "".join(f'<w:r>{r}<w:delText xml:space="preserve">{_lines(t, "w:delText")}</w:delText></w:r>'
                                for t, r in parts if t)
                xml = f'<{wrap[1]} {nsdecls("w")} {self.attrs()}>{inner}</{wrap[1]}>'
            paragraph._p.append(parse_xml(xml))

    def block(self, paragraph, mark, text: str) -> None:
        """A paragraph's words and mark: changed words, or all of it inserted, deleted or moved."""
        move = mark.move
        if move is None:
            self.runs(paragraph, mark.runs(text))
            if mark.change:
                self.mark_paragraph(paragraph, "w:ins" if mark.change == "ins" else "w:del")
            return
        tag = "w:moveFrom" if move.side == "from" else "w:moveTo"
        self._range(paragraph, move, "Start")
        self.runs(paragraph, mark.runs(text), wrap=(tag, tag))
        self.mark_paragraph(paragraph, tag)
        self._range(paragraph, move, "End")

    def _range(self, paragraph, move, end: str) -> None:
        key = (move.name, move.side)
        tag = f"w:{'moveFrom' if move.side == 'from' else 'moveTo'}Range{end}"
        if end == "Start" and key not in self.ranges:
            self.next_id += 1
            self.ranges[key] = self.next_id
            paragraph._p.append(parse_xml(f'<{tag} {nsdecls("w")} w:id="{self.next_id}" w:author="{_escape(self.author)}"'
                                          f' w:date="{self.date}" w:name="{_escape(move.name)}"/>'))
        elif end == "End":
            self.left[key] = self.left.get(key, 1) - 1
            if self.left[key] <= 0:
                paragraph._p.append(parse_xml(f'<{tag} {nsdecls("w")} w:id="{self.ranges[key]}"/>'))

    def mark_paragraph(self, paragraph, tag: str) -> None:
        """The paragraph mark itself inserted, deleted or moved, so accepting removes or keeps it."""
        ppr = paragraph._p.get_or_add_pPr()
        ppr.append(parse_xml(f'<w:rPr {nsdecls("w")}><{tag} {self.attrs()}/></w:rPr>'))

    def guard_tables(self, body) -> None:
        """LibreOffice (7.4) drops the tracked change of a paragraph mark that stands right
        before a table when it opens a .docx, so accepting (or rejecting) leaves that
        paragraph behind, empty but numbered. A guard paragraph fixes that: empty, unnumbered
        (numId 0), 1 pt high, its mark tracked, standing after deleted paragraphs and before
        inserted ones, where its mark is followed by a paragraph and survives. LibreOffice
        joins the removed paragraphs into it, so what remains of them is the invisible guard.
        Word keeps the guard in one view (an inserted guard after accepting, a deleted one
        after rejecting): invisible too. A mark both inserted and deleted would vanish in
        both views in Word, but LibreOffice then honours neither (measured)."""
        for table in body.iterchildren(qn("w:tbl")):
            last = table.getprevious()
            kind = _mark_change(last)
            if kind in ("w:del", "w:moveFrom"):
                last.addnext(self._guard("w:del"))
            elif kind in ("w:ins", "w:moveTo"):
                first = last
                while _mark_change(first.getprevious()) in ("w:ins", "w:moveTo"):
                    first = first.getprevious()
                first.addprevious(self._guard("w:ins"))

    def _guard(self, tag: str):
        return parse_xml(
            f'<w:p {nsdecls("w")}><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>'
            '<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
            f'<w:ind w:left="0" w:firstLine="0"/><w:rPr><{tag} {self.attrs()}/><w:sz w:val="2"/>'
            '<w:szCs w:val="2"/></w:rPr></w:pPr></w:p>')

    def mark_row(self, row, change: str) -> None:
        tag = "w:ins" if change == "ins" else "w:del"
        row._tr.get_or_add_trPr().append(parse_xml(f'<{tag} {nsdecls("w")} {self.attrs()}/>'))


def set_document_language(document, tag: str, east_asian: bool) -> None:
    """The document's language (styles.xml docDefaults), for Word's proofing and the date
    picker: the East Asian language of a Chinese document, the Latin one of an English
    document (a Chinese document's Latin language stays what its reference says)."""
    lang = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    if lang is not None:
        lang.set(qn("w:eastAsia") if east_asian else qn("w:val"), tag)


def document_language(document, east_asian: bool) -> str | None:
    """The language the document's default run properties set (styles.xml docDefaults): its
    East Asian language for a Chinese document, else its Latin one (None when unset)."""
    lang = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    if lang is None:
        return None
    return lang.get(qn("w:eastAsia") if east_asian else qn("w:val"))


def _mark_change(element) -> str | None:
    """"w:ins", "w:del", "w:moveFrom" or "w:moveTo" when element is a paragraph whose mark is tracked."""
    if element is None or element.tag != qn("w:p"):
        return None
    for tag in ("w:ins", "w:del", "w:moveFrom", "w:moveTo"):
        if element.find(f"{qn('w:pPr')}/{qn('w:rPr')}/{qn(tag)}") is not None:
            return tag
    return None


def add_glued(paragraph, text: str):
    """TEXT in PARAGRAPH, its tail held on one line (outline.breaks.glued): a joined CJK tail
    is a run whose East Asian language is en-US, since LibreOffice's Chinese line breaking
    ignores the word joiner (measured: 计⁠划 alone on a line stays split with zh-CN, whole with
    en-US; the glyphs, fonts and extracted text stay the same)."""
    head, end = glued(text)
    if head:
        paragraph.add_run(head)
    _joined_run(paragraph, end)
    return paragraph


def _joined_run(paragraph, text: str):
    """A run of TEXT; where it holds word joiners, its East Asian language is en-US, whose line
    breaking honours them (add_glued)."""
    run = paragraph.add_run(text)
    if WORD_JOINER in text:
        run._r.get_or_add_rPr().append(parse_xml(f'<w:lang {nsdecls("w")} w:eastAsia="en-US"/>'))
    return run


def add_kept(paragraph, text: str, part: str):
    """TEXT in PARAGRAPH with PART (the outline's choice: the cover's recipient) on one line: CJK
    between word joiners in a run whose East Asian language is en-US, spaces no-break."""
    at = text.find(part) if part else -1
    if at < 0:
        paragraph.add_run(text)
        return paragraph
    if at:
        paragraph.add_run(text[:at])
    kept = part.replace(" ", NO_BREAK_SPACE)  # (a Latin name too is joined letter by letter: the no-break spaces are not ASCII)
    _joined_run(paragraph, kept if kept.isascii() else WORD_JOINER.join(kept))
    if text[at + len(part):]:
        paragraph.add_run(text[at + len(part):])
    return paragraph


def add_held(paragraph, text: str, head: bool = False, last: bool = False) -> list:
    """TEXT in PARAGRAPH as runs, its dates (a HEAD's also short bracketed notes, a LAST text cell's
    CJK tail) held on one line (a table cell: outline.breaks.held_text); a run with word joiners has
    the East Asian language en-US (as add_glued). Codes are held by no_break_hyphens."""
    return [_joined_run(paragraph, glue(piece) if whole else piece) for piece, whole in held_pieces(text, head, last)]


def no_break_hyphens(body) -> None:
    """The hyphens and slashes inside a document number, model number or similar code
    (LIB-FAC-2028-01, DS-2CD3T46WDV3-I3, 0571-87654321, 2025-08-15: outline.breaks.CODE) held
    between word joiners (breaks.held), so LibreOffice never ends a line inside it; the PDF keeps
    codes whole with a no-break span. Deleted text too (a redline's struck number). Content
    controls (the cover's fields, which `plangen fill` and Word's date picker rewrite) keep plain text."""
    for t in list(body.iter(qn("w:t"), qn("w:delText"))):
        text = t.text or ""
        if ("-" in text or "/" in text) and not any(a.tag == qn("w:sdt") for a in t.iterancestors()):
            t.text = held(text)


def set_cell_margins(tbl, twips: int, above: int | None = None) -> None:
    """Every cell of TBL gets TWIPS of margin left and right, ABOVE (default TWIPS) above and
    below (tblCellMar, before tblLook)."""
    above = twips if above is None else above
    sides = {"top": above, "left": twips, "bottom": above, "right": twips}
    margins = parse_xml(f'<w:tblCellMar {nsdecls("w")}>' + "".join(
        f'<w:{side} w:w="{w}" w:type="dxa"/>' for side, w in sides.items()) + "</w:tblCellMar>")
    look = tbl.tblPr.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)
    else:
        tbl.tblPr.append(margins)
