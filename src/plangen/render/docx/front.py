"""The .docx's front matter: the cover (number, kind, title, fill-in fields, tagline) and the
body's title with the preface; in a redline, each with its tracked changes."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from docx.shared import Mm

from plangen.outline.changes import DELETED, INSERTED, BlockMark
from plangen.outline.outline import Outline
from plangen.render.docx.coverfit import apply_fit
from plangen.render.docx.xml import add_content_control, add_kept, document_language

if TYPE_CHECKING:
    from plangen.render.docx.render import _StyledDocument

BLANKS = {"zh": "\u3000" * 12, "en": "\u00a0" * 30}  # what an empty cover field shows, underlined
DATE_LANGUAGE = {"zh": "zh-CN", "en": "en-US"}  # a date picker's language when the reference document sets none
CAPTION_TAB_MM = {"zh": 58, "en": 76}  # where the cover's blanks start (the style indents 38 mm)


def cover(doc: _StyledDocument, outline: Outline) -> None:
    """The cover: number, kind, title and subtitle, fill-in fields, tagline; in a redline each
    with its changes (the number a code, struck and replaced whole)."""
    red = outline.redline
    label = outline.cover.number_label
    number = red.number if red else None
    if number and doc.rev:  # the old number struck, a gap, the new one (as a table's changed number)
        doc.rev.runs(doc.add("", "Cover Number"), [["=", label]] + number, gap=True)
    else:
        doc.add(label + outline.number, "Cover Number")
    kind_runs = red.kind_line if red else None
    kind = doc.words(outline.cover.kind_line, "Cover Kind", BlockMark(words=kind_runs) if kind_runs else None)
    title = doc.words(outline.title, "Cover Title", _title_mark(outline), glue=True)
    _subtitle(doc, title, outline)
    recipient = add_kept(doc.add("", "Cover Recipient"), outline.cover.recipient_line, outline.cover.recipient_held) \
        if outline.cover.recipient_line else None
    fields = [_cover_field(doc, outline, i, field) for i, field in enumerate(outline.cover.fields, 1)]
    tagline = _tagline(doc, outline)
    apply_fit(outline.cover.fit, kind, title, recipient, fields, tagline)


def _whole(runs: list) -> Optional[str]:
    """INSERTED or DELETED when runs are one line added or removed whole."""
    return {"+": INSERTED, "-": DELETED}.get(runs[0][0]) if len(runs) == 1 else None


def _subtitle(doc: _StyledDocument, title, outline: Outline) -> None:
    """The subtitle on the title's next line; in a redline its change, the line break inserted
    or deleted with a subtitle added or removed whole."""
    runs = outline.redline.subtitle if outline.redline and doc.rev else None
    if runs and doc.rev:
        doc.rev.runs(title, [[runs[0][0], "\n" + runs[0][1]]] if _whole(runs) else [["=", "\n"]] + runs)
    elif outline.subtitle:
        title.add_run().add_break()
        title.add_run(outline.subtitle)


def _tagline(doc: _StyledDocument, outline: Outline):
    runs = outline.redline.tagline if outline.redline and doc.rev else None
    if runs:
        change = _whole(runs)
        return doc.words(runs[0][1] if change else outline.tagline or "", "Cover Tagline",
                         BlockMark(change=change) if change else BlockMark(words=runs))
    return doc.add(outline.tagline, "Cover Tagline") if outline.tagline else None


def _cover_field(doc: _StyledDocument, outline: Outline, i: int, field):
    # The style underlines; the label opts out. LibreOffice draws a plain-text control
    # with the paragraph's formatting, so the blank prints underlined there too.
    p = doc.add("", "Cover Field")
    p.add_run(field.caption + "\t").font.underline = False  # every blank starts at the tab stop
    p.paragraph_format.tab_stops.add_tab_stop(Mm(CAPTION_TAB_MM.get(outline.language, 76)))
    # a pre-filled value is the control's content, so it stays editable (a date keeps its picker)
    shown = field.value or BLANKS.get(outline.language, BLANKS["en"])
    lid = document_language(doc.document, outline.language == "zh") or DATE_LANGUAGE.get(outline.language, "en-US")
    add_content_control(p, i, field.name, field.label, field.type, shown, full_date=_full_date(field.iso_date),
                        picture=field.date_picture, lid=lid)
    return p


def _full_date(iso_date: str | None) -> str | None:
    return iso_date + "T00:00:00Z" if iso_date else None


def _title_mark(outline: Outline) -> Optional[BlockMark]:
    red = outline.redline
    return BlockMark(words=red.title) if red and red.title else None


def title(doc: _StyledDocument, outline: Outline) -> None:
    """The body's title and subtitle, then the preface (in a redline, OLD's paragraphs woven in)."""
    heading = doc.words(outline.title, "Title", _title_mark(outline), glue=True)
    _subtitle(doc, heading, outline)
    red = outline.redline
    woven = red.preface if red and doc.rev and red.preface else [(text, None) for text in outline.preface]
    for i, (text, mark) in enumerate(woven):
        p = doc.add("", "Preface")
        if i == 0 and outline.preface_label:
            label = p.add_run(outline.preface_label)
            label.bold = True
        if mark is not None and doc.rev:
            doc.rev.block(p, mark, text)  # changed words, or a paragraph added or removed
        else:
            p.add_run(text)
