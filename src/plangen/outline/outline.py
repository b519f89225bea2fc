"""The format-neutral document: cover, numbered blocks, target tables and the appendix.

Computed once per plan (and per unit, for a school's own document); every renderer draws
from it, so the .docx, the HTML and the PDF show the same labels and the same words.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Optional, Union

from plangen.outline import columns
from plangen.outline.changes import Redline
from plangen.outline.coverfit import cover_fit
from plangen.outline.numbering import Counter
from plangen.outline.targets import matrix, money_written, target_units
from plangen.outline.wording import Wording
from plangen.source.model import Item, Plan
from plangen.source.walk import is_within

DEFAULT_FIELD_KEYS = ("department", "name", "date")  # form field names of the wording's default lines
APPENDIX_MAX_COLUMNS = 5  # the progress report's matrix: target columns per table (the appendix measures, see columns)


@dataclass
class CoverField:
    label: str
    value: Optional[str]
    type: str
    name: str  # form field name: department/name/date for the default lines, else a slug of the label
    caption: str = ""  # what is printed before the blank: the label and a colon
    date_picture: str = ""  # a date line's format in the .docx's date picker (Word's letters: d MMM yyyy)
    date_pdf: str = ""  # the same format for the PDF field's AFDate_FormatEx (d mmm yyyy)
    iso_date: Optional[str] = None  # a pre-filled date's YYYY-MM-DD (value is it as printed: 1 Mar 2021)


@dataclass
class Cover:
    """Every line of the cover, worded: renderers only lay them out."""

    number_label: str  # 编号：
    kind_line: str  # （工作计划）
    recipient_line: Optional[str]  # 分送：黄竹林小学, on a unit's own document
    fields: list[CoverField]
    fit: int = 0  # how tightly it is set to stay on one page: 0 (house look) to 3 (outline.coverfit)
    recipient_held: str = ""  # the part of recipient_line kept on one line: （本件送城东天然气储配站（B2号站））


@dataclass
class Heading:
    level: int
    label: str
    title: str
    anchor: str
    item_id: Optional[str]
    loc: tuple = ()  # the item's place in the plan, e.g. ("sections", 1, "items", 0)
    keep_next: bool = False  # on the same page as the block after it (always, for a heading)
    kind: str = "heading"


@dataclass
class Para:
    text: str
    label: Optional[str] = None  # set on a text-only item's numbered paragraph
    level: Optional[int] = None
    anchor: Optional[str] = None
    item_id: Optional[str] = None
    loc: tuple = ()
    role: str = ""  # "after": printed after the item's children
    keep_next: bool = False  # introduces a table: on the same page as the table's start
    kind: str = "para"


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    numeric: list[bool]  # per column: right-aligned numbers
    caption: Optional[str] = None
    total_row: bool = False  # the last row holds totals
    role: str = "targets"  # "targets" (an item's) or "summary" (the appendix)
    columns: list = field(default_factory=list)  # per column, what it holds: what, each, for, deadline ...
    bookmark: Optional[str] = None  # the appendix's first table: its entry in the PDF's bookmarks
    loc: tuple = ()  # the item a target table belongs to
    kind: str = "table"
    dropped: list = field(default_factory=list)  # per body row: True for a dropped target (struck through)
    widths: list = field(default_factory=list)  # per column, its whole width in pt (cell padding included), when
    # the outline decides them (target tables with deadline/owner/status): both formats draw them as given
    size: Optional[float] = None  # the type size in pt the widths are measured for
    line: Optional[float] = None  # the line pitch of its cells in pt, when the outline decides it (the appendix)
    pad: Optional[float] = None  # its cells' padding above and below in pt, when the outline decides it
    totals: list = field(default_factory=list)  # per body row: True for a total row inside the table (a report's
    # per-target total); bold like the last row of a total_row table, and kept with the row before it
    short: dict = field(default_factory=dict)  # body row (0-based) -> the short form of its 对象 cell (forcell.who),
    # taken where the names would take more than forcell.MAX_FOR_LINES lines at the width decided
    hold: bool = False  # its cells' codes, dates and short bracketed notes (breaks.held_pieces) stay on one line:
    # the widths the outline decided give each its room (not where even the smallest size could not)
    spans: list = field(default_factory=list)  # per body row: True for a row whose first cell spans every column
    # (a target's name over its rows in a report's tables); its other cells are empty
    keeps: list = field(default_factory=list)  # per body row: True when it stays on the page of the next row
    # (a target's rows in a report's tables), besides the rules every table has (kept_with_next)

    def tail_held(self, row: int, col: int) -> bool:
        """Whether cell (ROW, COL)'s CJK tail stays on one line (breaks.held_pieces last): a body
        text cell, so no name or item leaves one character alone on its last line (…有限公 / 司)."""
        return self.hold and row > 0 and not self.numeric[col]

    def is_dropped(self, row: int) -> bool:
        """Whether body row ``row`` (1-based, the header is 0) is a dropped target."""
        return 0 < row <= len(self.dropped) and bool(self.dropped[row - 1])

    def is_total(self, row: int) -> bool:
        """Whether body row ``row`` (1-based) holds totals: bold, and never alone at a page's top."""
        return 0 < row <= len(self.rows) and (self.total_row and row == len(self.rows)
                                               or row <= len(self.totals) and bool(self.totals[row - 1]))

    def is_span(self, row: int) -> bool:
        """Whether body row ``row`` (1-based) is one cell across the table (a target's name)."""
        return 0 < row <= len(self.spans) and bool(self.spans[row - 1])

    def is_whole(self, col: int) -> bool:
        """Whether column ``col``'s body cells never wrap (break only at a newline the outline put
        in): numbers, and a report's status words (进行中, not started)."""
        return self.numeric[col] or col < len(self.columns) and self.columns[col] in ("status", "deadline") and self.role == "progress"

    def kept_with_next(self, row: int) -> bool:
        """Whether row ``row`` (0 is the header) stays on the page of the next row, in every format:
        the header with the first row, the first row with the second (a heading or caption, kept
        with the table, has two rows under it), the row before a total row (never alone on a page),
        and the rows the outline keeps (keeps: a target's rows in a report)."""
        return row < len(self.rows) and (row <= 1 or self.is_total(row + 1) or self.is_kept(row))

    def is_kept(self, row: int) -> bool:
        """Whether body row ``row`` (1-based) is one the outline keeps with the next (Table.keeps)."""
        return 0 < row <= len(self.keeps) and bool(self.keeps[row - 1])


Block = Union[Heading, Para, Table]


@dataclass
class Outline:
    language: str
    scheme: str
    number: str
    kind_label: str
    title: str
    subtitle: Optional[str]
    organization: str
    year: int
    tagline: Optional[str]
    cover: Cover
    preface: list[str]
    preface_label: Optional[str]  # 导语： before the first preface paragraph, or none
    blocks: list[Block]
    appendix: list[Table]
    label_gap: str  # between a label and its text
    page_number: tuple[str, str]  # the text before and after the page number
    recipient: Optional[str] = None  # the unit a per-unit document is for
    unit_id: Optional[str] = None
    date: Optional[str] = None
    keywords: list[str] = field(default_factory=list)
    figures: list = field(default_factory=list)  # charts after the appendix (outline.chart.Figure)
    role: str = "plan"  # "report": a progress report (outline.report), with its own stylesheet
    redline: Optional[Redline] = None  # a redline's change records (plangen.outline.changes); None in a plan

    subtitle_separator: str = " — "  # between title and subtitle where they share a line (wording)
    locale: Optional[str] = None  # document.locale, when the plan gives one

    @property
    def lang_tag(self) -> str:
        """The documents' language tag: the HTML's lang (and so the PDF's /Lang) and Word's
        proofing language. document.locale, else zh-CN or en-US."""
        return self.locale or ("zh-CN" if self.language == "zh" else "en-US")

    @property
    def full_title(self) -> str:
        """Title and subtitle on one line: the documents' metadata title and the redline's
        summary. Joined by the wording's separator (" — ", "——"), except that a subtitle which
        opens with a bracket follows directly ("…计划（新编版）", "… Plan (draft)")."""
        if not self.subtitle:
            return self.title
        if self.subtitle[0] in "（〔【《":
            return self.title + self.subtitle
        return self.title + (" " if self.subtitle[0] in "([" else self.subtitle_separator) + self.subtitle

    def labels(self) -> list[str]:
        """Every numbering label, in document order."""
        return [b.label for b in self.blocks if not isinstance(b, Table) and b.label]


def build_outline(plan: Plan, wording: Wording, unit: Optional[str] = None) -> Outline:
    doc = plan.document
    w = wording
    scheme = doc.numbering or ("en" if doc.language == "en" else "seed")
    kind = doc.kind or w.kind
    recipient = plan.unit_names().get(unit) if unit else None
    cover = Cover(number_label=w.number_label + w.colon, kind_line=w.format("kind_format", kind=kind),
                  recipient_line=_recipient_line(plan, w, recipient), fields=_cover_fields(plan, w))
    cover.recipient_held = held_part(cover.recipient_line or "", recipient or "", doc.language)
    cover.fit = cover_fit([doc.title, doc.subtitle or ""], cover, doc.tagline)
    return Outline(
        language=doc.language, scheme=scheme, number=doc.number, kind_label=kind,
        title=doc.title, subtitle=doc.subtitle, organization=doc.organization, year=doc.year,
        tagline=doc.tagline, cover=cover, preface=list(doc.preface or []),
        preface_label=w.preface_label + w.colon if w.preface_label else None,
        blocks=_Builder(plan, w, unit, Counter(scheme)).build(),
        appendix=columns.appendix(matrix(plan, unit), w, unit_noun(plan, w), doc.language),
        label_gap=w.label_gap, page_number=w.split("page_number", "page"),
        recipient=recipient, unit_id=unit, date=doc.date.isoformat() if doc.date else None,
        keywords=[doc.organization, str(doc.year), kind], subtitle_separator=w.subtitle_separator, locale=doc.locale,
    )


def held_part(line: str, name: str, language: str) -> str:
    """The part of the cover's recipient LINE that stays on one line: the unit's NAME with the
    bracket around it (（本件送城东天然气储配站（B2号站））, which broke "（B2号" / "站））"), or the name
    alone, or nothing, whichever first fits a line of the cover's largest recipient type (18 pt)."""
    at = line.find(name) if name else -1
    if at < 0:
        return ""
    start = max(line.rfind("（", 0, at), line.rfind("(", 0, at))
    end = at + len(name) + (line[at + len(name):][:1] in ("）", ")") and start >= 0)
    for part in ([line[start:end]] if start >= 0 else []) + [name]:
        if columns.measure(part, language, "text", 18.0) <= 0.9 * columns.TEXT_WIDTH_PT:
            return part
    return ""


def _recipient_line(plan: Plan, w: Wording, recipient: Optional[str]) -> Optional[str]:
    """A unit's own copy says whom the plan goes to and whom this copy is for: 分送：各学校（本件送黄竹林小学）."""
    if recipient is None:
        return None
    noun = unit_noun(plan, w)
    return w.named("recipient", noun, unit=recipient, all=w.named("all_units", noun))


def _cover_fields(plan: Plan, w: Wording) -> list[CoverField]:
    keys = dict(zip(w.fields, DEFAULT_FIELD_KEYS))
    given: Optional[list[Any]] = plan.document.fields
    if given is None:
        given = [CoverField(label, None, "date" if i == len(w.fields) - 1 else "text", "") for i, label in enumerate(w.fields)]
    names: list[str] = []
    for i, f in enumerate(given):
        name = keys.get(f.label) or field_slug(f.label) or f"field{i + 1}"
        names.append(name if name not in names else f"{name}-{i + 1}")
    return [_cover_field(f, name, w) for f, name in zip(given, names)]


def _cover_field(f: Any, name: str, w: Wording) -> CoverField:
    """A cover line; a date line's formats and pre-filled value follow the wording's date_format
    (2021-03-01 is printed 2021年3月1日 / 1 Mar 2021, like every date of the documents)."""
    if f.type != "date":
        return CoverField(f.label, f.value, f.type, name, f.label + w.colon)
    word, pdf = w.date_pictures()
    try:
        day: Optional[dt.date] = dt.date.fromisoformat(f.value) if f.value else None
    except ValueError:
        day = None  # a value written otherwise (2021年3月1日) is printed as written
    return CoverField(f.label, w.date(day) if day else f.value, f.type, name, f.label + w.colon, word, pdf,
                      day.isoformat() if day else None)


def field_slug(label: str) -> str:
    """A form field name from a label: lower case, letters and digits (any script), '-' between."""
    return "-".join("".join(c if c.isalnum() else " " for c in label.lower()).split())


class _Builder:
    """Blocks in document order, from the one item walker; an item's ``after`` paragraphs
    come once the walk has left its children."""

    def __init__(self, plan: Plan, wording: Wording, unit: Optional[str], counter: Counter):
        self.plan, self.wording, self.unit, self.counter = plan, wording, unit, counter
        self.names = plan.unit_names()
        self.noun = unit_noun(plan, wording)
        self.written = money_written(plan)
        self.blocks: list[Block] = []

    def build(self) -> list[Block]:
        open_items: list[tuple[tuple, Item]] = []  # items whose ``after`` is still to come
        for loc, item, level in self.plan.walk():
            self._close(open_items, loc)
            self.item(loc, item, level)
            open_items.append((loc, item))
        self._close(open_items, ())
        columns.size_tables([b for b in self.blocks if isinstance(b, Table) and b.size], self.plan.document.language)
        return self.blocks

    def _close(self, open_items: list, loc: tuple) -> None:
        while open_items and not (loc and is_within(loc, open_items[-1][0])):
            item_loc, item = open_items.pop()
            self.blocks.extend(Para(p, item_id=item.id, loc=item_loc, role="after") for p in item.after or [])

    def item(self, loc: tuple, item: Item, level: int) -> None:
        anchor = "item-" + "-".join(str(i + 1) for i in loc if isinstance(i, int))
        label = self.counter.next(level)
        paragraphs = list(item.text or [])
        if item.title is not None:
            self.blocks.append(Heading(level, label, item.title, anchor, item.id, loc))
        else:
            self.blocks.append(Para(paragraphs.pop(0), label, level, anchor, item.id, loc))
        self.blocks.extend(Para(p, item_id=item.id, loc=loc) for p in paragraphs)
        table = self.targets(item)
        if table is not None:
            table.loc = loc
            self.blocks.append(table)

    def targets(self, item: Item) -> Optional[Table]:
        entries = []
        for target in item.targets:
            units = target_units(self.plan, target)
            if self.unit is not None:
                if self.unit not in units:
                    continue
                units = [self.unit]
            entries.append((target, units))
        if not entries:
            return None
        table = columns.target_table(entries, self.plan, self.wording, self.unit, self.noun, self.written)
        last = self.blocks[-1] if self.blocks else None
        if isinstance(last, (Heading, Para)):  # the paragraph that introduces the table stays on its page
            last.keep_next = True
        return table



def unit_noun(plan: Plan, w: Wording) -> str:
    """What the plan's units are: document.unit_noun, else the language's default (学校, school)."""
    return plan.document.unit_noun or w.unit_noun
