"""``plangen progress``: plan against actual at a date, as a table, CSV (UTF-8 with BOM, for
Excel and WPS) or JSON. Every number comes from ``outline.progress.compute``."""
from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Optional

from plangen.outline.breaks import display_width
from plangen.outline.columns import budget_heading
from plangen.outline.numbers import Printer, currency_of, to_json
from plangen.outline.outline import unit_noun
from plangen.outline.progress import (
    NOT_COUNTED,
    State,
    UnitLine,
    for_unit,
    groups,
    has_budget,
    line_budget,
    money_sum,
    percent,
    percent_text,
    target_money,
    totals,
)
from plangen.outline.report import status_words, summary_sentence
from plangen.outline.targets import printer
from plangen.outline.wording import Wording
from plangen.render.theme import load_theme
from plangen.source.model import Plan
from plangen.tools.targets_table import unit_id

HEADER = ["item", "what", "unit", "planned", "done", "measure", "percent", "status", "due", "overdue",
          "budget", "budget_shared", "spent", "note"]


def one_unit(state: State, plan: Plan, path: str, wanted: str) -> State:
    """The state of the unit named by --unit (its id or its name; targets_table.unit_id)."""
    uid = unit_id(plan, path, wanted)
    return for_unit(state, uid, plan.unit_names()[uid])



def rows(state: State, p: Printer) -> list[list[str]]:
    """A row per target and unit, then the target's total when it is set for several units.
    Digits only: percent 83, not 83%; a dropped line (or a wholly dropped target's total) has
    no numbers. ``budget`` is a unit's own money and, on a total row, the target's whole
    budget; ``budget_shared`` the whole target's budget its units share (budget_total)."""
    out: list[list[str]] = []
    for lines in groups(state):
        t = lines[0].target
        for u in lines:
            numbers = ([p.quantity(u.planned), p.quantity(u.done), _digits(u.percent)] if u.counts else ["", "", ""])
            out.append([t.item_id or "", t.target.what, u.unit_name, *numbers[:2], t.target.unit, numbers[2], u.status,
                        u.due.isoformat() if u.counts else "", "overdue" if u.overdue else "",
                        *_csv_money([u], u.budget, p), u.note or ""])
        if len(lines) > 1:
            counted = any(u.counts for u in lines)
            planned, done = totals(lines)
            numbers = [p.quantity(planned), p.quantity(done), _digits(percent(done, planned))] if counted else ["", "", ""]
            out.append([t.item_id or "", t.target.what, "total", *numbers[:2], t.target.unit, numbers[2],
                        "" if counted else "dropped", "", "", *_csv_money(lines, target_money(lines), p), ""])
    return out


def _digits(value: Optional[int]) -> str:
    return "" if value is None else str(value)


def _csv_money(lines: list[UnitLine], budget: Optional[Decimal], p: Printer) -> list[str]:
    """budget, budget_shared and spent of lines that count; none for what counts nowhere."""
    counted = [u for u in lines if u.counts]
    if not counted:
        return ["", "", ""]
    return [p.money(budget), p.money(counted[0].shared), p.money(money_sum(counted, "spent"))]


def progress_table(state: State, plan: Plan) -> str:
    """For people, in the plan's language: the report's words (目标, 学校/科室, 计划, 完成 …),
    statuses and dates as the documents print them, a total row per target, then the summary."""
    w = load_theme().wording(plan.document.language)
    noun, p, currency = unit_noun(plan, w), printer(plan), currency_of(plan.document)
    header = [w.table_what, w.named("col_school", noun), w.col_planned, w.col_done, w.measure_header(noun), w.col_percent,
              w.col_status, w.table_deadline, budget_heading(w, "table_budget", currency),
              w.format("col_spent", currency=currency) if currency else w.spent_plain, w.col_note]
    body = []
    for lines in groups(state):
        alone = len(lines) == 1 and state.unit is None  # the target's only row: its total
        body += [_unit_row(u, w, p, alone) for u in lines]
        if len(lines) > 1:
            body.append(_total_row(lines, w, p))
    used = [c for c in range(len(header)) if c < 7 or any(r[c] for r in body)]  # no empty money/note columns
    table = [[r[c] for c in used] for r in [header, *body]]
    widths = [max(display_width(r[i]) for r in table) for i in range(len(used))]
    right = {2, 3, 5, 8, 9}
    out = ["  ".join(_pad(cell, widths[i], used[i] in right) for i, cell in enumerate(r)).rstrip() for r in table]
    return "\n".join([summary_sentence(state, w, noun), *out]) + "\n"


def _unit_row(u: UnitLine, w: Wording, p: Printer, alone: bool) -> list[str]:
    """A target for one unit; a dropped one with no numbers (it counts nowhere): — for planned,
    done and money it has, no percent and no due date."""
    t = u.target.target
    if not u.counts:
        return [t.what, u.unit_name, NOT_COUNTED, NOT_COUNTED, t.unit, "", status_words(u, w), "",
                *_not_counted([u]), u.note or ""]
    amount, shared = line_budget(u, alone)
    budget = w.format("budget_shared", amount=p.money(amount)) if shared else p.money(amount)
    return [t.what, u.unit_name, p.quantity(u.planned), p.quantity(u.done), t.unit, percent_text(u.percent),
            status_words(u, w), w.date(u.due, "deadline_format"), budget, p.money(u.spent), u.note or ""]


def _not_counted(lines: list[UnitLine]) -> list[str]:
    """Budget and spent of lines that count nowhere: NOT_COUNTED where they have any (as the report)."""
    return [NOT_COUNTED if any(has_budget(u) for u in lines) else "",
            NOT_COUNTED if any(u.spent is not None for u in lines) else ""]


def _total_row(lines: list[UnitLine], w: Wording, p: Printer) -> list[str]:
    """A target's total over its counted lines (its whole budget included: target_money); a
    wholly dropped target's says so, no numbers."""
    t = lines[0].target.target
    if not any(u.counts for u in lines):
        return [t.what, w.table_total, NOT_COUNTED, NOT_COUNTED, t.unit, "", w.status("dropped"), "",
                *_not_counted(lines), ""]
    planned, done = totals(lines)
    return [t.what, w.table_total, p.quantity(planned), p.quantity(done), t.unit, percent_text(percent(done, planned)),
            "", "", p.money(target_money(lines)), p.money(money_sum(lines, "spent")), ""]


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
        counts = any(u.counts for u in lines)
        planned, done = totals(lines)
        targets.append({
            "item": t.item_id, "what": t.target.what, "measure": t.target.unit,
            "planned": planned if counts else None, "done": done if counts else None,
            "percent": percent(done, planned), "budget": target_money(lines, own=state.unit is not None),
            "budget_shared": lines[0].shared if counts else None,
            "spent": money_sum(lines, "spent"), "units": [_json_line(u) for u in lines]})
    counted = [u for u in state.lines if u.counts]
    summary = {"targets": len(counted), **{s: state.count(s) for s in ("done", "in-progress", "planned", "dropped")},
               "overdue": len(state.overdue)}
    items = {k: {"status": v.status, "summary": v.summary, "reported": v.reported.isoformat() if v.reported else None}
             for k, v in state.items.items()}
    unit = {"id": state.unit[0], "name": state.unit[1]} if state.unit else None
    return to_json({"as_of": state.as_of.isoformat(), "unit": unit, "summary": summary, "targets": targets,
                    "items": items}, ensure_ascii=False, indent=2) + "\n"


def _json_line(u: UnitLine) -> dict[str, object]:
    """One unit's line; a dropped one carries no numbers (null), as the tables show none."""
    n = u.counts
    return {"id": u.unit_id, "name": u.unit_name, "planned": u.planned if n else None, "done": u.done if n else None,
            "percent": u.percent if n else None, "status": u.status, "due": u.due.isoformat() if n else None,
            "overdue": u.overdue, "budget": u.budget if n else None, "budget_shared": u.shared if n else None,
            "spent": u.spent if n else None, "note": u.note, "reporter": u.reporter,
            "reported": u.reported.isoformat() if u.reported else None}


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap
