"""``plangen progress``: plan against actual at a date, as a table, CSV (UTF-8 with BOM, for
Excel and WPS) or JSON. Every number comes from ``outline.progress.compute``."""
from __future__ import annotations

import csv
import io
import unicodedata
from decimal import Decimal
from typing import Optional

from plangen.outline.numbers import Printer, to_json
from plangen.outline.progress import State, UnitLine, for_unit, groups, percent, totals
from plangen.outline.targets import printer
from plangen.source.model import Plan
from plangen.tools.targets_table import unit_id

HEADER = ["item", "what", "unit", "planned", "done", "measure", "percent", "status", "due", "overdue",
          "budget", "spent", "note"]


def one_unit(state: State, plan: Plan, path: str, wanted: str) -> State:
    """The state of the unit named by --unit (its id or its name; targets_table.unit_id)."""
    uid = unit_id(plan, path, wanted)
    return for_unit(state, uid, plan.unit_names()[uid])


def _pct(value: Optional[int]) -> str:
    return "" if value is None else f"{value}%"


def rows(state: State, p: Printer) -> list[list[str]]:
    """A row per target and unit, then the target's total when it is set for several units."""
    out: list[list[str]] = []
    for lines in groups(state):
        t = lines[0].target
        for u in lines:
            out.append([t.item_id or "", t.target.what, u.unit_name, p.quantity(u.planned), p.quantity(u.done),
                        t.target.unit, _pct(u.percent), u.status, u.due.isoformat(), "overdue" if u.overdue else "",
                        p.money(u.budget), p.money(u.spent), u.note or ""])
        if len(lines) > 1:
            planned, done = totals(lines)
            out.append([t.item_id or "", t.target.what, "total", p.quantity(planned), p.quantity(done), t.target.unit,
                        _pct(percent(done, planned)), "", "", "", p.money(_sum(lines, "budget")),
                        p.money(_sum(lines, "spent")), ""])
    return out


def _sum(lines: list[UnitLine], name: str) -> Optional[Decimal]:
    """The total of the counted units' budget or spent money; None when none has one."""
    values = [getattr(u, name) for u in lines if u.counts and getattr(u, name) is not None]
    return sum(values, Decimal(0)) if values else None


def progress_table(state: State, plan: Plan) -> str:
    table = [HEADER] + rows(state, printer(plan))
    widths = [max(_width(r[c]) for r in table) for c in range(len(HEADER))]
    lines = ["  ".join(_pad(cell, widths[c], c in (3, 4, 6, 10, 11)) for c, cell in enumerate(r)).rstrip()
             for r in table]
    head = f"as of {state.as_of}" + (f", {state.unit[1]} ({state.unit[0]}) only" if state.unit else "")
    return head + "\n" + "\n".join(lines) + "\n" + summary_line(state) + "\n"


def summary_line(state: State) -> str:
    counted = [u for u in state.lines if u.counts]
    return (f"{state.count('done')} of {len(counted)} done, {state.count('in-progress')} in progress, "
            f"{state.count('planned')} not started, {len(state.overdue)} overdue, {state.count('dropped')} dropped")


def progress_csv(state: State, plan: Plan) -> bytes:
    """Digits only (2250.00, 1200): what a spreadsheet reads as numbers."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows(state, printer(plan, plain=True)))
    return "\ufeff".encode("utf-8") + buf.getvalue().encode("utf-8")


def progress_json(state: State, plan: Plan) -> str:
    """Every number exact (numbers.to_json: Decimals never pass through float)."""
    targets = []
    for lines in groups(state):
        t = lines[0].target
        planned, done = totals(lines)
        targets.append({
            "item": t.item_id, "what": t.target.what, "measure": t.target.unit,
            "planned": planned, "done": done, "percent": percent(done, planned),
            "units": [{"id": u.unit_id, "name": u.unit_name, "planned": u.planned, "done": u.done,
                       "percent": u.percent, "status": u.status, "due": u.due.isoformat(), "overdue": u.overdue,
                       "budget": u.budget, "spent": u.spent, "note": u.note, "reporter": u.reporter,
                       "reported": u.reported.isoformat() if u.reported else None} for u in lines]})
    counted = [u for u in state.lines if u.counts]
    summary = {"targets": len(counted), **{s: state.count(s) for s in ("done", "in-progress", "planned", "dropped")},
               "overdue": len(state.overdue)}
    items = {k: {"status": v.status, "summary": v.summary, "reported": v.reported.isoformat() if v.reported else None}
             for k, v in state.items.items()}
    unit = {"id": state.unit[0], "name": state.unit[1]} if state.unit else None
    return to_json({"as_of": state.as_of.isoformat(), "unit": unit, "summary": summary, "targets": targets,
                    "items": items}, ensure_ascii=False, indent=2) + "\n"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap
