"""The targets matrix for the terminal (aligned table), spreadsheets (CSV with BOM) and
programs (JSON), worded in the plan's language (its unit noun included). Numbers come
from ``outline.numbers``: exact decimals, money with its currency's decimals."""
from __future__ import annotations

import csv
import io
from typing import Optional

from plangen.errors import PlangenError
from plangen.outline import numbers
from plangen.outline.breaks import display_width
from plangen.outline.columns import budget_heading, shared_label
from plangen.outline.outline import unit_noun
from plangen.outline.targets import Matrix, matrix, printer, target_units
from plangen.outline.wording import Wording
from plangen.source.ids import same_id
from plangen.source.model import Plan
from plangen.suggest import did_you_mean


def unit_id(plan: Plan, path: str, wanted: str) -> str:
    """The unit --unit names: its id, ignoring case as ids are compared (Brecon is brecon), or its
    full name, exactly or ignoring case when one unit has it. An unknown or ambiguous one is an
    error naming the candidates (exit 1: the command line is fine, the plan has no such unit)."""
    names = plan.unit_names()
    for matches in ([u for u in names if same_id(u, wanted)], [u for u, n in names.items() if n == wanted],
                    [u for u, n in names.items() if n.casefold() == wanted.casefold()]):
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise PlangenError(f"{path}: --unit: '{wanted}' names {len(matches)} units "
                               f"({', '.join(matches)}); give one of their ids")
    by_name = {name: uid for uid, name in names.items()}
    hint = did_you_mean(wanted, [*names, *by_name], n=3)
    raise PlangenError(f"{path}: --unit: unknown unit '{wanted}'{hint} (units: {', '.join(names)})")


def _wording(plan: Plan) -> Wording:
    from plangen.render.theme import load_theme
    return load_theme().wording(plan.document.language)


def _rows(plan: Plan, m: Matrix, w: Wording, people: bool, unit: Optional[str] = None) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the matrix: for people with thousands separators, for
    spreadsheets plain digits; money always with its currency's decimals."""
    noun, p = unit_noun(plan, w), printer(plan, plain=not people)
    qty, money = p.quantity, p.money
    header = [w.named("appendix_unit", noun)] + [w.format("measure_format", what=what, measure=measure)
                                                  for what, measure in m.columns]
    budget = [budget_heading(w, "appendix_budget", m.currency)] if m.has_budget else []
    rows = [[name] + [qty(m.cells[(uid, what)]) if (uid, what) in m.cells else "" for what, _ in m.columns]
            + ([money(m.unit_budget(uid))] if m.has_budget else []) for uid, name in m.units]
    if m.has_shared:
        rows.append([shared_label(m, w, noun)] + [""] * len(m.columns) + [money(m.shared)])
    if m.sums:
        rows.append([w.appendix_total] + [qty(m.column_total(what)) for what, _ in m.columns]
                    + ([money(m.budget_total)] if m.has_budget else []))
    who_when = schedule(plan, unit, w)  # statuses worded for people and spreadsheets; JSON keeps the codes
    title = {"deadline": w.table_deadline, "owner": w.table_owner, "status": w.table_status}
    for key in SCHEDULE:  # who does what by when, under each item's column
        if any(key in v for v in who_when.values()):
            rows.append([title[key]] + [who_when.get(what, {}).get(key, "") for what, _ in m.columns] + [""] * m.has_budget)
    return header + budget, rows


SCHEDULE = ("deadline", "owner", "status")


def schedule(plan: Plan, unit: Optional[str] = None, w: Optional[Wording] = None) -> dict[str, dict[str, str]]:
    """Per item (what): its targets' deadlines, owners and statuses ("; " between different ones);
    with wording, statuses in the plan's language (已完成), else as the plan writes them (done)."""
    found: dict[str, dict[str, list[str]]] = {}
    for _loc, item, _level in plan.walk():
        for t in item.targets:
            if unit is not None and unit not in target_units(plan, t):
                continue
            for key in SCHEDULE:
                value = getattr(t, key)
                if key == "status" and value is not None and w is not None:
                    value = w.status(value)
                values = found.setdefault(t.what, {}).setdefault(key, [])
                if value is not None and str(value) not in values:
                    values.append(str(value))
    return {what: {k: "; ".join(v) for k, v in keys.items() if v} for what, keys in found.items()}


def targets_table(plan: Plan, unit: Optional[str] = None) -> str:
    w, m = _wording(plan), matrix(plan, unit)
    if not m.columns:
        return w.named("no_targets", unit_noun(plan, w)) + "\n"
    header, rows = _rows(plan, m, w, people=True, unit=unit)
    widths = [max(display_width(r[i]) for r in [header] + rows) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - display_width(cell))
            out.append(cell + pad if i == 0 else pad + cell)
        return "  ".join(out).rstrip()
    rule = "  ".join("-" * w for w in widths)
    body = [line(r) for r in rows]
    if len(rows) > len(m.units):  # a rule under the units, above the totals and the schedule
        body.insert(len(m.units), rule)
    note = [w.format("targets_dropped", count=str(m.dropped))] if m.dropped else []
    return "\n".join([line(header), rule] + body + note) + "\n"


def targets_csv(plan: Plan, unit: Optional[str] = None) -> bytes:
    """UTF-8 with a BOM, so Excel and WPS open the Chinese correctly."""
    w, m = _wording(plan), matrix(plan, unit)
    header, rows = _rows(plan, m, w, people=False, unit=unit)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def targets_json(plan: Plan, unit: Optional[str] = None) -> str:
    """Always the same keys (null where empty); numbers are the exact decimals."""
    w = _wording(plan)
    data = {"plan": plan.document.number, "language": plan.document.language,
            "unit_noun": unit_noun(plan, w), **matrix(plan, unit).as_json()}
    who_when = schedule(plan, unit)
    for column in data["columns"]:
        column.update({key: who_when.get(column["what"], {}).get(key) for key in SCHEDULE})
    return numbers.to_json(data, ensure_ascii=False, indent=2) + "\n"
