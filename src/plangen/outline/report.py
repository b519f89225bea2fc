"""The progress report as an ``Outline``: the plan's own outline (same numbering, cover and
fill-in fields), with each item's status and what was done after its text, its target table
replaced by a completion table, and an appendix of a unit × target completion matrix, the
targets not done or dropped with their notes, and the timeline chart. Rendered by the same
renderers as a plan: they only lay out what this says."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Optional

from plangen.outline.chart import timeline
from plangen.outline.columns import (
    APPENDIX_PT,
    CELL_PADDING_PT,
    SIZED_PADDING_PT,
    TABLE_PT,
    TEXT_WIDTH_PT,
    budget_heading,
    chunks,
    lay_out_summary,
    measure,
    min_width,
    shared_cell,
    size_tables,
    whole_width,
)
from plangen.outline.coverfit import cover_fit
from plangen.outline.numbers import Printer, currency_of
from plangen.outline.outline import APPENDIX_MAX_COLUMNS, Block, Cover, Heading, Outline, Para, Table, build_outline, unit_noun
from plangen.outline.progress import (
    NOT_COUNTED,
    State,
    UnitLine,
    groups,
    has_budget,
    item_state,
    line_budget,
    money_sum,
    percent,
    percent_text,
    target_money,
    totals,
)
from plangen.outline.targets import fmt, printer
from plangen.outline.wording import Wording
from plangen.source.model import Plan
from plangen.source.progress_load import LoadedProgress
from plangen.source.walk import Loc


def build_report(loaded: LoadedProgress, state: State, w: Wording) -> Outline:
    plan = loaded.plan.plan
    base = build_outline(plan, w)
    as_of = w.date(state.as_of)
    noun = unit_noun(plan, w)
    summary = summary_sentence(state, w, noun)
    cover = Cover(base.cover.number_label, w.format("kind_format", kind=w.report_kind), None, base.cover.fields)
    base.title = w.format("report_title", title=plan.document.title)
    base.subtitle = w.format("report_as_of", date=as_of)
    base.tagline = None  # the plan's line (本计划经…研究通过) is not the report's
    cover.fit = cover_fit([base.title, base.subtitle], cover, base.tagline)
    base.kind_label, base.cover, base.preface, base.preface_label = w.report_kind, cover, [summary], None
    base.blocks = _blocks(base.blocks, loaded, state, w)
    base.appendix = matrix_tables(state, w, plan) + [open_table(state, w, noun)]
    _lay_out(base)
    base.figures = [timeline(state, w, plan.document.year)] if state.lines else []
    base.date = state.as_of.isoformat()
    base.role = "report"
    base.keywords = base.keywords + [w.report_kind]
    return base


def _lay_out(outline: Outline) -> None:
    """Every table's widths and type size decided once, as a plan's: completion tables and the
    list of open targets sized like target tables (numbers whole, words whole) at the type size
    of the document's tables, the matrix like the plan's appendix."""
    tables = [b for b in outline.blocks + outline.appendix if isinstance(b, Table)]
    progress = [t for t in tables if t.role == "progress"]
    for t in progress:
        t.size = TABLE_PT.get(outline.language, 12.0)
    size_tables(progress, outline.language)
    for t in progress:
        _break_before_brackets(t, outline.language)
    for t in tables:
        if t.role == "summary":
            lay_out_summary(t, outline.language, names=True)


def _break_before_brackets(t: Table, language: str) -> None:
    """A header, or a status word (进行中（逾期）, not started (overdue)), wider than its column: a
    line break before its bracket, where a reader expects it (预算 / （万元）); left to itself a
    header line takes as much as fits (预算（万 / 元）), and a status word never wraps."""
    size = t.size or APPENDIX_PT
    for c, head in enumerate(t.header):
        if measure(head, language, "head", size) + SIZED_PADDING_PT > t.widths[c]:
            t.header[c] = re.sub(r"\s*(?=[（(])", "\n", head, count=1)
    for row in t.rows:
        for c, cell in enumerate(row):
            if t.is_whole(c) and not t.numeric[c] and whole_width(cell, language, "text", size) + SIZED_PADDING_PT > t.widths[c]:
                row[c] = re.sub(r"\s*(?=[（(])", "\n", cell, count=1)


def _blocks(blocks: list[Block], loaded: LoadedProgress, state: State, w: Wording) -> list[Block]:
    """The plan's blocks; after an item's own paragraphs, its status line and its completion
    table (in place of its target table)."""
    out: list[Block] = []
    pending: Optional[tuple[Loc, Optional[str]]] = None  # (loc, item id) whose status line is still to come
    plan = loaded.plan.plan
    # an item nobody reported on says so when it is a goal to reach (a leaf of a goals section)
    leaves = {loc for loc, item, level in plan.walk()
              if not item.items and level > 1 and plan.sections[loc[1]].kind == "goals"}
    for block in blocks:
        starts_item = getattr(block, "label", None) is not None or block.kind == "heading"
        if pending and (starts_item or block.kind == "table" or getattr(block, "role", "") == "after"):
            out.extend(_status(pending, state, w, leaves))
            pending = None
        if isinstance(block, Table):  # kind "table"
            table = completion_table(block.loc, state, w, plan)
            if table is not None:
                if out and isinstance(out[-1], (Heading, Para)):  # its introducing line stays on its page
                    out[-1].keep_next = True
                out.append(table)
                out.extend(done_notes(block.loc, state, w))
            continue
        out.append(block)
        if starts_item:
            pending = (block.loc, block.item_id)
    if pending:
        out.extend(_status(pending, state, w, leaves))
    return out


def _status(pending: tuple[Loc, Optional[str]], state: State, w: Wording, leaves: set[Loc]) -> list[Block]:
    loc, item_id = pending
    found = item_state(state, loc, item_id)
    if found is None and loc not in leaves:
        return []
    words = w.status(found.status if found else None) + w.sentence_end
    summary = found.summary if found and found.summary else ""
    return [Para(f"{w.status_label}{w.colon}{words}{summary}".rstrip(), item_id=item_id, loc=loc, role="status")]


def done_notes(loc: Loc, state: State, w: Wording) -> list[Block]:
    """Under an item's completion table, the notes of its done lines (说明（幸福里社区，烟感）：…);
    the appendix's list of open targets carries the others' notes, so each note is printed once."""
    return [Para(w.format("report_note", unit=u.unit_name, what=u.target.target.what, note=u.note), loc=loc, role="status")
            for u in state.lines if u.target.loc[:-2] == loc and u.note and u.status == "done"]


def summary_sentence(state: State, w: Wording, noun: str) -> str:
    """截至…，计划目标共N项（按学校计），已完成…: the report's preface and `plangen progress`'s first line."""
    counted = [u for u in state.lines if u.counts]
    numbers = dict(date=w.date(state.as_of), total=str(len(counted)), done=str(state.count("done")),
                   progress=str(state.count("in-progress")), planned=str(state.count("planned")),
                   overdue=str(len(state.overdue)), dropped=str(state.count("dropped")))
    key = "report_summary" if state.unit is None else "report_summary_unit"
    if numbers["dropped"] == "0":  # no "另有0项已取消" / "0 dropped, not counted"
        del numbers["dropped"]
        key += "_no_dropped"
    if state.unit is not None:  # one unit's (`progress --unit`): a sentence that names it
        return w.named(key, noun, unit=state.unit[1], **numbers)
    return w.named(key, noun, **numbers)


def status_words(u: UnitLine, w: Wording) -> str:
    """A unit's status as printed: 进行中, or 进行中（逾期） when overdue."""
    word = w.status(u.status)
    return w.format("status_overdue", status=word) if u.overdue else word


KEEP_WHOLE = 8  # a target of up to this many rows (its name, units and total) is kept on one page


def completion_table(loc: Loc, state: State, w: Wording, plan: Plan) -> Optional[Table]:
    """An item's targets: for each, a row across the table naming it (事项（单位）, said once,
    not on every row), a row per unit, and the target's total."""
    p, currency, noun = printer(plan), currency_of(plan.document), unit_noun(plan, w)
    mine = [g for g in groups(state) if g[0].target.loc[:-2] == loc]
    if not mine:
        return None
    lines_all = [u for g in mine for u in g]
    money = (any(has_budget(u) for u in lines_all), any(u.spent is not None for u in lines_all))
    header = [w.named("col_school", noun), w.col_planned, w.col_done, w.col_percent, w.col_status]
    spent = w.format("col_spent", currency=currency) if currency else w.spent_plain
    header += [budget_heading(w, "table_budget", currency)] * money[0] + [spent] * money[1]
    table = Table(header, [], [False, True, True, True, False] + [True] * sum(money), loc=loc, role="progress",
                  columns=["names", "planned", "done", "percent", "status"] + ["budget"] * money[0] + ["spent"] * money[1])
    for lines in mine:
        t = lines[0].target.target
        rows = [[u.unit_name, fmt(u.planned), fmt(u.done), percent_text(u.percent), status_words(u, w)]
                + (_line_money(u, money, p, w, len(lines) == 1) if u.counts else [NOT_COUNTED] * sum(money)) for u in lines]
        struck = [not u.counts for u in lines]
        if len(lines) > 1:
            counted = [u for u in lines if u.counts]
            planned, done = totals(lines)
            numbers = [fmt(planned), fmt(done), percent_text(percent(done, planned))] if counted else [NOT_COUNTED] * 2 + [""]
            cells = _money(counted, money, p, target_money(lines)) if counted else [NOT_COUNTED] * sum(money)
            rows.append([w.table_total, *numbers, ""] + cells)
            struck.append(not counted)
        _group(table, w.format("measure_format", what=t.what, measure=t.unit), rows, struck, len(lines) > 1)
    return table


def _group(table: Table, name: str, rows: list[list[str]], struck: list[bool], with_total: bool) -> None:
    """A target's rows added to TABLE under a row across it naming the target: kept on one page
    when there are at most KEEP_WHOLE rows, else its name with its first row (and its total kept
    with the row before it by every table's rule): a longer chain left LibreOffice half a page
    empty before a long target more often than us (A: 30 pages against our 28, now 29)."""
    width = len(table.header)
    whole = len(rows) + 1 <= KEEP_WHOLE
    table.rows += [[name] + [""] * (width - 1)] + rows
    table.spans += [True] + [False] * len(rows)
    table.dropped += [all(struck)] + struck
    table.totals += [False] * len(rows) + [with_total]  # its name and units' rows, then its total (when it has one)
    table.keeps += [True] + [whole for _ in range(len(rows) - 1)] + [False]


def _money(lines: list[UnitLine], columns: tuple[bool, bool], p: Printer, budget: Optional[Decimal]) -> list[str]:
    """The budget and money-spent cells of the counted lines, for the columns the table has."""
    return [p.money(v) for v, shown in zip((budget, money_sum(lines, "spent")), columns) if shown]


def _line_money(u: UnitLine, columns: tuple[bool, bool], p: Printer, w: Wording, alone: bool) -> list[str]:
    """A unit's money cells: its own budget, or the whole target's marked as shared (line_budget)."""
    amount, shared = line_budget(u, alone)
    shown = p.money(amount)
    budget = shared_cell(w.format("budget_shared", amount=shown), shown) if shared else shown
    return [v for v, on in zip((budget, p.money(u.spent)), columns) if on]


def matrix_tables(state: State, w: Wording, plan: Plan) -> list[Table]:
    """Units down the page, targets across (done/planned), a totals row; split into tables
    of at most APPENDIX_MAX_COLUMNS target columns."""
    columns: dict[str, str] = {}
    for u in state.lines:
        columns.setdefault(u.target.target.what, u.target.target.unit)
    used = {u.unit_id for u in state.lines}
    units = [(u.id, u.name) for u in plan.units if u.id in used]
    keys = list(columns)
    noun = unit_noun(plan, w)
    caption = f"{w.appendix_label}{w.colon}{w.named('matrix_title', noun)}"
    tables = []
    for n, chunk in enumerate(_matrix_chunks(keys, columns, units, state, w, plan.document.language), 1):
        header = [w.named("col_school", noun)] + [w.format("measure_format", what=k, measure=columns[k]) for k in chunk]
        body = [[name] + [_cell([u for u in state.lines if u.unit_id == uid and u.target.target.what == k], w)
                          for k in chunk] for uid, name in units]
        body.append([w.appendix_total] + [_cell([u for u in state.lines if u.target.target.what == k], w) for k in chunk])
        part = w.format("appendix_part", part=str(n - 1)) if n > 1 else ""  # （续1） on the second table
        tables.append(Table(header, body, [False] + [True] * len(chunk), caption + part, True, "summary"))
    return tables


def _matrix_chunks(keys: list[str], measures: dict[str, str], units: list[tuple[str, str]], state: State,
                   w: Wording, language: str) -> list[list[str]]:
    """The matrix's target columns cut into as many tables as it takes to fit the text block
    beside the units' names (each name on at most about three lines), at most
    APPENDIX_MAX_COLUMNS a table, the columns shared out evenly between them."""
    cells = {k: [_cell([u for u in state.lines if u.target.target.what == k], w)] for k in keys}
    widths = {k: max(min_width([w.format("measure_format", what=k, measure=measures[k])], False, bold=True, language=language),
                     min_width(cells[k] + ["00/00"], True, language=language)) for k in keys}
    natural = max([measure(name, language, "text") for _, name in units] + [0.0])
    fixed = max(min_width([name for _, name in units], False, language=language),
                min(natural / 3 + APPENDIX_PT, TEXT_WIDTH_PT / 2) + CELL_PADDING_PT)
    n = max(len(chunks(keys, widths, fixed, 0)), -(-len(keys) // APPENDIX_MAX_COLUMNS))  # as many tables as the widths
    return [keys[len(keys) * i // n:len(keys) * (i + 1) // n] for i in range(n)]  # need, of even size (no table of one)


def _cell(lines: list[UnitLine], w: Wording) -> str:
    if not lines:
        return ""
    if all(not u.counts for u in lines):
        return w.status_dropped
    planned, done = totals(lines)
    return f"{fmt(done)}/{fmt(planned)}"


def open_table(state: State, w: Wording, noun: str) -> Table:
    """Every target not done, overdue first, then the dropped ones, with their notes; a target's
    lines under a row across the table naming it with its deadline (事项（单位），完成时限…), as in
    the completion tables: a target's deadline is the same for each unit."""
    order = {id(g[0].target): k for k, g in enumerate(groups(state))}
    lines = [u for u in state.lines if u.status != "done"]
    lines.sort(key=lambda u: (not u.overdue, u.status == "dropped", order[id(u.target)]))
    header = [w.named("col_school", noun), w.col_planned, w.col_done, w.col_status, w.col_note]
    table = Table(header, [], [False, True, True, False, False], f"{w.appendix_label}{w.colon}{w.open_title}",
                  False, "progress", columns=["names", "planned", "done", "status", "note"])
    if not lines:
        table.rows = [[w.open_none] + [""] * 4]
        return table
    for run in _runs(lines):
        t = run[0].target.target
        rows = [[v.unit_name, fmt(v.planned), fmt(v.done), status_words(v, w), v.note or ""] for v in run]
        name = w.format("open_group", what=t.what, measure=t.unit, date=w.date(run[0].due))
        _group(table, name, rows, [not v.counts for v in run], False)
    return table


def _runs(lines: list[UnitLine]) -> list[list[UnitLine]]:
    """Consecutive lines of one target, of one kind (overdue, open, dropped)."""
    runs: list[list[UnitLine]] = []
    for u in lines:
        if runs and u.target is runs[-1][0].target and u.overdue == runs[-1][0].overdue and u.counts == runs[-1][0].counts:
            runs[-1].append(u)
        else:
            runs.append([u])
    return runs
