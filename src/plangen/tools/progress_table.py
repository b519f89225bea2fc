"""``plangen progress``: plan against actual at a date, as a table, CSV (UTF-8 with BOM, for
Excel and WPS) or JSON. Every number comes from ``outline.progress.compute``."""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from decimal import Decimal
from typing import Optional

from plangen.outline.progress import State, for_unit, groups, percent, totals
from plangen.outline.targets import fmt
from plangen.source.model import Plan
from plangen.tools.targets_table import unit_id

HEADER = ["item", "what", "unit", "planned", "done", "measure", "percent", "status", "due", "overdue",
          "budget", "spent", "note"]


def one_unit(state: State, plan: Plan, path: str, wanted: str) -> State:
    """The state of the unit named by --unit (its id or its name; targets_table.unit_id)."""
    uid = unit_id(plan, path, wanted)
    return for_unit(state, uid, plan.unit_names()[uid])


def _num(value: Optional[Decimal]) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _pct(value: Optional[int]) -> str:
    return "" if value is None else f"{value}%"


def rows(state: State) -> list[list[str]]:
    """A row per target and unit, then the target's total when it is set for several units."""
    out: list[list[str]] = []
    for lines in groups(state):
        t = lines[0].target
        for u in lines:
            out.append([t.item_id or "", t.target.what, u.unit_name, fmt(u.planned), fmt(u.done), t.target.unit,
                        _pct(u.percent), u.status, u.due.isoformat(), "overdue" if u.overdue else "",
                        fmt(u.budget) if u.budget is not None else "", fmt(u.spent) if u.spent is not None else "",
                        u.note or ""])
        if len(lines) > 1:
            planned, done = totals(lines)
            budget = [u.budget for u in lines if u.counts and u.budget is not None]
            spent = [u.spent for u in lines if u.counts and u.spent is not None]
            out.append([t.item_id or "", t.target.what, "total", fmt(planned), fmt(done), t.target.unit,
                        _pct(percent(done, planned)), "", "", "", fmt(sum(budget, Decimal(0))) if budget else "",
                        fmt(sum(spent, Decimal(0))) if spent else "", ""])
    return out


def progress_table(state: State) -> str:
    table = [HEADER] + rows(state)
    widths = [max(_width(r[c]) for r in table) for c in range(len(HEADER))]
    lines = ["  ".join(_pad(cell, widths[c], c in (3, 4, 6, 10, 11)) for c, cell in enumerate(r)).rstrip()
             for r in table]
    head = f"as of {state.as_of}" + (f", {state.unit[1]} ({state.unit[0]}) only" if state.unit else "")
    return head + "\n" + "\n".join(lines) + "\n" + summary_line(state) + "\n"


def summary_line(state: State) -> str:
    counted = [u for u in state.lines if u.counts]
    return (f"{state.count('done')} of {len(counted)} done, {state.count('in-progress')} in progress, "
            f"{state.count('planned')} not started, {len(state.overdue)} overdue, {state.count('dropped')} dropped")


def progress_csv(state: State) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows(state))
    return "\ufeff".encode("utf-8") + buf.getvalue().encode("utf-8")


def progress_json(state: State) -> str:
    targets = []
    for lines in groups(state):
        t = lines[0].target
        planned, done = totals(lines)
        targets.append({
            "item": t.item_id, "what": t.target.what, "measure": t.target.unit,
            "planned": _num(planned), "done": _num(done), "percent": percent(done, planned),
            "units": [{"id": u.unit_id, "name": u.unit_name, "planned": _num(u.planned), "done": _num(u.done),
                       "percent": u.percent, "status": u.status, "due": u.due.isoformat(), "overdue": u.overdue,
                       "budget": _num(u.budget), "spent": _num(u.spent), "note": u.note, "reporter": u.reporter,
                       "reported": u.reported.isoformat() if u.reported else None} for u in lines]})
    counted = [u for u in state.lines if u.counts]
    summary = {"targets": len(counted), **{s: state.count(s) for s in ("done", "in-progress", "planned", "dropped")},
               "overdue": len(state.overdue)}
    items = {k: {"status": v.status, "summary": v.summary, "reported": v.reported.isoformat() if v.reported else None}
             for k, v in state.items.items()}
    unit = {"id": state.unit[0], "name": state.unit[1]} if state.unit else None
    return json.dumps({"as_of": state.as_of.isoformat(), "unit": unit, "summary": summary, "targets": targets, "items": items},
                      ensure_ascii=False, indent=2) + "\n"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap
