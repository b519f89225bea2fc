"""The layout of tables in the outline: which columns a target table has (its 对象 cell:
forcell), and how the units × items appendix is cut into tables that fit the text block of
a portrait A4 page.

Widths are estimated from the text (a CJK character is 1 em, a digit 0.5 em, other
characters about 0.62 em: char_em), the same way for the .docx's column widths, so the PDF
and the .docx split alike."""
from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Optional

from plangen.outline import breaks, metrics, numbers
from plangen.outline.forcell import MAX_FOR_LINES, who
from plangen.outline.targets import Matrix, target_budget
from plangen.outline.wording import Wording
from plangen.source.model import Plan, Target

if TYPE_CHECKING:
    from plangen.outline.outline import Table

TEXT_WIDTH_PT = 156 * 72 / 25.4  # the text block of GB/T 9704: 156 mm
APPENDIX_PT = 10.5  # the appendix's type size (五号)
SIZES = (10.5, 10.0, 9.5, 9.0)  # a sized table's type size: 五号, smaller down to 小五 where its words need it
TABLE_PT = {"zh": 12.0, "en": 10.5}  # a plain table's type size (plan.css; the reference documents' Table Text)
CELL_PADDING_PT = 3 * 72 / 25.4 + 1.5  # 1.5 mm each side (Word's default cell margins are 1.9 mm), plus the rules
SIZED_PADDING_PT = 2 * 72 / 25.4 + 2.5  # a sized table's cells: 1 mm each side, the rules, and some slack
MAX_ITEM_COLUMNS = 8  # item columns per appendix table, however narrow
APPENDIX_LINE = {"zh": 1.35, "en": 1.15}  # the appendix's line pitch in em (en: Word's single spacing of Liberation)
APPENDIX_PAD_PT = {"zh": 72 / 25.4, "en": 0.5 * 72 / 25.4}  # its cells' padding above and below (1 mm, 0.5 mm)
NAME_CHARS = 22  # a name column wants this many characters a line before the numbers get more room
DROPPED_CELL = "—"  # a dropped target's total and budget: it counts nowhere
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_TOKEN = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+")
# what a line may not break inside (a text cell's min-content): what a table holds on one line
# with marks after it (a code or a date, in a header also a short bracketed note: breaks.HELD,
# HELD_HEAD; DS-2CD3T46WDV3-I3, 2027年6月30日, （万元）), a CJK character, or a Latin word up to and with
# a hyphen before a letter (Hay- / on- / Wye: both formats break there)
_REST = rf"[{_CJK}]|[^\s{_CJK}]+?(?:[-\u2010\u2013](?=[^\d\s{_CJK}-])|(?=[\s{_CJK}])|$)"
_WORD = re.compile(rf"[^\s\w{_CJK}]*(?:{breaks.HELD.pattern})[^\s\w{_CJK}]*|{_REST}")
_HEAD_WORD = re.compile(rf"[^\s\w{_CJK}]*(?:{breaks.HELD_HEAD.pattern})[^\s\w{_CJK}]*|{_REST}")


def _cell_words(text: str) -> list[str]:
    """A text cell's words (_WORD) and its held CJK tail (Table.tail_held: 公司 of a name)."""
    return _WORD.findall(text) + [p for p, whole in breaks.held_pieces(text, last=True)[-1:] if whole]


def _table(*args, **kw) -> Table:
    from plangen.outline.outline import Table
    return Table(*args, **kw)


def deadline(date: Optional[dt.date], w: Wording) -> str:
    if date is None:
        return ""
    return w.date(date, "deadline_format")


def status(value: Optional[str], w: Wording) -> str:
    return w.status(value) if value else ""


def plan_has(plan: Plan) -> set[str]:
    """Which optional columns the plan's target tables carry: any target with a deadline,
    an owner or a status gives every target table of the plan that column."""
    found = set()
    for _loc, item, _level in plan.walk():
        for t in item.targets:
            found |= {name for name in ("deadline", "owner", "status") if getattr(t, name) is not None}
    return found


def budget_heading(w: Wording, key: str, currency: Optional[str]) -> str:
    """预算（元）; a plain 预算 / Budget when the plan has no currency."""
    return w.format(key, currency=currency) if currency else w.budget_plain


def target_table(entries: list[tuple[Target, list[str]]], plan: Plan, w: Wording, unit: Optional[str], noun: str,
                 written: int) -> Table:
    """An item's target table: what, each, unit, for whom, total, and budget, deadline,
    owner and status where the plan has them. A dropped target counts nowhere: its total and
    budget are a dash, and the row is struck through. In a unit's own copy (UNIT) every row is
    for that unit alone: no 对象 / For column (the cover names the unit) and no 合计 / Total
    (it would repeat the quantity), and the quantity is headed 数量 / Quantity."""
    lang, currency = plan.document.language, numbers.currency_of(plan.document)
    extra = plan_has(plan)
    with_budget = any(t.budget is not None or t.budget_total is not None for t, _ in entries)
    cols = ["what", "each", "unit"] + ["for", "total"] * (unit is None) + ["budget"] * with_budget
    cols += [c for c in ("deadline", "owner", "status") if c in extra]
    header = {"what": w.table_what, "each": w.table_each if unit is None else w.table_quantity,
              "unit": w.measure_header(noun), "for": w.named("table_for", noun),
              "total": w.table_total, "budget": budget_heading(w, "table_budget", currency),
              "deadline": w.table_deadline, "owner": w.table_owner, "status": w.table_status}
    rows: list[list[str]] = []
    short: dict[int, str] = {}
    for target, units in entries:
        named, form = who(units, plan, w, unit is None, noun)
        if form:
            short[len(rows)] = form
        total = numbers.quantity(target.quantity * len(units), lang) if target.counts else DROPPED_CELL
        cell = {"what": target.what, "each": numbers.quantity(target.quantity, lang), "unit": target.unit,
                "for": named, "total": total,
                "budget": _budget_cell(target, len(units), currency, lang, written, w, shared_here=unit is not None),
                "deadline": deadline(target.deadline, w), "owner": target.owner or "",
                "status": status(target.status, w)}
        rows.append([cell[c] for c in cols])
    numeric = [c in ("each", "total", "budget") for c in cols]
    heads = [header[c] for c in cols]
    # widths decided in the outline (size_tables), the same in every format; with deadline, owner or
    # status (many columns) from 五号, else from the language's table size (TABLE_PT)
    return _table(heads, rows, numeric, columns=cols, dropped=[not t.counts for t, _ in entries],
                  size=APPENDIX_PT if extra else TABLE_PT[lang], short=short)


def size_tables(tables: list[Table], language: str) -> None:
    """The type size (each table's own size to start from, smaller where the words need it) and
    widths of a document's sized tables: tables with the same columns get the same (measured on
    all their rows), so they line up page after page."""
    groups: dict[tuple, list[Table]] = {}
    for t in tables:
        groups.setdefault((tuple(t.columns), tuple(t.header), t.role, t.size), []).append(t)
    for group in groups.values():
        _size_group(group, language)
        if any(_shortened(t, language) for t in group):  # then the names' column wants less
            _size_group(group, language)


def _size_group(group: list[Table], language: str) -> None:
    rows = [(row, t.is_total(k)) for t in group for k, row in enumerate(t.rows, 1) if not t.is_span(k)]
    whole = [group[0].is_whole(c) and not group[0].numeric[c] for c in range(len(group[0].header))]  # words, whole
    kinds = ["whole" if w else "names" if c < len(group[0].columns) and group[0].columns[c] == "names" else ""
             for c, w in enumerate(whole)]
    size, widths, hold = _sized(group[0].header, [r for r, _ in rows], group[0].numeric, language,
                                [b for _, b in rows], group[0].size or APPENDIX_PT, kinds)
    for t in group:
        t.size, t.widths, t.hold = size, widths, hold


def _shortened(t: Table, language: str) -> bool:
    """Whether a 对象 cell of T took its short form (who), its names taking more than
    MAX_FOR_LINES lines at the width decided (除某市第三人民医院东院区后勤保障部、…外各社区: nine)."""
    if "for" not in t.columns or not t.short or t.size is None:
        return False
    col = t.columns.index("for")
    room = t.widths[col] - SIZED_PADDING_PT
    long = [k for k in t.short if measure(t.rows[k][col], language, "text", t.size) > MAX_FOR_LINES * room]
    for k in long:
        t.rows[k][col] = t.short[k]
    return bool(long)


_CJK_LATIN = re.compile(rf"(?<=[{_CJK}])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?=[{_CJK}])")


def whole_width(text: str, language: Optional[str], role: str, size: float) -> float:
    """TEXT's width when it must not wrap, with the quarter em Word and LibreOffice put between
    CJK and Latin letters or digits (the .docx asks for it: autoSpaceDE/DN), so a date such
    as 2027年12月31日 stays on one line in their PDF too."""
    return measure(text, language, role, size) + len(_CJK_LATIN.findall(text)) * size / 4


def _sized(header: list[str], rows: list[list[str]], numeric: list[bool], language: Optional[str],
           bold: list[bool], first: float, kinds: Optional[list[str]] = None) -> tuple[float, list[float], bool]:
    """The type size (FIRST, or down to 小五 when the columns' longest words cannot stand side by
    side at FIRST: SIZES) and column widths (pt, padding included) that fill the text block,
    measured with the fonts (metrics): numbers never wrap (their headers may, between words);
    no column is narrower than its longest word (its min-content) unless even at the smallest
    size the words cannot stand side by side; each column gets up to what its widest cell
    wants, and what is short is taken from the text columns that want the most. And whether
    every column has its min-content (the table may hold its dates, codes and bracketed notes
    on one line: Table.hold)."""
    for size in [first] + [s for s in SIZES if s < first]:
        hard, least, wants = _needs(header, rows, numeric, language, bold, size, kinds or [""] * len(header))
        if sum(least) <= TEXT_WIDTH_PT:
            break
    return size, _share(hard, least, _headers_grown(wants, header, numeric, language, size), numeric), \
        sum(least) <= TEXT_WIDTH_PT


def _needs(header: list[str], rows: list[list[str]], numeric: list[bool], language: Optional[str],
           bold: list[bool], size: float, kinds: list[str]) -> tuple[list[float], list[float], list[float]]:
    """Per column at SIZE: the least it may have when squeezed hard (numbers whole), its
    min-content (longest word, or widest number line) and what it wants. A column of KIND
    "whole" (a report's status words, dates) keeps each cell whole up to its bracket (进行中 /
    （逾期）); one of "names" wants its longest name on at most three lines and up to
    NAME_CHARS characters a line."""
    hard, least, wants = [], [], []
    for col, head in enumerate(header):
        cells = [(row[col], "bold" if b else "text") for row, b in zip(rows, bold)]
        head_words = [_head_least(head, language, size)] + [measure(t, language, "head", size)
                                                            for t in _HEAD_WORD.findall(head)]
        head_line = measure(head, language, "head", size)
        if kinds[col] == "whole":
            parts = [whole_width(part.strip(), language, role, size) for c, role in cells for part in re.split(r"(?=[（(])", c)]
            hard.append(max(parts + head_words) + SIZED_PADDING_PT)
            least.append(hard[-1])
            wants.append(hard[-1])  # whole where there is room to spare, else broken at its bracket
        elif numeric[col]:  # a number cell's lines (18,600.00 / (shared)) each whole
            whole = max([measure(line, language, role, size) for c, role in cells for line in c.split("\n")] + [0.0])
            hard.append(whole + SIZED_PADDING_PT)
            least.append(max([whole] + head_words) + SIZED_PADDING_PT)
            wants.append(max(least[-1], max(whole, min(head_line, 4 * size)) + SIZED_PADDING_PT))
        else:
            words = [whole_width(t, language, role, size) for c, role in cells for t in _cell_words(c)] + head_words
            hard.append(size + SIZED_PADDING_PT)
            least.append(max(words + [2 * size]) + SIZED_PADDING_PT)
            natural = max([measure(c, language, role, size) for c, role in cells] + [head_line])
            if kinds[col] == "names":  # a name on three lines at most, where the table has room
                least[-1] = max(least[-1], min(natural / 3 + size, TEXT_WIDTH_PT / 2) + SIZED_PADDING_PT)
            cap = NAME_CHARS if kinds[col] == "names" else 12
            wants.append(max(min(natural, cap * size) + SIZED_PADDING_PT, least[-1]))
    return hard, least, wants


def _head_least(head: str, language: Optional[str], size: float) -> float:
    """A header's narrowest line: its longest word, a CJK header of up to six characters whole
    (a longer one four characters a line, as min_width), wrapping before a bracket (电脑 / （台））."""
    parts = re.split(r"(?=[（(])", head)
    scale = size / APPENDIX_PT
    return max(min_width([part], False, language=language, role="head") - CELL_PADDING_PT for part in parts) * scale


def _share(hard: list[float], least: list[float], wants: list[float], numeric: list[bool]) -> list[float]:
    """Widths between LEAST and WANTS that add up to the text block: room to spare goes to
    the text columns; too little is taken from what each column wants beyond its least. When
    even the least is too wide, the widest text columns are capped (_capped): only their
    longest words break, where no column could hold them beside the others."""
    if sum(wants) <= TEXT_WIDTH_PT:
        grows = [not n for n in numeric] if not all(numeric) else [True] * len(numeric)
        base = sum(w for w, g in zip(wants, grows) if g)
        return [w + (TEXT_WIDTH_PT - sum(wants)) * w / base if g else w for w, g in zip(wants, grows)]
    if sum(least) > TEXT_WIDTH_PT:
        return _capped(hard, least, numeric)
    room, over = TEXT_WIDTH_PT - sum(least), sum(w - m for w, m in zip(wants, least))
    return [m + (w - m) * room / over for w, m in zip(wants, least)]


def _capped(hard: list[float], least: list[float], numeric: list[bool]) -> list[float]:
    """LEAST cut to one common cap, the largest that lets the table fit, never below HARD
    (numbers whole): only the widest words break, a column narrower than the cap keeps its
    least. When even HARD overflows, every column in proportion to it."""
    if sum(hard) >= TEXT_WIDTH_PT:
        return [w * TEXT_WIDTH_PT / sum(hard) for w in hard]
    low, high = 0.0, max(least)
    for _ in range(40):  # bisection: the widths grow with the cap
        cap = (low + high) / 2
        if sum(max(h, min(m, cap)) for h, m in zip(hard, least)) > TEXT_WIDTH_PT:
            high = cap
        else:
            low = cap
    return [max(h, min(m, low)) for h, m in zip(hard, least)]


def measure(text: str, language: Optional[str], role: str = "text", size: float = APPENDIX_PT) -> float:
    """TEXT's width in pt set at SIZE for ROLE (text, bold, head) in LANGUAGE's fonts (metrics);
    the char_em estimate (bold 8 % wider) without a language."""
    if language is None:
        return text_width(text, size, bold=role != "text")
    return metrics.width(text, size, language, role, char_em)


def _budget_cell(target: Target, n_units: int, currency: str, lang: str, written: int, w: Wording,
                 shared_here: bool) -> str:
    amount = target_budget(target, n_units)
    if amount is None:
        return ""
    if not target.counts:
        return DROPPED_CELL
    shown = numbers.money(amount, currency, lang, written)
    if target.budget_total is None or not shared_here:
        return shown
    return shared_cell(w.format("budget_shared", amount=shown), shown)


def shared_cell(worded: str, amount: str) -> str:
    """A budget shared with other units, in one unit's own copy: the amount on its line and
    the wording around it (shared, 共同) on the next, so the number column is as wide as the
    amount, not as the amount and its note (both formats break at the newline, nowhere else)."""
    at = worded.find(amount)
    if at < 0:
        return worded
    note = (worded[:at] + worded[at + len(amount):]).strip()
    return f"{amount}\n{note}" if note else amount


def text_width(text: str, size: float = APPENDIX_PT, bold: bool = False) -> float:
    """As the .docx renderer estimates it (char_em), bold 8 % wider."""
    return sum(char_em(ch) for ch in text) * size * (1.08 if bold else 1.0)


def char_em(ch: str) -> float:
    """A character's estimated width in em: CJK 1, digits and their punctuation 0.5, other 0.62."""
    return 1.0 if "\u2e80" <= ch <= "\uffef" else 0.5 if ch in "0123456789,.%-" else 0.62


def min_width(texts: list[str], numeric: bool, bold: bool = False, language: Optional[str] = None,
              role: Optional[str] = None) -> float:
    """The narrowest a column may be: numbers never wrap; text wraps between words, and CJK
    text keeps a name of up to six characters whole, a longer one four characters a line.
    Measured with LANGUAGE's fonts (metrics) where given, as ROLE (default: head when BOLD)."""
    role = role or ("head" if bold else "text")
    widest = 0.0
    for text in texts:
        if numeric:
            widest = max(widest, measure(text, language, role))
            continue
        for token in (_WORD if language else _TOKEN).findall(text):
            widest = max(widest, measure(token, language, role))
        cjk = sum(1 for ch in text if "\u2e80" <= ch <= "\uffef")
        widest = max(widest, (cjk if cjk <= 6 else 4) * APPENDIX_PT * (1.08 if bold else 1.0))
    return widest + CELL_PADDING_PT


def chunks(keys: list[str], widths: dict[str, float], fixed: float, trailing: float) -> list[list[str]]:
    """Consecutive groups of keys whose columns, with the fixed leading columns and (on the
    last group) the trailing column, fit the text block."""
    out: list[list[str]] = []
    current: list[str] = []
    used = fixed
    for i, k in enumerate(keys):
        last = i == len(keys) - 1
        need = widths[k] + (trailing if last else 0)
        if current and (used + need > TEXT_WIDTH_PT or len(current) == MAX_ITEM_COLUMNS):
            out.append(current)
            current, used = [], fixed
        current.append(k)
        used += widths[k]
    if current:
        if len(current) > 1 and used + trailing > TEXT_WIDTH_PT:  # the trailing column gets its own room
            out.append(current[:-1])
            current = current[-1:]
        out.append(current)
    return out


def shared_label(m: Matrix, w: Wording, noun: str) -> str:
    """The line of budgets given for whole targets: 共同预算（不分科室） in the plan's summary;
    in a unit's own view, money shared with the other units, not in the unit's own budget."""
    return w.named("unit_shared" if m.unit is not None else "appendix_shared", noun)


def appendix(m: Matrix, w: Wording, noun: str, language: str) -> list[Table]:
    """The units × items summary. The longer side runs down the page; the other side is
    split into tables that fit the text block, continued tables numbered （续1） on. Budgets
    given for whole targets (not split by unit) get a line of their own."""
    if not m.columns:
        return []
    total, budget = w.appendix_total, budget_heading(w, "appendix_budget", m.currency)
    shared = shared_label(m, w, noun)
    measure_of = dict(m.columns)
    units_are_rows = len(m.units) > len(m.columns)
    qty = lambda v: "" if v is None else numbers.quantity(v, language)  # noqa: E731
    money = lambda v: m.money(v, language)  # noqa: E731
    extra_rows: list[tuple[list[str], dict[str, str], str]] = []
    if units_are_rows:  # a row per unit, a column per item, a totals row
        keys = [k for k, _ in m.columns]
        head = [w.named("appendix_unit", noun)]
        col_title = {k: w.format("measure_format", what=k, measure=measure_of[k]) for k in keys}
        rows = [([name], {k: qty(m.cells.get((uid, k))) for k in keys}, money(m.unit_budget(uid))) for uid, name in m.units]
        if m.has_shared:
            rows.append(([shared], {}, money(m.shared)))
        totals = ([total], {k: qty(m.column_total(k)) for k in keys}, money(m.budget_total))
        trailing_title, with_trailing, with_totals = budget, m.has_budget, m.sums
    else:  # a row per item, a column per unit, a totals column
        keys = [uid for uid, _ in m.units]
        head = [w.table_what, w.measure_header(noun)]
        col_title = dict(m.units)
        rows = [([k, measure_of[k]], {uid: qty(m.cells.get((uid, k))) for uid in keys}, qty(m.column_total(k)))
                for k, _ in m.columns]
        totals = ([budget, ""], {uid: money(m.unit_budget(uid)) for uid in keys}, money(m.budget_total))
        if m.has_shared:  # in the total column; a unit's own document has none: under its budget
            extra_rows.append(([shared, ""], {} if m.sums else {keys[0]: money(m.shared)}, money(m.shared)))
        trailing_title, with_trailing = total, m.sums
        with_totals = m.has_budget
    all_rows = rows + (([totals] + extra_rows) if with_totals else [])
    tables = _appendix_tables(w, head, keys, col_title, all_rows, trailing_title, with_trailing,
                              len(rows) if with_totals else None)
    for t in tables:
        lay_out_summary(t, language)
    return tables


def lay_out_summary(t: Table, language: str, names: bool = False) -> None:
    """A summary table's widths, type size, line pitch and padding, decided here and drawn as
    given by the PDF and the .docx: the same rows a page (the plan's appendix, the report's matrix)."""
    totals = [t.is_total(k) for k in range(1, len(t.rows) + 1)]
    t.widths, t.hold = _appendix_layout(t.header, t.rows, t.numeric, language, totals, names)
    t.size = APPENDIX_PT
    t.line, t.pad = APPENDIX_LINE[language] * APPENDIX_PT, APPENDIX_PAD_PT[language]


def appendix_widths(header: list[str], rows: list[list[str]], numeric: list[bool], language: str,
                    totals: Optional[list[bool]] = None, names: bool = False) -> list[float]:
    """An appendix table's column widths (pt, padding included) that fill the text block:
    numbers never wrap, a CJK name of up to six characters keeps one line (a longer one four
    characters a line, as min_width), words never break, a header may wrap before its
    bracket; a text column wants up to NAME_CHARS
    characters a line, a number column its header on one line (up to four characters), and
    what is short is taken from what each wants beyond its least (columns._share). Measured
    with the fonts (metrics), a total row's cells bold. With NAMES (the report's matrix), the first
    column's longest name on at most about three lines where the table has room (as size_tables'
    names)."""
    return _appendix_layout(header, rows, numeric, language, totals, names)[0]


def _appendix_layout(header: list[str], rows: list[list[str]], numeric: list[bool], language: str,
                     totals: Optional[list[bool]], names: bool) -> tuple[list[float], bool]:
    """appendix_widths, and whether every column has its min-content (Table.hold)."""
    hard, least, wants = _appendix_needs(header, rows, numeric, language, totals, names)
    return _share(hard, least, _headers_grown(wants, header, numeric, language), numeric), sum(least) <= TEXT_WIDTH_PT


def _appendix_needs(header: list[str], rows: list[list[str]], numeric: list[bool], language: str,
                    totals: Optional[list[bool]], names: bool) -> tuple[list[float], list[float], list[float]]:
    """Per column of an appendix table: the least it may have squeezed hard, its min-content, what it wants."""
    roles = ["bold" if b else "text" for b in (totals or [False] * len(rows))]
    hard, least, wants = [], [], []
    for col, head in enumerate(header):
        cells = [(row[col], role) for row, role in zip(rows, roles)]
        pad = SIZED_PADDING_PT - CELL_PADDING_PT  # min_width's padding swapped for a sized table's
        # a header may wrap before its bracket: 电脑 / （台）
        head_least = max([min_width([part], False, language=language, role="head") for part in re.split(r"(?=[（(])", head)]
                         + [measure(t, language, "head") + CELL_PADDING_PT for t in _HEAD_WORD.findall(head)])
        head_line = measure(head, language, "head")
        if numeric[col]:
            whole = max([measure(c, language, role) for c, role in cells] + [0.0]) + SIZED_PADDING_PT
            hard.append(whole)
            least.append(max(whole, head_least + pad))
            wants.append(max(least[-1], min(head_line, 4 * APPENDIX_PT) + SIZED_PADDING_PT))
        else:
            hard.append(APPENDIX_PT + SIZED_PADDING_PT)
            least.append(max([head_least] + [min_width([c], False, language=language, role=r) for c, r in cells]
                             + [measure(t, language, r) + CELL_PADDING_PT for c, r in cells for t in _cell_words(c)]) + pad)
            natural = max([measure(c, language, role) for c, role in cells] + [head_line])
            if names and col == 0:
                least[-1] = max(least[-1], min(natural / 3 + APPENDIX_PT, TEXT_WIDTH_PT / 2) + SIZED_PADDING_PT)
            wants.append(max(min(natural, NAME_CHARS * APPENDIX_PT) + SIZED_PADDING_PT, least[-1]))
    return hard, least, wants


def _headers_grown(wants: list[float], header: list[str], numeric: list[bool], language: Optional[str] = None,
                   size: float = APPENDIX_PT) -> list[float]:
    """WANTS with room to spare given first to number columns, up to their header on one line
    at SIZE (a school's name over its column, Budget (USD), on fewer lines), in proportion to
    what each lacks."""
    spare = TEXT_WIDTH_PT - sum(wants)
    lack = [max(0.0, measure(h, language, "head", size) + SIZED_PADDING_PT - w) if n else 0.0
            for w, h, n in zip(wants, header, numeric)]
    if spare <= 0 or not sum(lack):
        return wants
    share = min(1.0, spare / sum(lack))
    return [w + m * share for w, m in zip(wants, lack)]


def _appendix_tables(w: Wording, head: list[str], keys: list[str], col_title: dict[str, str],
                     all_rows: list, trailing_title: str, with_trailing: bool, total_at: Optional[int]) -> list[Table]:
    """The appendix cut by columns into tables that fit the text block; the row at TOTAL_AT holds
    the totals (a shared budget's line may follow it)."""
    widths = {k: max(min_width([col_title[k]], False, bold=True), min_width([v.get(k, "") for _, v, _ in all_rows], True))
              for k in keys}
    fixed = sum(max(min_width([h], False, bold=True), min_width([lead[i] for lead, _, _ in all_rows], False),
                    0 if i else 4 * APPENDIX_PT)  # names get at least four characters
                for i, h in enumerate(head))
    trailing = max(min_width([trailing_title], False, bold=True), min_width([e for _, _, e in all_rows], True))
    caption = f"{w.appendix_label}{w.colon}{w.appendix_title}"
    parts = chunks(keys, widths, fixed, trailing if with_trailing else 0)
    tables = []
    for n, chunk in enumerate(parts):
        trail = n == len(parts) - 1 and with_trailing
        header = head + [col_title[k] for k in chunk] + ([trailing_title] if trail else [])
        kept = [(n_row, lead + [vals.get(k, "") for k in chunk] + ([extra] if trail else []))
                for n_row, (lead, vals, extra) in enumerate(all_rows)
                if vals or trail]  # a row with only a trailing value (共同预算) only where that column is
        body = [row for _, row in kept]
        numeric = [False] * len(head) + [True] * (len(header) - len(head))
        part = w.format("appendix_part", part=str(n)) if n else ""
        # one leading column: the units are the rows, and the renderers give their names room
        columns = ["names"] + ["number"] * (len(header) - 1) if len(head) == 1 else []
        tables.append(_table(header, body, numeric, caption + part, False, "summary", totals=[k == total_at for k, _ in kept],
                             bookmark=caption if n == 0 else None, columns=columns))
    return tables
