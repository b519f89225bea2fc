"""The format-neutral document: cover, numbered blocks, target tables and the appendix.

Computed once per plan (and per unit, for a school's own document); every renderer draws
from it, so the .docx, the HTML and the PDF show the same labels and the same words.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

from plangen.source.model import Item, Plan
from plangen.outline.numbering import Counter
from plangen.outline.targets import Matrix, fmt, matrix, target_units
from plangen.source.wording import fill

APPENDIX_MAX_COLUMNS = 5  # item columns per table on a portrait A4 page; wider matrices split


@dataclass
class CoverField:
    label: str
    value: Optional[str]
    type: str
    name: str  # form field name, ascii


@dataclass
class Heading:
    level: int
    label: str
    title: str
    anchor: str
    item_id: Optional[str]
    loc: tuple = ()  # the item's place in the plan, e.g. ("sections", 1, "items", 0)
    change: Optional[str] = None  # redlines: "ins" or "del" for the whole block
    segments: Optional[list] = None  # redlines: [op, text] runs of the title
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
    change: Optional[str] = None
    segments: Optional[list] = None
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
    row_changes: list = field(default_factory=list)  # redlines: per row, header first: None, "ins", "del"
    cell_segments: dict = field(default_factory=dict)  # redlines: (row, col) -> [op, text] runs; header is row 0
    kind: str = "table"

    def row_change(self, row: int) -> Optional[str]:
        return self.row_changes[row] if row < len(self.row_changes) else None

    def segments(self, row: int, col: int) -> Optional[list]:
        return self.cell_segments.get((row, col))


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
    fields: list[CoverField]
    preface: list[str]
    blocks: list[Block]
    appendix: list[Table]
    strings: dict
    recipient: Optional[str] = None  # the unit a per-unit document is for
    unit_id: Optional[str] = None
    date: Optional[str] = None
    keywords: list[str] = field(default_factory=list)
    redline: Optional[dict] = None  # redlines: {"summary": [lines], "author", "date", "number"/"title": runs}

    @property
    def full_title(self) -> str:
        return self.title + (self.subtitle or "")

    def labels(self) -> list[str]:
        """Every numbering label, in document order."""
        return [b.label for b in self.blocks if getattr(b, "label", None)]


def build_outline(plan: Plan, strings: dict, unit: Optional[str] = None) -> Outline:
    doc = plan.document
    scheme = doc.numbering or ("en" if doc.language == "en" else "seed")
    names = plan.unit_names()
    builder = _Builder(plan, strings, unit, Counter(scheme))
    builder.items(plan.sections, 1, ())
    return Outline(
        language=doc.language, scheme=scheme, number=doc.number, kind_label=doc.kind or strings["kind"],
        title=doc.title, subtitle=doc.subtitle, organization=doc.organization, year=doc.year,
        tagline=doc.tagline, fields=_cover_fields(plan, strings), preface=list(doc.preface or []),
        blocks=builder.blocks, appendix=appendix(matrix(plan, unit), strings, doc.currency),
        strings=strings, recipient=names.get(unit) if unit else None, unit_id=unit,
        date=doc.date.isoformat() if doc.date else None,
        keywords=[doc.organization, str(doc.year), doc.kind or strings["kind"]],
    )


def _cover_fields(plan: Plan, strings: dict) -> list[CoverField]:
    given = plan.document.fields
    if given is None:
        labels = strings["fields"]
        return [CoverField(label, None, "date" if i == len(labels) - 1 else "text", f"field{i + 1}")
                for i, label in enumerate(labels)]
    return [CoverField(f.label, f.value, f.type, f"field{i + 1}") for i, f in enumerate(given)]


class _Builder:
    def __init__(self, plan: Plan, strings: dict, unit: Optional[str], counter: Counter):
        self.plan, self.strings, self.unit, self.counter = plan, strings, unit, counter
        self.names = plan.unit_names()
        self.blocks: list[Block] = []

    def items(self, items: list[Item], level: int, path: tuple, loc: tuple = ("sections",)) -> None:
        for i, item in enumerate(items):
            here = path + (i + 1,)
            item_loc = loc + (i,)
            anchor = "item-" + "-".join(map(str, here))
            label = self.counter.next(level)
            paragraphs = list(item.text or [])
            if item.title is not None:
                self.blocks.append(Heading(level, label, item.title, anchor, item.id, item_loc))
            else:
                self.blocks.append(Para(paragraphs.pop(0), label, level, anchor, item.id, item_loc))
            self.blocks.extend(Para(p, item_id=item.id, loc=item_loc) for p in paragraphs)
            table = self.targets(item)
            if table is not None:
                table.loc = item_loc
                self.blocks.append(table)
            self.items(item.items, level + (2 if item.skip_level else 1), here, item_loc + ("items",))
            self.blocks.extend(Para(p, item_id=item.id, loc=item_loc, role="after") for p in item.after or [])

    def targets(self, item: Item) -> Optional[Table]:
        s = self.strings
        currency = self.plan.document.currency
        rows, with_budget = [], any(t.budget is not None for t in item.targets)
        for target in item.targets:
            units = target_units(self.plan, target)
            if self.unit is not None:
                if self.unit not in units:
                    continue
                units = [self.unit]
            who = s["all_units"] if target.for_ == "all" and self.unit is None else \
                s["list_separator"].join(self.names.get(u, u) for u in units)
            row = [target.what, fmt(target.quantity), target.unit, who, fmt(target.quantity * len(units))]
            if with_budget:
                row.append(fmt(target.budget * len(units)) if target.budget is not None else "")
            rows.append(row)
        if not rows:
            return None
        header = [s["table_what"], s["table_each"], s["table_unit"], s["table_for"], s["table_total"]]
        if with_budget:
            header.append(fill(s, "table_budget", currency=currency))
        return Table(header, rows, [False, True, False, False, True] + [True] * with_budget)


def appendix(m: Matrix, strings: dict, currency: str) -> list[Table]:
    """The units × items summary. The longer side runs down the page; the other side is
    split into tables of at most APPENDIX_MAX_COLUMNS columns, so no table runs off A4."""
    if not m.columns:
        return []
    total, budget = strings["appendix_total"], fill(strings, "appendix_budget", currency=currency)
    measure_of = dict(m.columns)
    if len(m.units) > len(m.columns):  # a row per unit, a column per item, a totals row
        keys = [w for w, _ in m.columns]
        head = [strings["appendix_unit"]]
        col_title = {w: _with_measure(w, measure_of[w], strings) for w in keys}
        rows = [([name], {w: m.cells.get((uid, w)) for w in keys}, m.unit_budget(uid)) for uid, name in m.units]
        totals = ([total], {w: m.column_total(w) for w in keys}, m.budget_total)
        budget_is_column = True
    else:  # a row per item, a column per unit, a totals column
        keys = [uid for uid, _ in m.units]
        head = [strings["table_what"], strings["table_unit"]]
        col_title = dict(m.units)
        rows = [([w, measure_of[w]], {uid: m.cells.get((uid, w)) for uid in keys}, m.column_total(w))
                for w, _ in m.columns]
        totals = ([budget, ""], {uid: m.unit_budget(uid) for uid in keys}, m.budget_total)
        budget_is_column = False
    chunks = [keys[i:i + APPENDIX_MAX_COLUMNS] for i in range(0, len(keys), APPENDIX_MAX_COLUMNS)]
    caption = f"{strings['appendix_label']}{strings['colon']}{strings['appendix_title']}"
    tables = []
    for n, chunk in enumerate(chunks, 1):
        last = n == len(chunks)
        # the trailing column: budget (rows = units) or the item total (rows = items)
        trailing = last and (m.has_budget if budget_is_column else len(m.units) > 1)
        header = head + [col_title[k] for k in chunk] + ([budget if budget_is_column else total] if trailing else [])
        body = [lead + [_cell(vals.get(k)) for k in chunk] + ([fmt(extra)] if trailing else [])
                for lead, vals, extra in rows]
        with_totals = len(m.units) > 1 if budget_is_column else m.has_budget
        if with_totals:
            lead, vals, extra = totals
            body.append(lead + [fmt(vals[k]) for k in chunk] + ([fmt(extra)] if trailing else []))
        numeric = [False] * len(head) + [True] * (len(header) - len(head))
        part = fill(strings, "appendix_part", part=n) if n > 1 else ""
        tables.append(Table(header, body, numeric, caption + part, with_totals, "summary"))
    return tables


def _with_measure(what: str, measure: str, strings: dict) -> str:
    return f"{what}（{measure}）" if strings["colon"] == "：" else f"{what} ({measure})"


def _cell(value) -> str:
    return "" if value is None else fmt(value)
