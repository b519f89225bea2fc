"""The format-neutral document: cover, numbered blocks, target tables and the appendix.

Computed once per plan (and per unit, for a school's own document); every renderer draws
from it, so the .docx, the HTML and the PDF show the same labels and the same words.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Union

from plangen.source.model import Item, Plan
from plangen.outline.changes import Redline
from plangen.outline.numbering import Counter
from plangen.outline import numbers
from plangen.outline.targets import Matrix, matrix, money_written, target_budget, target_units
from plangen.outline.wording import Wording
from plangen.source.walk import is_within

DEFAULT_FIELD_KEYS = ("department", "name", "date")  # form field names of the wording's default lines
APPENDIX_MAX_COLUMNS = 5  # item columns per table on a portrait A4 page; wider matrices split
APPENDIX_MONEY_COLUMNS = 3  # unit columns when a row holds money with its decimals (23,400.00)
DROPPED_CELL = "—"  # a dropped target's total and budget: it counts nowhere


@dataclass
class CoverField:
    label: str
    value: Optional[str]
    type: str
    name: str  # form field name: department/name/date for the default lines, else a slug of the label
    caption: str = ""  # what is printed before the blank: the label and a colon


@dataclass
class Cover:
    """Every line of the cover, worded: renderers only lay them out."""

    number_label: str  # 编号：
    kind_line: str  # （工作计划）
    recipient_line: Optional[str]  # 分送：黄竹林小学, on a unit's own document
    fields: list[CoverField]


@dataclass
class Heading:
    level: int
    label: str
    title: str
    anchor: str
    item_id: Optional[str]
    loc: tuple = ()  # the item's place in the plan, e.g. ("sections", 1, "items", 0)
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
    kind: str = "para"


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    numeric: list[bool]  # per column: right-aligned numbers
    caption: Optional[str] = None
    total_row: bool = False  # the last row holds totals
    role: str = "targets"  # "targets" (an item's) or "summary" (the appendix)
    loc: tuple = ()  # the item a target table belongs to
    kind: str = "table"
    dropped: list = field(default_factory=list)  # per body row: True for a dropped target (struck through)

    def is_dropped(self, row: int) -> bool:
        """Whether body row ``row`` (1-based, the header is 0) is a dropped target."""
        return 0 < row <= len(self.dropped) and bool(self.dropped[row - 1])


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

    @property
    def full_title(self) -> str:
        return self.title + (self.subtitle or "")

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
                  recipient_line=w.named("recipient", unit_noun(plan, w), unit=recipient) if recipient else None,
                  fields=_cover_fields(plan, w))
    return Outline(
        language=doc.language, scheme=scheme, number=doc.number, kind_label=kind,
        title=doc.title, subtitle=doc.subtitle, organization=doc.organization, year=doc.year,
        tagline=doc.tagline, cover=cover, preface=list(doc.preface or []),
        preface_label=w.preface_label + w.colon if w.preface_label else None,
        blocks=_Builder(plan, w, unit, Counter(scheme)).build(),
        appendix=appendix(matrix(plan, unit), w, unit_noun(plan, w), doc.language),
        label_gap=w.label_gap, page_number=w.split("page_number", "page"),
        recipient=recipient, unit_id=unit, date=doc.date.isoformat() if doc.date else None,
        keywords=[doc.organization, str(doc.year), kind],
    )


def _cover_fields(plan: Plan, w: Wording) -> list[CoverField]:
    keys = dict(zip(w.fields, DEFAULT_FIELD_KEYS))
    given: Optional[list[Any]] = plan.document.fields
    if given is None:
        given = [CoverField(label, None, "date" if i == len(w.fields) - 1 else "text", "") for i, label in enumerate(w.fields)]
    names: list[str] = []
    for i, f in enumerate(given):
        name = keys.get(f.label) or field_slug(f.label) or f"field{i + 1}"
        names.append(name if name not in names else f"{name}-{i + 1}")
    return [CoverField(f.label, f.value, f.type, name, f.label + w.colon) for f, name in zip(given, names)]


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
        s, lang = self.wording, self.plan.document.language
        currency = numbers.currency_of(self.plan.document)
        with_budget = any(t.budget is not None or t.budget_total is not None for t in item.targets)
        with_status = any(t.status for t in item.targets)
        rows, dropped = [], []
        for target in item.targets:
            units = target_units(self.plan, target)
            if self.unit is not None:
                if self.unit not in units:
                    continue
                units = [self.unit]
            dropped.append(not target.counts)
            who = s.named("all_units", self.noun) if target.for_ == "all" and self.unit is None else \
                s.list_separator.join(self.names.get(u, u) for u in units)
            total = numbers.quantity(target.quantity * len(units), lang) if target.counts else DROPPED_CELL
            row = [target.what, numbers.quantity(target.quantity, lang), target.unit, who, total]
            if with_budget:
                row.append(self._budget_cell(target, len(units), currency))
            if with_status:
                row.append(s.status(target.status) if target.status else "")
            rows.append(row)
        if not rows:
            return None
        header = [s.table_what, s.table_each, s.table_unit, s.named("table_for", self.noun), s.table_total]
        if with_budget:
            header.append(budget_heading(s, "table_budget", currency))
        header += [s.table_status] * with_status
        return Table(header, rows, [False, True, False, False, True] + [True] * with_budget + [False] * with_status,
                     dropped=dropped)

    def _budget_cell(self, target, n_units: int, currency: str) -> str:
        amount = target_budget(target, n_units)
        if amount is None:
            return ""
        if not target.counts:
            return DROPPED_CELL
        shown = numbers.money(amount, currency, self.plan.document.language, self.written)
        shared = target.budget_total is not None and self.unit is not None
        return self.wording.format("budget_shared", amount=shown) if shared else shown


def budget_heading(w: Wording, key: str, currency: str) -> str:
    """预算（元）; a plain 预算 / Budget when the plan has no currency."""
    return w.format(key, currency=currency) if currency else w.budget_plain


def appendix(m: Matrix, w: Wording, noun: str, language: str) -> list[Table]:
    """The units × items summary. The longer side runs down the page; the other side is
    split into tables of at most APPENDIX_MAX_COLUMNS columns, so no table runs off A4.
    Budgets given for whole targets (not split by unit) get a line of their own."""
    if not m.columns:
        return []
    total, budget = w.appendix_total, budget_heading(w, "appendix_budget", m.currency)
    shared = w.named("appendix_shared", noun)
    qty = lambda v: numbers.quantity(v, language)  # noqa: E731
    money = lambda v: m.money(v, language)  # noqa: E731
    measure_of = dict(m.columns)
    extra_rows: list[tuple[list[str], dict[str, str], str]] = []
    if len(m.units) > len(m.columns):  # a row per unit, a column per item, a totals row
        keys = [w for w, _ in m.columns]
        head = [w.named("appendix_unit", noun)]
        col_title = {k: w.format("measure_format", what=k, measure=measure_of[k]) for k in keys}
        rows = [([name], {k: _cell(m.cells.get((uid, k)), qty) for k in keys}, money(m.unit_budget(uid)))
                for uid, name in m.units]
        if m.has_shared:
            rows.append(([shared], {}, money(m.shared)))
        totals = ([total], {k: qty(m.column_total(k)) for k in keys}, money(m.budget_total))
        budget_is_column = True
    else:  # a row per item, a column per unit, a totals column
        keys = [uid for uid, _ in m.units]
        head = [w.table_what, w.table_unit]
        col_title = dict(m.units)
        rows = [([k, measure_of[k]], {uid: _cell(m.cells.get((uid, k)), qty) for uid in keys}, qty(m.column_total(k)))
                for k, _ in m.columns]
        totals = ([budget, ""], {uid: money(m.unit_budget(uid)) for uid in keys}, money(m.budget_total))
        if m.has_shared:
            extra_rows.append(([shared, ""], {}, money(m.shared)))
        budget_is_column = False
    width = APPENDIX_MONEY_COLUMNS if m.has_budget and not budget_is_column else APPENDIX_MAX_COLUMNS
    chunks = [keys[i:i + width] for i in range(0, len(keys), width)]
    caption = f"{w.appendix_label}{w.colon}{w.appendix_title}"
    tables = []
    for n, chunk in enumerate(chunks, 1):
        last = n == len(chunks)
        # the trailing column: budget (rows = units) or the item total (rows = items)
        trailing = last and (m.has_budget if budget_is_column else len(m.units) > 1 or m.has_shared)
        header = head + [col_title[k] for k in chunk] + ([budget if budget_is_column else total] if trailing else [])
        body = [lead + [vals.get(k, "") for k in chunk] + ([extra] if trailing else []) for lead, vals, extra in rows]
        with_totals = len(m.units) > 1 if budget_is_column else m.has_budget
        if with_totals:
            for lead, vals, extra in [totals] + extra_rows:
                body.append(lead + [vals.get(k, "") for k in chunk] + ([extra] if trailing else []))
        numeric = [False] * len(head) + [True] * (len(header) - len(head))
        part = w.format("appendix_part", part=str(n)) if n > 1 else ""
        tables.append(Table(header, body, numeric, caption + part, with_totals, "summary"))
    return tables


def _cell(value, shown) -> str:
    return "" if value is None else shown(value)


def unit_noun(plan: Plan, w: Wording) -> str:
    """What the plan's units are: document.unit_noun, else the language's default (学校, school)."""
    return plan.document.unit_noun or w.unit_noun
