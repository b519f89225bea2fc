"""Progress files in git: ``plangen textconv`` prints each entry's lines with what changed
since the previous report of the same target and unit ("2021-12-20 黄竹林小学 新课桌 20 → 50 套
done"), so ``git log -p`` reads as the year's record; ``plangen diff`` compares two versions
of a progress file at their latest dates."""
from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Optional

from plangen.errors import PlangenError
from plangen.outline.numbers import Printer
from plangen.outline.progress import State, compute
from plangen.outline.targets import fmt, printer
from plangen.source.progress import plan_path_of
from plangen.source.progress_load import LoadedProgress
from plangen.source.walk import Loc
from plangen.source.yamlsafe import read_file

_GIT_TEMP = re.compile(r"^[A-Za-z0-9]{6}_")  # git names a blob's temporary copy XXXXXX_<name>


def _plan_for(path: str) -> Optional[Path]:
    """The plan beside a progress file; for git's temporary copy, plans/<name> here."""
    beside = plan_path_of(path)
    if beside.exists():
        return beside
    candidate = Path("plans") / _GIT_TEMP.sub("", plan_path_of(path).name)
    return candidate if candidate.exists() else None


def textconv_progress(path: str) -> str:
    from plangen.source.load import load_plan
    from plangen.source.progress_load import load_progress
    try:
        plan = _plan_for(path)
        if plan is None:
            raise PlangenError("no plan")
        loaded = load_progress(path, load_plan(plan))
    except PlangenError:  # no plan beside it, or not valid (yet): show it as it is
        try:
            return read_file(path).decode("utf-8", errors="replace")
        except PlangenError:
            return ""
    return "\n".join(history(loaded)) + "\n"


def history(loaded: LoadedProgress) -> list[str]:
    doc = loaded.plan.plan.document
    names = loaded.plan.plan.unit_names()
    lines = [f"progress of {doc.number} {doc.title}"]
    previous: dict[tuple[Loc, str], str] = {}
    for entry in sorted(loaded.progress.entries, key=lambda e: e.date):
        lines.append("")
        lines.append(f"{entry.date}" + (f" reported by {entry.reporter}" if entry.reporter else ""))
        state = compute(loaded, entry.date)
        for line in entry.targets:
            found = loaded.targets.known(line.target)
            unit = line.unit or found.units[0]
            before = previous.get((found.loc, unit), "0")
            status = next(u.status for u in state.lines if u.target is found and u.unit_id == unit)
            extra = "".join(f" · {k} {v}" for k, v in (("spent", line.spent and fmt(line.spent)), ("note", line.note),
                                                         ("by", line.reporter)) if v)
            lines.append(f"{entry.date} {names.get(unit, unit)} {found.target.what} {before} → {fmt(line.done)} "
                         f"{found.target.unit} {status}{extra}")
            previous[(found.loc, unit)] = fmt(line.done)
        for item in entry.items:
            lines.append(f"{entry.date} [{item.item}] {item.status}" + (f": {item.summary}" if item.summary else ""))
    return lines


def changes(old: State, new: State, p: Printer) -> list[str]:
    """What differs between two states, target and unit by unit, then item by item: every value
    a progress line reports (done, status, note, money spent)."""
    before = {(u.target.key, u.unit_id): u for u in old.lines}
    out = []
    for u in new.lines:
        was = before.get((u.target.key, u.unit_id))
        if was is None or (was.done, was.status, was.note, was.spent) != (u.done, u.status, u.note, u.spent):
            old_done, old_spent = (fmt(was.done), was.spent) if was else ("—", None)
            spent = f" · spent {_money(old_spent, p)} → {_money(u.spent, p)}" if old_spent != u.spent else ""
            note = f" · {u.note}" if u.note and (was is None or was.note != u.note) else ""
            out.append(f"{u.unit_name} {u.target.target.what} {old_done} → {fmt(u.done)} {u.target.target.unit} "
                       f"{u.status}{spent}{note}")
    for key in sorted(set(old.items) | set(new.items)):
        a, b = old.items.get(key), new.items.get(key)
        if (a and (a.status, a.summary)) != (b and (b.status, b.summary)):
            out.append(f"[{key}] {a.status if a else '—'} → {b.status if b else '—'}"
                       + (f": {b.summary}" if b and b.summary else ""))
    return out


def _money(value: Optional[Decimal], p: Printer) -> str:
    return "—" if value is None else p.money(value)


def diff_progress(old_spec: str, new_spec: str, form: str) -> tuple[bool, str]:
    """(identical, output) for two progress files (paths or REV:path)."""
    old, new = _load_spec(old_spec), _load_spec(new_spec)
    a, b = compute(old), compute(new)
    lines = changes(a, b, printer(new.plan.plan))
    head = f"progress {old_spec} ({a.as_of}) → {new_spec} ({b.as_of})"
    if form == "json":
        return not lines, json.dumps({"old": old_spec, "new": new_spec, "old_as_of": a.as_of.isoformat(),
                                      "new_as_of": b.as_of.isoformat(), "changes": lines},
                                     ensure_ascii=False, indent=2) + "\n"
    bullet = "- " if form == "markdown" else "  "
    return not lines, "\n".join([head] + [bullet + line for line in lines]) + "\n"


def _load_spec(spec: str) -> LoadedProgress:
    """A progress file and its plan, both from the file system or both from one git revision."""
    from plangen.source.load import load_plan_text
    from plangen.source.progress_load import load_progress_text
    from plangen.source.sources import is_git_spec, read_spec
    if is_git_spec(spec):
        rev, path = spec.split(":", 1)
        plan_spec = f"{rev}:{plan_path_of(path)}"
    else:
        plan_spec = str(plan_path_of(spec))
    plan_text, plan_name = read_spec(plan_spec)
    text, name = read_spec(spec)
    return load_progress_text(text, name, load_plan_text(plan_text, plan_name))
