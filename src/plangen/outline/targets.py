"""Per-unit targets: expansion of 'all' and unit lists into rows, and the totals matrix."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from plangen.source.model import Plan, Target
from plangen.source.walk import Loc


@dataclass(frozen=True)
class Row:
    """One target for one unit."""

    loc: Loc
    item_id: Optional[str]
    what: str
    measure: str
    unit_id: str
    unit_name: str
    quantity: float
    budget: Optional[float]


@dataclass
class Matrix:
    """Units × items. Quantities summed when an item is set for a unit more than once."""

    columns: list[tuple[str, str]]  # (what, unit of measure), in first-mention order
    units: list[tuple[str, str]]  # (id, name), in the plan's order
    cells: dict[tuple[str, str], float] = field(default_factory=dict)  # (unit id, what) -> quantity
    budgets: dict[str, float] = field(default_factory=dict)  # unit id -> money
    has_budget: bool = False

    def column_total(self, what: str) -> float:
        return sum(q for (u, w), q in self.cells.items() if w == what)

    def unit_budget(self, unit_id: str) -> float:
        return self.budgets.get(unit_id, 0)

    @property
    def budget_total(self) -> float:
        return sum(self.budgets.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "columns": [{"what": w, "unit": m, "total": num(self.column_total(w))} for w, m in self.columns],
            "units": [{"id": uid, "name": name,
                       "quantities": {w: num(self.cells[(uid, w)]) for w, _ in self.columns if (uid, w) in self.cells},
                       **({"budget": num(self.unit_budget(uid))} if self.has_budget else {})}
                      for uid, name in self.units],
            **({"budget_total": num(self.budget_total)} if self.has_budget else {}),
        }


def num(value: float) -> int | float:
    """50.0 -> 50, 1.5 -> 1.5: quantities print the way people write them."""
    return int(value) if float(value).is_integer() else value


def fmt(value: float) -> str:
    n = num(value)
    return f"{n:,}" if abs(n) >= 1000 else str(n)


def target_units(plan: Plan, target: Target) -> list[str]:
    return [u.id for u in plan.units] if target.for_ == "all" else list(target.for_)


def expand(plan: Plan) -> list[Row]:
    names = plan.unit_names()
    rows = []
    for loc, item, _level in plan.walk():
        for t, target in enumerate(item.targets):
            for unit_id in target_units(plan, target):
                rows.append(Row(loc + ("targets", t), item.id, target.what, target.unit, unit_id,
                                names.get(unit_id, unit_id), target.quantity, target.budget))
    return rows


def matrix(plan: Plan, unit: Optional[str] = None) -> Matrix:
    """The summary matrix, for every unit or for one."""
    rows = [r for r in expand(plan) if unit is None or r.unit_id == unit]
    columns: dict[str, str] = {}
    for r in rows:
        columns.setdefault(r.what, r.measure)
    units = [(u.id, u.name) for u in plan.units if unit is None or u.id == unit]
    m = Matrix(list(columns.items()), units)
    for r in rows:
        m.cells[(r.unit_id, r.what)] = m.cells.get((r.unit_id, r.what), 0) + r.quantity
        if r.budget is not None:
            m.has_budget = True
            m.budgets[r.unit_id] = m.budgets.get(r.unit_id, 0) + r.budget
    return m
