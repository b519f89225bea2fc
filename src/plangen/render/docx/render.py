"""Outline to .docx: styles and page setup from the theme's reference document, Word
multi-level numbering (so editing renumbers), content controls on the cover, a PAGE field
in the footer, target tables and the appendix. Output bytes are stable for equal input."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from typing import Optional

import docx
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Pt, Twips
from docx.table import _Cell

from plangen.errors import RenderError
from plangen.outline.breaks import WORD_JOINER, glued_runs, held_text
from plangen.outline.changes import DELETED, INSERTED, BlockMark, TableMark
from plangen.outline.outline import Heading, Outline, Table
from plangen.render import RenderOptions
from plangen.render.docx.front import cover, title
from plangen.render.docx.reference import clean_reference
from plangen.render.docx.widths import column_edges, column_widths, type_size
from plangen.render.docx.xml import (
    Revisions,
    add_field,
    add_glued,
    add_held,
    add_list,
    child,
    clean_package,
    element,
    no_break_hyphens,
    set_cell_margins,
    set_document_language,
    set_numbering,
    stable_zip,
)
from plangen.render.theme import Theme, reference_name

KEEP_LINES = 16  # a longer paragraph is not kept with its table: LibreOffice would move it whole, leaving a page half empty
CHARS_PER_LINE = {"zh": 27, "en": 90}
MAX_REFERENCE_BYTES = 20_000_000
SPAN_FILL = "F2F2F2"  # a row across the table (a target's name in a report): plan.css's tr.span td
SIZED_MARGIN = 57  # twips: 1 mm, every table's cell margins left and right (plan.css: table.targets)


class _StyledDocument:
    """The document plus a name -> style id table, looked up once (python-docx's own lookup
    walks every style on each assignment, which was most of the render time)."""

    def __init__(self, document, path, revisions: Revisions | None = None):
        self.document, self.path = document, path
        self.ids = {s.name: s.style_id for s in document.styles}
        self.rev = revisions

    def words(self, text: str, style: str, mark: Optional[BlockMark] = None, glue: bool = False):
        """A paragraph of plan words; in a redline, with its tracked changes. GLUE: a title's
        or heading's tail held on one line (breaks.glued)."""
        if self.rev is None or mark is None:
            return add_glued(self.add("", style), text) if glue else self.add(text, style)
        p = self.add("", style)
        self.rev.block(p, dataclasses.replace(mark, words=glued_runs(mark.runs(text))) if glue else mark, text)
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
    name = reference_name(outline.language)
    reference = theme.path(name)
    document = _open_reference(theme, name)
    set_document_language(document, outline.lang_tag, outline.language == "zh")
    red = outline.redline
    doc = _StyledDocument(document, reference, Revisions(red.author, red.date, red.blocks) if red else None)
    body = document.element.body
    for part in list(body):  # the reference's own content goes; its page setup stays
        if part.tag != qn("w:sectPr"):
            body.remove(part)
    cover(doc, outline)
    _body_section(doc, outline)
    title(doc, outline)
    _blocks(doc, outline, add_list(document, outline.scheme, outline.label_gap))
    _appendix(doc, outline)
    for fig in outline.figures:
        _figure(doc, fig, theme, outline.language)
    if doc.rev:
        doc.rev.guard_tables(body)
    no_break_hyphens(body)
    _properties(document, outline)
    buf = io.BytesIO()
    try:
        document.save(buf)
    except ValueError as exc:  # python-docx refuses XML-incompatible text
        raise RenderError(f"cannot write .docx: {exc}") from None
    return stable_zip(clean_package(buf.getvalue()))


def _blocks(doc: _StyledDocument, outline: Outline, num_id: int) -> None:
    red = outline.redline
    marks = red.blocks if red and doc.rev else []
    after_table = False
    for k, replacement in _pairs(outline.blocks, marks):
        block = outline.blocks[k]
        mark = red.block(k) if red else None
        if replacement is not None:
            _replacement(doc, block, outline.blocks[replacement])  # type: ignore[arg-type]
            after_table = True
            continue
        if isinstance(block, Table):
            _table(doc, block, mark)
            after_table = not (isinstance(mark, TableMark) and mark.change == DELETED)
            continue
        words = block.title if isinstance(block, Heading) else block.text
        style = f"Heading {block.level}" if isinstance(block, Heading) else "Plan Item" if block.label else "Normal"
        p = doc.words(words, style, mark if isinstance(mark, BlockMark) else None, glue=isinstance(block, Heading))
        if block.label and block.level:
            set_numbering(p, num_id, block.level)
        if block.keep_next and (isinstance(block, Heading) or _lines(block.text, outline.language) <= KEEP_LINES):
            # the paragraph introducing a table stays on the table's page; LibreOffice cannot
            # split a longer one kept with a table and leaves a page half empty instead
            p.paragraph_format.keep_with_next = True
        if after_table and outline.language != "zh":  # Chinese text keeps to its line grid instead
            p.paragraph_format.space_before = Pt(6)
        after_table = after_table and isinstance(mark, BlockMark) and mark.change == DELETED


def _appendix(doc: _StyledDocument, outline: Outline) -> None:
    red = outline.redline
    marks = red.appendix if red and doc.rev else []
    for k, replacement in _pairs(outline.appendix, marks):
        table, mark = outline.appendix[k], (red.table(k) if red else None)
        if replacement is not None:
            new = outline.appendix[replacement]
            words = BlockMark(words=[["-", table.caption or ""], ["+", new.caption or ""]])
            _caption(doc, new, words if table.caption != new.caption else None, continued=k > 0)
            _replacement(doc, table, new)
            continue
        whole = mark.change if isinstance(mark, TableMark) else None
        _caption(doc, table, BlockMark(change=whole) if whole else None, continued=k > 0)
        _table(doc, table, mark, caption=False)


def _caption(doc: _StyledDocument, table: Table, mark: Optional[BlockMark], continued: bool) -> None:
    """An appendix table's caption: the first one is in the navigation pane and bookmarks;
    continued tables follow on the same page when there is room."""
    caption = doc.words(table.caption or "", "Appendix Caption", mark)
    if continued:
        caption.paragraph_format.page_break_before = False
    if table.bookmark:
        _outline_level(caption, 0)


def _open_reference(theme: Theme, name: str):
    path = theme.path(name)
    clean = clean_reference(theme, name)  # capped, only the parts the output needs
    try:
        return docx.Document(clean)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise RenderError(f"{path}: not a usable reference .docx ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # lxml errors in a corrupt part
        raise RenderError(f"{path}: not a usable reference .docx ({type(exc).__name__})") from None


def _outline_level(paragraph, level: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    mark = ppr.find(qn("w:rPr"))
    level_element = element(f'<w:outlineLvl {nsdecls("w")} w:val="{level}"/>')
    if mark is not None:
        mark.addprevious(level_element)
    else:
        ppr.append(level_element)


def _lines(text: str, language: str) -> float:
    """About how many lines a body paragraph takes."""
    return len(text) / CHARS_PER_LINE.get(language, 90)


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


def _table(doc: _StyledDocument, table: Table, mark=None, caption: bool = True) -> None:
    mark = mark if isinstance(mark, TableMark) and doc.rev else None
    if caption and table.caption:
        doc.words(table.caption, "Appendix Caption", BlockMark(change=mark.change) if mark and mark.change else None)
    widths = column_widths(mark.accepted if mark and mark.accepted else table)  # accepting keeps them
    t = _grid(doc, 1 + len(table.rows), widths, pad=table.pad)
    for row_index, values in enumerate([table.header] + table.rows):
        if table.is_span(row_index):  # one cell across the table (a target's name over its rows)
            cell = t.rows[row_index].cells[0].merge(t.rows[row_index].cells[-1])
            cell._tc.get_or_add_tcPr().append(element(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{SPAN_FILL}"/>'))
            _fill(doc, t.rows[row_index], table, row_index, values[:1], [Emu(sum(widths))], mark)
            continue
        _fill(doc, t.rows[row_index], table, row_index, values, widths, mark)


def _replacement(doc: _StyledDocument, old: Table, new: Table) -> None:
    """A table whose columns changed: OLD's rows deleted and NEW's inserted, in one Word
    table (two tables in a row run together). The grid has every column edge of both; each
    row's cells span the grid columns of their own table's widths, so accepting every change
    gives NEW's table with NEW's widths, and rejecting gives OLD's with OLD's. Why it is
    replaced (状态栏已删除 …) is said in the PDF and HTML only: a paragraph would stay after
    accepting or rejecting, and a comment (which would not) makes LibreOffice 7.4 abort when
    it opens the document hidden, as our accept/reject tests do (measured)."""
    own = {id(old): column_edges(column_widths(old)), id(new): column_edges(column_widths(new))}
    edges = sorted(set(own[id(old)]) | set(own[id(new)]))
    rows = [(old, k, DELETED) for k in range(1 + len(old.rows))] + [(new, k, INSERTED) for k in range(1 + len(new.rows))]
    t = _grid(doc, len(rows), [Twips(b - a) for a, b in zip([0] + edges, edges)], pad=new.pad)
    for row, (table, k, change) in zip(t.rows, rows):
        mine = own[id(table)]
        for a, b in reversed(list(zip([0] + mine, mine))):  # merge from the right: indexes stay put
            first, last = edges.index(b) - len([e for e in edges if a < e < b]), edges.index(b)
            if last > first:
                row.cells[first].merge(row.cells[last])
        values = ([table.header] + table.rows)[k]
        widths = [Twips(b - a) for a, b in zip([0] + mine, mine)]
        _fill(doc, row, table, k, values, widths, TableMark(change=change))


def _grid(doc: _StyledDocument, rows: int, widths: list, pad: Optional[float] = None):
    """A table of the outline's column widths, 1 mm cell margins left and right, and PAD pt (when
    the outline decides it; else 1 mm) above and below, as in the PDF (Word's default has none
    above and below: its rows came out 2 mm shorter)."""
    t = doc.document.add_table(rows=rows, cols=len(widths))
    if "Table Grid" in doc.ids:
        t._tbl.tblPr.get_or_add_tblStyle().val = doc.ids["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    for grid_col, w in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        grid_col.set(qn("w:w"), str(int(w.twips)))
    set_cell_margins(t._tbl, SIZED_MARGIN, None if pad is None else round(pad * 20))
    return t


def _fill(doc: _StyledDocument, row, table: Table, row_index: int, values: list[str], widths: list,
          mark: Optional[TableMark]) -> None:
    """One row's cells: styles, bold totals, and in a redline the row's and cells' changes."""
    # a row never breaks across pages; the header row repeats on every page
    row._tr.get_or_add_trPr().append(element(f"<w:cantSplit {nsdecls('w')}/>"))
    if row_index == 0:
        row._tr.get_or_add_trPr().append(element(f"<w:tblHeader {nsdecls('w')}/>"))
    change = mark.row(row_index) if mark else None
    if change and doc.rev:
        doc.rev.mark_row(row, change)
    cells = [_Cell(tc, row.table) for tc in row._tr.tc_lst]  # one a cell, spanned or not
    size = type_size(table)
    keep = table.kept_with_next(row_index)
    for col, value in enumerate(values):
        cell = cells[col]
        cell.width = widths[col]
        p = cell.paragraphs[0]
        doc.restyle(p, "Table Heading" if row_index == 0 else "Table Number" if table.numeric[col] else "Table Text")
        if keep:
            p.paragraph_format.keep_with_next = True
        if table.line:  # the line pitch the outline decided (the appendix), exactly as the PDF's
            p.paragraph_format.line_spacing = Pt(table.line)
        if table.is_whole(col) and (row_index or table.role != "summary"):  # numbers never wrap (appendix headers may)
            cell._tc.get_or_add_tcPr().append(element(f"<w:noWrap {nsdecls('w')}/>"))
        bold = table.is_total(row_index) or table.is_span(row_index)
        runs = mark.cell(row_index, col) if mark else None
        if doc.rev and (change or runs):
            runs = _held_runs(runs or BlockMark(change=change).runs(value), table, row_index, col)
            lang = '<w:lang w:eastAsia="en-US"/>' if any(WORD_JOINER in text for _, text in runs) else ""
            half_points = f'<w:sz w:val="{round(size * 2)}"/>'
            doc.rev.runs(p, runs, f"<w:rPr>{'<w:b/>' if bold else ''}{half_points}{lang}</w:rPr>", gap=True)
        else:
            for run in add_held(p, value, row_index == 0, table.tail_held(row_index, col)) if table.hold \
                    else [p.add_run(value)]:
                run.bold = bold or None
                run.font.size = Pt(size)
                run.font.strike = table.is_dropped(row_index) or None  # a dropped target


def _held_runs(runs: list, table: Table, row_index: int, col: int) -> list:
    """A tracked cell's runs with what the table holds glued as the plain document glues the whole
    cell (breaks.held_text of NEW's text for kept and inserted runs, of OLD's for deleted ones): a
    joiner or no-break space goes where it stands in that whole text, so accepting every change
    gives NEW's cell exactly, and rejecting gives OLD's (where the kept text is held alike in both)."""
    if not table.hold:
        return runs
    head, last = row_index == 0, table.tail_held(row_index, col)
    new = _glue_map("".join(t for op, t in runs if op != "-"), head, last)
    old = _glue_map("".join(t for op, t in runs if op != "+"), head, last)
    out, at_new, at_old = [], 0, 0
    for op, text in runs:
        glued = []
        for ch in text:
            if op == "-":
                glued.append(old.get(at_old, ch))
            else:
                glued.append(new.get(at_new, ch))
            at_new += op != "-"
            at_old += op != "+"
        out.append([op, "".join(glued)])
    return out


def _glue_map(text: str, head: bool, last: bool) -> dict[int, str]:
    """Per character of TEXT that held_text changes, what it becomes: a no-break space for a
    space, the character and the word joiner after it where one follows."""
    glued, at = held_text(text, head, last), -1
    out: dict[int, str] = {}
    for ch in glued:
        if ch == WORD_JOINER and at >= 0:
            out[at] = out.get(at, text[at]) + WORD_JOINER
        elif ch != WORD_JOINER:
            at += 1
            if ch != text[at]:
                out[at] = ch
    return out


def _pairs(tables: list, marks: list) -> Iterator[tuple[int, Optional[int]]]:
    """Indexes of the blocks to draw; (k, k + 1) where a deleted table is replaced by the next."""
    k = 0
    while k < len(tables):
        if _replaced(tables, marks, k):
            yield k, k + 1
            k += 2
        else:
            yield k, None
            k += 1


def _replaced(blocks: list, marks: list, k: int) -> bool:
    def change(i: int) -> Optional[str]:
        mark = marks[i] if i < len(marks) else None
        return mark.change if isinstance(mark, TableMark) and isinstance(blocks[i], Table) else None
    return k + 1 < len(blocks) and change(k) == DELETED and change(k + 1) == INSERTED


def _figure(doc: _StyledDocument, fig, theme: Theme, language: str) -> None:
    """A chart as a picture the width it has in the PDF, under its caption."""
    from plangen.render.docx.figure import png
    doc.add(fig.caption, "Appendix Caption")
    p = doc.add("", "Normal")
    p.paragraph_format.first_line_indent = 0
    p.add_run().add_picture(io.BytesIO(png(fig, theme, language)), width=Pt(fig.width))
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _properties(document, outline: Outline) -> None:
    props = document.core_properties
    # `check` keeps plan text within 255 characters a property; wording from a template
    # folder (the default kind) is clipped rather than failing the render
    props.title = outline.full_title[:255]
    props.author = outline.organization[:255]
    props.subject = f"{outline.number} {outline.kind_label}"[:255]
    props.keywords = ", ".join(outline.keywords)[:255]
    props.last_modified_by = "plangen"
    props.revision = 1
    props.comments = ""
    stamp = dt.datetime.fromisoformat(outline.date) if outline.date else dt.datetime(outline.year, 1, 1)
    props.created = props.modified = stamp
    props.last_printed = stamp


def render(outline: Outline, theme: Theme, options: RenderOptions) -> bytes:
    """The registry's entry point (plangen.render)."""
    return render_docx(outline, theme)
