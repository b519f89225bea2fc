"""Progress files in, validated against their plan: every problem as
``path:line:col: field: message``, naming the plan's line where the plan is involved.

Read by the same YAML reader as plans (``yamlsafe``), typed by ``progress.Progress``, then
checked against the plan: an unknown item, target or unit, a date outside the plan's year,
the same thing reported twice on one date (errors), and a done quantity above the planned
one without a note (a warning).
"""
from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Protocol, Union

from pydantic import ValidationError

from plangen.errors import Diagnostic, PlanError
from plangen.outline.targets import fmt, target_units
from plangen.source.load import LoadedPlan, _diagnostic
from plangen.source.model import Target
from plangen.source.progress import Progress, TargetEntry, exact
from plangen.source.walk import Loc
from plangen.source.yamlsafe import DEFAULT_LIMITS, SourceMap, decode, dotted, load_yaml, read_file, refused_fields

# what a thing reported once per date is known by: ("item", date, item id) or ("target", date, target loc, unit)
OnceKey = Union[tuple[str, dt.date, str], tuple[str, dt.date, Loc, str]]


class Problem(Protocol):
    """Records a diagnostic at a place in the progress file."""

    def __call__(self, loc: Loc, message: str, severity: str = "error") -> None: ...


@dataclass
class LoadedProgress:
    progress: Progress
    path: str
    source: SourceMap
    plan: LoadedPlan
    targets: TargetIndex
    warnings: list[Diagnostic] = field(default_factory=list)


@dataclass
class PlanTarget:
    """A target of the plan, with where it is."""

    loc: Loc
    item_id: Optional[str]
    target: Target
    units: list[str]

    @property
    def key(self) -> str:
        """How progress names it: its id, else its 'what'."""
        return self.target.id or self.target.what


class TargetIndex:
    """The plan's targets, found by id or by 'what'."""

    def __init__(self, loaded: LoadedPlan):
        self.loaded = loaded
        self.all: list[PlanTarget] = []
        for loc, item, _level in loaded.plan.walk():
            for t, target in enumerate(item.targets):
                self.all.append(PlanTarget(loc + ("targets", t), item.id, target, target_units(loaded.plan, target)))

    def where(self, loc: Loc) -> str:
        line, col = self.loaded.source.locate(loc)
        return f"{self.loaded.path}:{line}:{col}"

    def find(self, name: str) -> PlanTarget | str:
        """The target a progress line names, or why none."""
        by_id = [t for t in self.all if t.target.id == name]
        if by_id:
            return by_id[0]
        by_what = [t for t in self.all if t.target.what == name]
        if len(by_what) == 1:
            return by_what[0]
        if by_what:
            places = ", ".join(self.where(t.loc) for t in by_what)
            return f"'{name}' names {len(by_what)} targets ({places}); give each an id and use it"
        names = sorted({t.key for t in self.all})
        hint = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
        return (f"unknown target '{name}' in {self.loaded.path}"
                      + (f"; did you mean '{hint[0]}'?" if hint else " (give a target's id or its 'what')"))

    def known(self, name: str) -> PlanTarget:
        """The target a line of a loaded progress file names (``load_progress`` refused any other)."""
        found = self.find(name)
        if isinstance(found, str):
            raise LookupError(found)
        return found


def load_progress(path: str | Path, plan: LoadedPlan) -> LoadedProgress:
    shown = str(path)
    text, diags = decode(read_file(path), shown, DEFAULT_LIMITS)
    if text is None:
        raise PlanError(diags)
    return load_progress_text(text, shown, plan)


def load_progress_text(text: str, path: str, plan: LoadedPlan) -> LoadedProgress:
    data, smap, diags = load_yaml(text, path, DEFAULT_LIMITS)
    if data is None:
        raise PlanError(diags or [Diagnostic(path, 1, 1, "", "the file is empty")])
    if not isinstance(data, dict):
        raise PlanError(diags + [Diagnostic(path, 1, 1, "", "a progress file is a mapping of keys (progress, entries)")])
    try:
        progress = Progress.model_validate(data)
    except ValidationError as exc:
        refused = refused_fields(diags)
        more = [d for d in (_diagnostic(err, smap, Progress) for err in exc.errors()) if d.field not in refused]
        raise PlanError(diags + more) from None
    index = TargetIndex(plan)
    problems = check_progress(progress, index, smap)
    errors = [d for d in problems if d.severity == "error"]
    if diags or errors:
        raise PlanError(diags + errors)
    return LoadedProgress(progress, path, smap, plan, index, [d for d in problems if d.severity == "warning"])


def check_progress(progress: Progress, index: TargetIndex, smap: SourceMap) -> list[Diagnostic]:
    plan = index.loaded.plan
    item_ids = {item.id: loc for loc, item, _ in plan.walk() if item.id}
    out: list[Diagnostic] = []

    def problem(loc: Loc, message: str, severity: str = "error") -> None:
        line, col = smap.locate(loc)
        out.append(Diagnostic(smap.path, line, col, dotted(loc), message, severity))

    seen: dict[OnceKey, Loc] = {}
    for e, entry in enumerate(progress.entries):
        here = ("entries", e)
        year = plan.document.year
        if entry.date.year != year:
            problem(here + ("date",), f"{entry.date} is outside the plan's year {year} "
                                      f"({index.where(('document', 'year'))})")
        for i, line in enumerate(entry.items):
            if line.item not in item_ids:
                hint = difflib.get_close_matches(line.item, list(item_ids), n=1, cutoff=0.6)
                problem(here + ("items", i, "item"), f"unknown item '{line.item}' in {index.loaded.path}"
                        + (f"; did you mean '{hint[0]}'?" if hint else ""))
            key = ("item", entry.date, line.item)
            _once(key, here + ("items", i, "item"), seen, smap, problem)
        for t, reported in enumerate(entry.targets):
            _check_target_line(reported, here + ("targets", t), entry.date, index, seen, smap, problem)
    return out


def _check_target_line(line: TargetEntry, loc: Loc, date: dt.date, index: TargetIndex, seen: dict[OnceKey, Loc],
                       smap: SourceMap, problem: Problem) -> None:
    found = index.find(line.target)
    if isinstance(found, str):
        problem(loc + ("target",), found)
        return
    names = index.loaded.plan.unit_names()
    if line.unit is None and len(found.units) > 1:
        problem(loc + ("unit",), f"required: '{line.target}' is set for {len(found.units)} units "
                     f"({', '.join(found.units)}; {index.where(found.loc)})")
        return
    unit = line.unit or found.units[0]
    if unit not in found.units:
        known = "unknown unit" if unit not in names else "unit not in this target"
        problem(loc + ("unit",), f"{known} '{unit}' for '{found.target.what}' "
                                 f"(its units: {', '.join(found.units)}; {index.where(found.loc + ('for',))})")
        return
    planned = found.target.quantity
    if line.done > exact(planned) and line.note is None:
        problem(loc + ("done",), f"done {fmt(line.done)} is more than the {fmt(planned)} {found.target.unit} planned "
                                 f"({index.where(found.loc + ('quantity',))}); add a note saying why", "warning")
    _once(("target", date, found.loc, unit), loc + ("target",), seen, smap, problem)


def _once(key: OnceKey, loc: Loc, seen: dict[OnceKey, Loc], smap: SourceMap, problem: Problem) -> None:
    if key in seen:
        problem(loc, f"reported twice on {key[1]} (first at line {smap.locate(seen[key])[0]})")
    seen.setdefault(key, loc)
