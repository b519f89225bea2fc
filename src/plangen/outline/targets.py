"""Per-unit targets: expansion of ``for:`` into rows, and the totals matrix.

Quantities and money are Decimal (exact sums). A dropped target (``status: dropped``) is a
row marked as not counting: it is shown where targets are listed, and left out of every
quantity, total and budget here, so tables, the appendix, per-unit documents, ``targets``
and ``diff`` agree. A target's budget is per unit (``budget``) or for the whole target
(``budget_total``, a shared amount not split between its units). A unit's own view (its
document, ``targets --unit``) shows its own budget as its total and the shared amounts
of its targets separately, as shared (``Matrix.budget_total``, ``Matrix.sums``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Optional

from plangen.outline import numbers
from plangen.source.groups import units_for
from plangen.source.model import Plan, Target
from plangen.source.walk import Loc

ZERO = Decimal(0)


@dataclass(frozen=True)
class Row:
    """One target for one unit."""

    loc: Loc
    item_id: Optional[str]
    what: str
    measure: str
    unit_id: str
    unit_name: str
    quantity: Decimal
    budget: Optional[Decimal]  # this unit's money (per-unit budgets only)
    counts: bool = True  # False for a dropped target


@dataclass
class Matrix:
    """Units × items of the targets that count. Quantities summed when an item is set for a
    unit more than once. ``shared``: budgets given for whole targets (not split by unit)."""

    columns: list[tuple[str, str]]  # (what, unit of measure), in first-mention order
    units: list[tuple[str, str]]  # (id, name), in the plan's order
    cells: dict[tuple[str, str], Decimal] = field(default_factory=dict)  # (unit id, what) -> quantity
    budgets: dict[str, Decimal] = field(default_factory=dict)  # unit id -> money
    shared: Decimal = ZERO
    has_budget: bool = False
    dropped: int = 0  # targets left out because they were dropped
    currency: str = ""
    written: int = 0  # the most decimals the plan's amounts use (money in 万元 is printed with them)
    unit: Optional[str] = None  # set: one unit's own view (its document, `targets --unit`)

    def money(self, value: Decimal, language: str) -> str:
        return numbers.money(value, self.currency, language, self.written)

    def column_total(self, what: str) -> Decimal:
        return sum((q for (u, w), q in self.cells.items() if w == what), ZERO)

    def unit_budget(self, unit_id: str) -> Decimal:
        return self.budgets.get(unit_id, ZERO)

    @property
    def has_shared(self) -> bool:
        return self.shared != 0

    @property
    def budget_total(self) -> Decimal:
        """The plan's money: every unit's budget and the shared budgets. A unit's own view: the
        unit's own budget only; the shared budgets of targets it takes part in (``shared``) are
        money it shares with other units, stated beside it as shared, never added to it."""
        if self.unit is not None:
            return self.unit_budget(self.unit)
        return sum(self.budgets.values(), ZERO) + self.shared

    @property
    def sums(self) -> bool:
        """Whether a total (合计) line or column says anything: several units, or the whole
        plan's shared budgets added to its units'. A unit's own view has none: its own column
        is its total."""
        return len(self.units) > 1 or (self.has_shared and self.unit is None)

    def as_json(self) -> dict[str, Any]:
        """The same keys for every plan: null where there is nothing (no budget, no targets)."""
        budget = self.has_budget
        return {
            "currency": self.currency or None,  # none: the plan has no currency
            "columns": [{"what": w, "unit": m, "total": self.column_total(w)} for w, m in self.columns],
            "units": [{"id": uid, "name": name,
                       "quantities": {w: self.cells.get((uid, w)) for w, _ in self.columns},
                       "budget": self.unit_budget(uid) if budget else None}
                      for uid, name in self.units],
            "budget_shared": self.shared if budget else None,
            "budget_total": self.budget_total if budget else None,
            "dropped_targets": self.dropped,
        }


def target_units(plan: Plan, target: Target) -> list[str]:
    return units_for(target.for_, [u.id for u in plan.units], dict(plan.groups))


def expand(plan: Plan) -> list[Row]:
    names = plan.unit_names()
    rows = []
    for loc, item, _level in plan.walk():
        for t, target in enumerate(item.targets):
            for unit_id in target_units(plan, target):
                rows.append(Row(loc + ("targets", t), item.id, target.what, target.unit, unit_id,
                                names.get(unit_id, unit_id), target.quantity, target.budget, target.counts))
    return rows


def matrix(plan: Plan, unit: Optional[str] = None) -> Matrix:
    """The summary matrix of the targets that count, for every unit or for one."""
    rows = [r for r in expand(plan) if unit is None or r.unit_id == unit]
    columns: dict[str, str] = {}
    for r in rows:
        if r.counts:
            columns.setdefault(r.what, r.measure)
    units = [(u.id, u.name) for u in plan.units if unit is None or u.id == unit]
    m = Matrix(list(columns.items()), units, currency=numbers.currency_of(plan.document), written=money_written(plan),
               unit=unit)
    for r in rows:
        if not r.counts:
            continue
        m.cells[(r.unit_id, r.what)] = m.cells.get((r.unit_id, r.what), ZERO) + r.quantity
        if r.budget is not None:
            m.has_budget = True
            m.budgets[r.unit_id] = m.budgets.get(r.unit_id, ZERO) + r.budget
    for _loc, item, _level in plan.walk():
        for target in item.targets:
            mine = unit is None or unit in target_units(plan, target)
            if mine and not target.counts:
                m.dropped += 1
            elif mine and target.budget_total is not None:
                m.has_budget = True
                m.shared += target.budget_total
    return m


def money_written(plan: Plan) -> int:
    """The most decimals any amount of the plan is written with."""
    return numbers.written_places(a for _l, item, _v in plan.walk() for t in item.targets
                                  for a in (t.budget, t.budget_total))


def printer(plan: Plan, plain: bool = False) -> numbers.Printer:
    """How ``plan``'s quantities and money print (``plain``: digits only, for CSV)."""
    return numbers.Printer(numbers.currency_of(plan.document), plan.document.language, money_written(plan), plain)


def target_budget(target: Target, n_units: int) -> Optional[Decimal]:
    """A target's money over ``n_units`` of its units: per-unit budget × units, or its whole
    budget_total (which is not split)."""
    if target.budget is not None:
        return target.budget * n_units
    return target.budget_total


def fmt(value: int | float | Decimal) -> str:
    """A quantity for people (as written, thousands separators): ``numbers.quantity``; kept
    for the progress report's callers."""
    return numbers.quantity(numbers.exact(value))
