"""The targets matrix for the terminal (aligned table), spreadsheets (CSV with BOM) and
programs (JSON)."""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from typing import Callable, Optional

from plangen.source.model import Plan
from plangen.outline.targets import fmt, matrix, num


def _rows(plan: Plan, unit: Optional[str], fmt: Callable[[float], str] = fmt) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the matrix; fmt formats numbers (thousands separators for people,
    plain digits for spreadsheets)."""
    m = matrix(plan, unit)
    currency = plan.document.currency
    header = ["unit"] + [f"{what} ({measure})" for what, measure in m.columns]
    if m.has_budget:
        header.append(f"budget ({currency})")
    rows = []
    for uid, name in m.units:
        row = [name] + [fmt(m.cells[(uid, w)]) if (uid, w) in m.cells else "" for w, _ in m.columns]
        rows.append(row + ([fmt(m.unit_budget(uid))] if m.has_budget else []))
    if unit is None:
        rows.append(["total"] + [fmt(m.column_total(w)) for w, _ in m.columns]
                    + ([fmt(m.budget_total)] if m.has_budget else []))
    who_when = schedule(plan, unit)
    for key in SCHEDULE:  # who does what by when, under each item's column
        if any(key in v for v in who_when.values()):
            rows.append([key] + [who_when.get(w, {}).get(key, "") for w, _ in m.columns] + [""] * m.has_budget)
    return header, rows


SCHEDULE = ("deadline", "owner", "status")


def schedule(plan: Plan, unit: Optional[str] = None) -> dict[str, dict[str, str]]:
    """Per item (what): its targets' deadlines, owners and statuses ("; " between different ones)."""
    found: dict[str, dict[str, list[str]]] = {}
    for _loc, item, _level in plan.walk():
        for t in item.targets:
            if unit is not None and t.for_ != "all" and unit not in t.for_:
                continue
            for key in SCHEDULE:
                value = getattr(t, key)
                values = found.setdefault(t.what, {}).setdefault(key, [])
                if value is not None and str(value) not in values:
                    values.append(str(value))
    return {w: {k: "; ".join(v) for k, v in keys.items() if v} for w, keys in found.items()}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def targets_table(plan: Plan, unit: Optional[str] = None) -> str:
    header, rows = _rows(plan, unit)
    widths = [max(_width(r[i]) for r in [header] + rows) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - _width(cell))
            out.append(cell + pad if i == 0 else pad + cell)
        return "  ".join(out).rstrip()
    rule = "  ".join("-" * w for w in widths)
    body = [line(r) for r in rows]
    if unit is None and body:  # a rule above the totals
        body.insert([r[0] for r in rows].index("total"), rule)
    return "\n".join([line(header), rule] + body) + "\n"


def targets_csv(plan: Plan, unit: Optional[str] = None) -> bytes:
    """UTF-8 with a BOM, so Excel and WPS open the Chinese correctly."""
    header, rows = _rows(plan, unit, lambda v: str(num(v)))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def targets_json(plan: Plan, unit: Optional[str] = None) -> str:
    data = {"plan": plan.document.number, "currency": plan.document.currency, **matrix(plan, unit).as_json()}
    who_when = schedule(plan, unit)
    for column in data["columns"]:
        column.update(who_when.get(column["what"], {}))
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
