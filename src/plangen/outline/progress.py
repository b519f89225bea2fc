"""Plan against actual at a date: every target for every unit with planned, done, percent,
status, budget and money spent, and each item's status and what was done.

The one place that decides what "done", "overdue" and a percentage mean:
- the latest entry on or before the date wins (done quantities are cumulative);
- status: the entry's, else the plan's ``dropped``; for a target and unit the progress file
  has no line on, the plan's ``done`` (done = planned) or ``in-progress``; else done when done
  reaches planned, in-progress when above 0, else planned;
- a target without a deadline is due by the end of the plan's year; overdue = the date is
  after the due date and the status is neither done nor dropped;
- percent = done / planned, rounded half up to a whole percent (none when planned is 0);
- dropped targets count in no total, and show no numbers (planned, done, percent, due, money);
- a target's budget is decided as the plan's tables decide it (``targets.target_budget``):
  per-unit budgets summed over the lines that count, or the whole target's ``budget_total``,
  never split between units; a unit's line shows that whole budget as shared (``line_budget``).
The date is given, or the latest entry's date; never the clock.
The progress file is the record of the year, so where it has a line its status wins over a
target's ``status`` in the plan (the plan stays as decided); ``plan_claims_more`` says when the two disagree
enough for ``plangen check`` to warn.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional

from plangen.outline.targets import target_budget
from plangen.source.progress import Entry, TargetEntry, exact
from plangen.source.progress_load import LoadedProgress, PlanTarget
from plangen.source.walk import Loc

Report = tuple[Entry, TargetEntry]  # the latest progress line on a target for a unit, and its entry


def percent(done: Decimal, planned: Decimal) -> Optional[int]:
    if planned == 0:
        return None
    return int((done * 100 / planned).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class UnitLine:
    """One target for one unit, at the date."""

    target: PlanTarget
    unit_id: str
    unit_name: str
    planned: Decimal
    done: Decimal
    status: str
    due: dt.date
    overdue: bool
    budget: Optional[Decimal]  # the unit's own money (a per-unit budget)
    spent: Optional[Decimal]
    note: Optional[str]
    reporter: Optional[str]
    reported: Optional[dt.date]  # the date of the entry this comes from
    source: Optional[TargetEntry] = None  # the progress line it comes from
    shared: Optional[Decimal] = None  # the whole target's budget_total, which the unit shares with the others

    @property
    def percent(self) -> Optional[int]:
        return percent(self.done, self.planned)

    @property
    def counts(self) -> bool:
        return self.status != "dropped"


@dataclass
class ItemState:
    item_id: str
    status: Optional[str]  # None: nothing reported and no targets to tell
    summary: Optional[str]
    reported: Optional[dt.date]


@dataclass
class State:
    as_of: dt.date
    lines: list[UnitLine]
    items: dict[str, ItemState] = field(default_factory=dict)
    unit: Optional[tuple[str, str]] = None  # (id, name) when the state is one unit's (for_unit)

    def for_target(self, target: PlanTarget) -> list[UnitLine]:
        return [u for u in self.lines if u.target is target]

    def count(self, status: str) -> int:
        return sum(1 for u in self.lines if u.status == status)

    @property
    def overdue(self) -> list[UnitLine]:
        return [u for u in self.lines if u.overdue]


def for_unit(state: State, unit_id: str, name: str) -> State:
    """The state of one unit only: its lines; items stay the plan's (item lines name no unit)."""
    return State(state.as_of, [u for u in state.lines if u.unit_id == unit_id], state.items, (unit_id, name))


def groups(state: State) -> list[list[UnitLine]]:
    """The lines of each target, in the plan's order."""
    out: dict[Loc, list[UnitLine]] = {}
    for line in state.lines:
        out.setdefault(line.target.loc, []).append(line)
    return list(out.values())


def totals(lines: list[UnitLine]) -> tuple[Decimal, Decimal]:
    """Planned and done over lines, dropped ones left out."""
    counted = [u for u in lines if u.counts]
    return sum((u.planned for u in counted), Decimal(0)), sum((u.done for u in counted), Decimal(0))


# What tables for people (the report, `plangen progress`) print where a dropped line's money or
# a wholly dropped target's totals would be: they count nowhere, so no number stands there.
NOT_COUNTED = "\u2014"


def money_sum(lines: list[UnitLine], name: str) -> Optional[Decimal]:
    """The counted lines' ``budget`` or ``spent`` money; None when none of them has any."""
    values = [getattr(u, name) for u in lines if u.counts and getattr(u, name) is not None]
    return sum(values, Decimal(0)) if values else None


def target_money(lines: list[UnitLine], own: bool = False) -> Optional[Decimal]:
    """A target's budget over its lines that count: ``targets.target_budget`` (the per-unit budget
    times those units, or the whole ``budget_total``, not split), as the plan's tables and
    ``plangen targets`` print it; None when it has no budget or none of its lines counts.
    ``own``: a unit's own view, its own budget only (a shared one is stated apart, as
    ``Matrix.budget_total`` does)."""
    counted = [u for u in lines if u.counts]
    if not counted or (own and counted[0].budget is None):
        return None
    amount = target_budget(lines[0].target.target, len(counted))
    return exact(amount) if amount is not None else None


def has_budget(u: UnitLine) -> bool:
    return u.budget is not None or u.shared is not None


def line_budget(u: UnitLine, alone: bool) -> tuple[Optional[Decimal], bool]:
    """A line's budget cell as (amount, shared): the unit's own budget; for a target with a whole
    budget, that budget marked as shared (never the unit's own) — unless the line is its target's
    only one in a view of every unit (``alone``): then its row is the target's, the amount plain."""
    if u.budget is not None or u.shared is None:
        return u.budget, False
    return u.shared, not alone


def percent_text(value: Optional[int]) -> str:
    """A percentage as printed (102%), blank when there is none (nothing planned)."""
    return "" if value is None else f"{value}%"


def latest_date(loaded: LoadedProgress) -> dt.date:
    return max(e.date for e in loaded.progress.entries)


def compute(loaded: LoadedProgress, as_of: Optional[dt.date] = None) -> State:
    as_of = as_of or latest_date(loaded)
    entries = sorted((e for e in loaded.progress.entries if e.date <= as_of), key=lambda e: e.date)
    reports: dict[tuple[Loc, str], Report] = {}  # (target loc, unit) -> (entry, line)
    for entry in entries:
        for line in entry.targets:
            found = loaded.targets.known(line.target)
            unit = line.unit or found.units[0]
            reports[(found.loc, unit)] = (entry, line)
    plan = loaded.plan.plan
    names = plan.unit_names()
    year_end = dt.date(plan.document.year, 12, 31)
    lines = [_line(t, unit, names.get(unit, unit), reports.get((t.loc, unit)), as_of, year_end)
             for t in loaded.targets.all for unit in t.units]
    state = State(as_of, lines)
    _items(state, loaded, entries)
    return state


def _line(t: PlanTarget, unit: str, name: str, report: Optional[Report], as_of: dt.date, year_end: dt.date) -> UnitLine:
    planned = exact(t.target.quantity)
    entry, line = report if report else (None, None)
    reporter = (report[1].reporter or report[0].reporter) if report else None
    done = line.done if line else Decimal(0)
    if line is not None and line.status:
        status = line.status
    elif t.target.status == "dropped":
        status = "dropped"
    elif line is None and t.target.status in ("done", "in-progress"):  # the record is silent: the plan speaks
        status = t.target.status
        done = planned if status == "done" else done
    else:
        status = "done" if done >= planned else "in-progress" if done > 0 else "planned"
    due = t.target.deadline or year_end
    budget = exact(t.target.budget) if t.target.budget is not None else None
    shared = exact(t.target.budget_total) if t.target.budget_total is not None else None
    return UnitLine(t, unit, name, planned, done, status, due, as_of > due and status not in ("done", "dropped"),
                    budget, line.spent if line else None, line.note if line else None,
                    reporter, entry.date if entry else None, line, shared)


_RANK = {"planned": 0, "in-progress": 1, "done": 2}


def plan_claims_more(plan_status: Optional[str], progress_status: str) -> bool:
    """Whether a target's status in the plan says more than its latest progress: done in the
    plan but in progress in the record, or dropped in the plan but still reported. A plan
    behind its record (planned, and done since) or a target dropped during the year is not."""
    if plan_status is None or plan_status == progress_status or progress_status == "dropped":
        return False
    return plan_status == "dropped" or _RANK[plan_status] > _RANK[progress_status]


def _items(state: State, loaded: LoadedProgress, entries: list[Entry]) -> None:
    for entry in entries:
        for line in entry.items:
            state.items[line.item] = ItemState(line.item, line.status, line.summary, entry.date)


def item_state(state: State, loc: Loc, item_id: Optional[str]) -> Optional[ItemState]:
    """An item's reported state; else one told by its own targets (all done: done; none
    started: planned; all dropped: dropped; else in-progress); None when neither exists."""
    if item_id is not None and item_id in state.items:
        return state.items[item_id]
    lines = [u for u in state.lines if u.target.loc[:-2] == loc]
    mine = [u for u in lines if u.counts]
    if not mine:
        return ItemState(item_id or "", "dropped", None, None) if lines else None
    statuses = {u.status for u in mine}
    status = "done" if statuses == {"done"} else "planned" if statuses == {"planned"} else "in-progress"
    return ItemState(item_id or "", status, None, None)
