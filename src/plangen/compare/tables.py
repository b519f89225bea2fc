"""Tables of a redline compared cell by cell.

Rows are matched by what they are about, never by position: first by all their text cells
(what, measure, for whom: the (what, unit) of a target; the unit's or item's name in the
appendix), then, for rows left over, by their first cell. A matched row keeps its place and
shows only the cells that changed (one struck and one inserted number); an unmatched old row
is a deleted row where it stood, an unmatched new row an inserted one. Tables whose columns
differ are replaced whole, one deletion and one insertion: LibreOffice cannot accept a
tracked column deletion (pitfalls.md)."""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from plangen.compare.diff import inline_diff
from plangen.outline.changes import DELETED, INSERTED, Runs, TableMark
from plangen.outline.outline import Table

Pair = tuple[Optional[int], Optional[int]]  # (old row, new row); None where the row is only on one side


def whole(table: Table, change: str) -> tuple[Table, TableMark]:
    return table, TableMark(change=change, accepted=table)


def compare_table(old: Table, new: Table, language: str) -> list[tuple[Table, TableMark]]:
    if old.header != new.header:  # replaced; the deleted one says which columns changed
        columns = ([h for h in old.header if h not in new.header], [h for h in new.header if h not in old.header])
        return [(old, TableMark(change=DELETED, accepted=old, columns=columns)), whole(new, INSERTED)]
    rows: list[list[str]] = []
    totals: list[bool] = []  # the rows' total flags, each from its own table
    mark = TableMark(accepted=new)
    for i, j in _order(_match(old, new), len(old.rows), len(new.rows)):
        r = len(rows) + 1  # row 0 is the header
        table, k = (old, i) if j is None else (new, j)
        rows.append(table.rows[k])  # type: ignore[index]
        totals.append(table.is_total(k + 1))  # type: ignore[operator]
        if j is None:
            mark.rows[r] = DELETED
        elif i is None:
            mark.rows[r] = INSERTED
        else:
            _cells(mark, r, old.rows[i], new.rows[j], new.numeric, language)
    return [(replace(new, rows=rows, total_row=False, totals=totals), mark)]


def _cells(mark: TableMark, r: int, old: list[str], new: list[str], numeric: list[bool], language: str) -> None:
    for c, (a, b) in enumerate(zip(old, new)):
        if a != b:
            mark.cells[(r, c)] = cell_runs(a, b, numeric[c], language)


def cell_runs(old: str, new: str, numeric: bool, language: str) -> Runs:
    """A number is replaced whole (one struck, one inserted); text changes word by word."""
    if numeric or not old or not new:
        return [[op, text] for op, text in (("-", old), ("+", new)) if text]
    return inline_diff(old, new, language)


def _key(row: list[str], numeric: list[bool]) -> tuple[str, ...]:
    return tuple(cell for cell, n in zip(row, numeric) if not n)


def _match(old: Table, new: Table) -> dict[int, int]:
    """new row -> old row: by every text cell, then by the first cell, in order."""
    pairs: dict[int, int] = {}
    for key in (lambda row: _key(row, new.numeric), lambda row: row[:1]):
        free: dict[tuple[str, ...], list[int]] = {}
        for i, row in enumerate(old.rows):
            if i not in pairs.values():
                free.setdefault(tuple(key(row)), []).append(i)
        for j, row in enumerate(new.rows):
            candidates = free.get(tuple(key(row)))
            if j not in pairs and candidates:
                pairs[j] = candidates.pop(0)
    return pairs


def _order(pairs: dict[int, int], old_count: int, new_count: int) -> list[Pair]:
    """New rows in their order; each deleted old row just before the first kept row that
    followed it in the old table (at the end when none did)."""
    out: list[Pair] = []
    placed: set[int] = set(pairs.values())
    pending = [i for i in range(old_count) if i not in placed]
    for j in range(new_count):
        i = pairs.get(j)
        if i is not None:
            out.extend((k, None) for k in pending if k < i)
            pending = [k for k in pending if k > i]
        out.append((i, j))
    return out + [(k, None) for k in pending]


def compare_appendix(old: list[Table], new: list[Table], language: str) -> list[tuple[Table, TableMark]]:
    """The appendix's tables, paired in order (a district's summary may run over several)."""
    out: list[tuple[Table, TableMark]] = []
    for k, table in enumerate(new):
        if k < len(old) and old[k].caption == table.caption:
            out.extend(compare_table(old[k], table, language))
        else:
            out.extend(([whole(old[k], DELETED)] if k < len(old) else []) + [whole(table, INSERTED)])
    out.extend(whole(table, DELETED) for table in old[len(new):])
    # a unit's column that moved to another part of the appendix was neither removed nor added
    olds, news = {h for t in old for h in t.header}, {h for t in new for h in t.header}
    for _table, mark in out:
        if mark.columns:
            mark.columns = ([h for h in mark.columns[0] if h not in news], [h for h in mark.columns[1] if h not in olds])
    return out
