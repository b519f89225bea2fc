"""Outline to .docx: styles and page setup from the theme's reference document, Word
multi-level numbering (so editing renumbers), content controls on the cover, a PAGE field
in the footer, target tables and the appendix. Output bytes are stable for equal input."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from plangen.render.docx.xml import (Revisions, add_content_control, add_field, add_list, change_runs, child,
                               set_numbering, stable_zip)
from plangen.errors import RenderError
from plangen.render import RenderOptions
from plangen.outline.outline import Heading, Outline, Table
from plangen.render.theme import Theme

TEXT_WIDTH_MM = 156  # A4 minus 28 mm and 26 mm margins
BLANK = "\u3000" * 12  # what an empty cover field shows, underlined
MAX_REFERENCE_BYTES = 20_000_000


class _StyledDocument:
    """The document plus a name -> style id table, looked up once (python-docx's own lookup
    walks every style on each assignment, which was most of the render time)."""

    def __init__(self, document, path, revisions: Revisions | None = None):
        self.document, self.path = document, path
        self.ids = {s.name: s.style_id for s in document.styles}
        self.rev = revisions
        table_style = next((s for s in document.styles if s.name == "Table Text"), None)
        size = table_style.font.size if table_style is not None else None
        self.table_pt = size.pt if size is not None else 12.0

    def words(self, text: str, style: str, change=None, segments=None):
        """A paragraph of plan words; in a redline, with its tracked changes."""
        if self.rev is None or (change is None and not segments):
            return self.add(text, style)
        p = self.add("", style)
        self.rev.runs(p, change_runs(text, change, segments))
        if change:
            self.rev.mark_paragraph(p, change)
        return p

    def style_id(self, name: str) -> str:
        try:
            return self.ids[name]
        except KeyError:
            raise RenderError(f"{self.path}: the reference document has no style '{name}'") from None

    def add(self, text: str = "", style: str = "Normal"):
        p = self.document.add_paragraph(text)
        p._p.style = self.style_id(style)
        return p

    def restyle(self, paragraph, style: str) -> None:
        paragraph._p.style = self.style_id(style)


def render_docx(outline: Outline, theme: Theme) -> bytes:
    reference = theme.reference_docx(outline.language)
    document = _open_reference(reference)
    red = outline.redline
    doc = _StyledDocument(document, reference, Revisions(red["author"], red["date"]) if red else None)
    body = document.element.body
    for element in list(body):  # the reference's own content goes; its page setup stays
        if element.tag != qn("w:sectPr"):
            body.remove(element)
    num_id = add_list(document, outline.scheme, outline.label_gap)
    _cover(doc, outline)
    _body_section(doc, outline)
    _title(doc, outline)
    after_table = False
    for block in outline.blocks:
        if isinstance(block, Table):
            _table(doc, block)
            after_table = True
            continue
        if isinstance(block, Heading):
            p = doc.words(block.title, f"Heading {block.level}", block.change, block.segments)
        else:
            p = doc.words(block.text, "Plan Item" if block.label else "Normal", block.change, block.segments)
        if block.label:
            set_numbering(p, num_id, block.level)
        if after_table and outline.language != "zh":  # Chinese text keeps to its line grid instead
            p.paragraph_format.space_before = Pt(6)
        after_table = False
    for table in outline.appendix:
        whole = set(table.row_changes) if table.row_changes else {None}
        doc.words(table.caption, "Appendix Caption", whole.pop() if len(whole) == 1 else None)
        _table(doc, table, caption=False)
    _properties(document, outline)
    buf = io.BytesIO()
    try:
        document.save(buf)
    except ValueError as exc:  # python-docx refuses XML-incompatible text
        raise RenderError(f"cannot write .docx: {exc}") from None
    return stable_zip(buf.getvalue())


def _open_reference(path):
    try:
        if path.stat().st_size > MAX_REFERENCE_BYTES:
            raise RenderError(f"{path}: reference document is larger than {MAX_REFERENCE_BYTES} bytes")
        return docx.Document(str(path))
    except RenderError:
        raise
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise RenderError(f"{path}: not a usable reference .docx ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # lxml errors in a corrupt part
        raise RenderError(f"{path}: not a usable reference .docx ({type(exc).__name__})") from None


def _cover(doc: _StyledDocument, outline: Outline) -> None:
    red = outline.redline or {}
    label = outline.cover.number_label
    number = red.get("number")
    doc.words(label + outline.number, "Cover Number", segments=[["=", label]] + number if number else None)
    doc.add(outline.cover.kind_line, "Cover Kind")
    title = doc.words(outline.title, "Cover Title", segments=red.get("title"))
    if outline.subtitle:
        title.add_run().add_break()
        title.add_run(outline.subtitle)
    if outline.cover.recipient_line:
        doc.add(outline.cover.recipient_line, "Cover Recipient")
    for i, field in enumerate(outline.cover.fields, 1):
        # The style underlines; the label opts out. LibreOffice draws a plain-text control
        # with the paragraph's formatting, so the blank prints underlined there too.
        p = doc.add("", "Cover Field")
        p.add_run(field.caption).font.underline = False
        # a pre-filled value sits in the control too, so it can be changed (or `plangen fill`ed)
        add_content_control(p, i, field.name, field.label, field.type, field.value or BLANK)
    if outline.tagline:
        doc.add(outline.tagline, "Cover Tagline")


def _body_section(doc: _StyledDocument, outline: Outline) -> None:
    """The cover is a section of its own without page number; the body counts from 1."""
    document = doc.document
    cover = document.sections[0]
    body = document.add_section(WD_SECTION.NEW_PAGE)
    cover.footer.is_linked_to_previous = False
    for p in cover.footer.paragraphs:
        for r in list(p.runs):
            r._r.getparent().remove(r._r)
    body.footer.is_linked_to_previous = False
    child(body._sectPr, "w:pgNumType").set(qn("w:start"), "1")
    paragraph = body.footer.paragraphs[0] if body.footer.paragraphs else body.footer.add_paragraph()
    doc.restyle(paragraph, "Footer")
    before, after = outline.page_number
    paragraph.add_run(before)
    add_field(paragraph, "PAGE", "1")
    paragraph.add_run(after)


def _title(doc: _StyledDocument, outline: Outline) -> None:
    title = doc.words(outline.title, "Title", segments=(outline.redline or {}).get("title"))
    if outline.subtitle:
        title.add_run().add_break()
        title.add_run(outline.subtitle)
    for i, text in enumerate(outline.preface):
        p = doc.add("", "Preface")
        if i == 0 and outline.preface_label:
            label = p.add_run(outline.preface_label)
            label.bold = True
        p.add_run(text)


def _table(doc: _StyledDocument, table: Table, caption: bool = True) -> None:
    if caption and table.caption:
        doc.add(table.caption, "Appendix Caption")
    t = doc.document.add_table(rows=1 + len(table.rows), cols=len(table.header))
    if "Table Grid" in doc.ids:
        t._tbl.tblPr.get_or_add_tblStyle().val = doc.ids["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    widths = _widths(table, doc.table_pt)
    for grid_col, w in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        grid_col.set(qn("w:w"), str(int(w.twips)))
    for row_index, values in enumerate([table.header] + table.rows):
        row = t.rows[row_index]
        if row_index == 0:  # repeat the header row on every page
            row._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
        change = table.row_change(row_index)
        if change and doc.rev:
            doc.rev.mark_row(row, change)
        for col, value in enumerate(values):
            cell = row.cells[col]
            cell.width = widths[col]
            p = cell.paragraphs[0]
            doc.restyle(p, "Table Heading" if row_index == 0 else "Table Number" if table.numeric[col] else "Table Text")
            bold = table.total_row and row_index == len(table.rows)
            segments = table.segments(row_index, col)
            if doc.rev and (change or segments):
                doc.rev.runs(p, change_runs(value, change, segments), "<w:rPr><w:b/></w:rPr>" if bold else "")
            else:
                run = p.add_run(value)
                run.bold = bold or None
                run.font.strike = table.is_dropped(row_index) or None  # a dropped target


def _widths(table: Table, size_pt: float) -> list:
    """Column widths that fill the text block: each column gets room for its widest cell
    (headers may wrap onto two lines; long text wraps past 22 characters), then all are
    scaled to the block. A CJK character is 1 em wide, other characters about 0.62 em."""
    def points(text: str, bold: bool = False) -> float:
        em = sum(1.0 if ord(ch) > 0x2E80 else 0.62 for ch in text)
        return em * size_pt * (1.08 if bold else 1.0)
    cap = 22 * size_pt
    natural = []
    for col in range(len(table.header)):
        cells = [points(row[col], table.total_row and k == len(table.rows) - 1) for k, row in enumerate(table.rows)]
        words = table.header[col].split()  # a header wraps: CJK anywhere, other text between words
        header = max([points(table.header[col], True) / 2] + [points(w, True) for w in words if w.isascii()])
        natural.append(min(max(cells + [header, 2.5 * size_pt]), cap) + 12)  # + cell margins
    block = TEXT_WIDTH_MM * 72 / 25.4
    if sum(natural) > block:  # too wide: short columns keep their room, long text wraps
        short = [w <= 7 * size_pt + 12 for w in natural]
        room = block - sum(w for w, s in zip(natural, short) if s)
        flexible = sum(w for w, s in zip(natural, short) if not s)
        if room > 0 and flexible:
            natural = [w if s else w * room / flexible for w, s in zip(natural, short)]
    return [Mm(TEXT_WIDTH_MM * w / sum(natural)) for w in natural]


def _properties(document, outline: Outline) -> None:
    props = document.core_properties
    props.title = outline.full_title
    props.author = outline.organization
    props.subject = f"{outline.number} {outline.kind_label}"
    props.keywords = ", ".join(outline.keywords)
    props.last_modified_by = "plangen"
    props.revision = 1
    props.comments = ""
    stamp = dt.datetime.fromisoformat(outline.date) if outline.date else dt.datetime(outline.year, 1, 1)
    props.created = props.modified = stamp
    props.last_printed = stamp


def render(outline: Outline, theme: Theme, options: RenderOptions) -> bytes:
    """The registry's entry point (plangen.render)."""
    return render_docx(outline, theme)
