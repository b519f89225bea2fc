"""Progress files in, validated against their plan: every problem as
``path:line:col: field: message``, naming the plan's line where the plan is involved.

Read by the same YAML reader as plans (``yamlsafe``), typed by ``progress.Progress``, then
checked against the plan: an unknown item, target or unit, a date outside the plan's year,
the same thing reported twice on one date, money spent with more decimals than the plan's
currency has (errors), and a done quantity above the planned one without a note (a warning).
A file with type errors still has its other lines checked against the plan (``_salvaged``),
so every error comes in one run.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Optional, Protocol, TypeVar, Union

from pydantic import BaseModel, ValidationError

from plangen.errors import Diagnostic, PlanError
from plangen.outline.numbers import check_money, currency_of
from plangen.outline.targets import fmt, target_units
from plangen.source.ids import same_id
from plangen.source.load import LoadedPlan, _diagnostic
from plangen.source.model import Target
from plangen.source.progress import Entry, ItemEntry, Progress, TargetEntry, exact
from plangen.source.walk import Loc
from plangen.source.yamlsafe import DEFAULT_LIMITS, SourceMap, decode, dotted, load_yaml, read_file, refused_fields
from plangen.suggest import did_you_mean

# what a thing reported once per date is known by: ("item", date, item id) or ("target", date, target loc, unit)
M = TypeVar("M", bound=BaseModel)
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
        by_id = [t for t in self.all if t.target.id is not None and same_id(t.target.id, name)]
        by_what = [t for t in self.all if t.target.what == name]
        for found in (by_id, by_what):  # an id first; never one of two picked silently
            if len(found) == 1:
                return found[0]
            if found:
                places = ", ".join(self.where(t.loc) for t in found)
                return f"'{name}' names {len(found)} targets ({places}); give each its own id and use it"
        names = sorted({t.key for t in self.all} | {t.target.what for t in self.all})
        hint = did_you_mean(name, names, cutoff=0.5)
        return f"unknown target '{name}' in {self.loaded.path}" + (hint or " (give a target's id or its 'what')")

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
    index = TargetIndex(plan)
    try:
        progress = Progress.model_validate(data)
    except ValidationError as exc:
        refused = refused_fields(diags)
        more = [d for d in (_diagnostic(err, smap, Progress) for err in exc.errors()) if d.field not in refused]
        # the lines that did parse are checked against the plan in the same run (every error at once)
        # (their warnings too: a warning is not lost because an error stands beside it)
        raise PlanError(diags + more + check_progress(_salvaged(data), index, smap)) from None
    problems = check_progress(_parsed(progress), index, smap)
    if diags or any(d.severity == "error" for d in problems):
        raise PlanError(diags + problems)
    return LoadedProgress(progress, path, smap, plan, index, [d for d in problems if d.severity == "warning"])


class EntryLines(NamedTuple):
    """One entry's lines that parsed, each with its index in the file; date None when it did not."""

    position: int
    date: Optional[dt.date]
    targets: list[tuple[int, TargetEntry]]
    items: list[tuple[int, ItemEntry]]


def _parsed(progress: Progress) -> list[EntryLines]:
    return [EntryLines(e, entry.date, list(enumerate(entry.targets)), list(enumerate(entry.items)))
            for e, entry in enumerate(progress.entries)]


def _salvaged(data: dict[str, object]) -> list[EntryLines]:
    """From a file with type errors: every line that is valid on its own, or once its wrong
    optional keys (a bad status, a misspelt key) are left out; those keys are reported already."""
    raw = data.get("entries")
    out: list[EntryLines] = []
    for e, entry in enumerate(raw if isinstance(raw, list) else []):
        if not isinstance(entry, dict):
            continue
        dated = _part(Entry, {"date": entry.get("date")})
        targets = [(t, line) for t, line in _lines(entry.get("targets"), TargetEntry)]
        items = [(i, line) for i, line in _lines(entry.get("items"), ItemEntry)]
        out.append(EntryLines(e, dated.date if dated else None, targets, items))
    return out


def _lines(raw: object, model: type[M]) -> list[tuple[int, M]]:
    found = ((n, _part(model, line)) for n, line in enumerate(raw if isinstance(raw, list) else []))
    return [(n, line) for n, line in found if line is not None]


def _part(model: type[M], raw: object) -> Optional[M]:
    if not isinstance(raw, dict):
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        wrong = {err["loc"][0] for err in exc.errors() if err["loc"]}
    try:
        return model.model_validate({key: value for key, value in raw.items() if key not in wrong})
    except ValidationError:
        return None


def check_progress(entries: list[EntryLines], index: TargetIndex, smap: SourceMap) -> list[Diagnostic]:
    plan = index.loaded.plan
    item_ids = {item.id: loc for loc, item, _ in plan.walk() if item.id}
    out: list[Diagnostic] = []

    def problem(loc: Loc, message: str, severity: str = "error") -> None:
        line, col = smap.locate(loc)
        out.append(Diagnostic(smap.path, line, col, dotted(loc), message, severity))

    seen: dict[OnceKey, Loc] = {}
    for entry in entries:
        here = ("entries", entry.position)
        year = plan.document.year
        if entry.date is not None and entry.date.year != year:
            problem(here + ("date",), f"{entry.date} is outside the plan's year {year} "
                                      f"({index.where(('document', 'year'))})")
        for i, line in entry.items:
            if line.item not in item_ids:
                problem(here + ("items", i, "item"), f"unknown item '{line.item}' in {index.loaded.path}"
                        + did_you_mean(line.item, item_ids))
            if entry.date is not None:
                _once(("item", entry.date, line.item), here + ("items", i, "item"), seen, smap, problem)
        for t, reported in entry.targets:
            _check_target_line(reported, here + ("targets", t), entry.date, index, seen, smap, problem)
    return out


def _check_target_line(line: TargetEntry, loc: Loc, date: Optional[dt.date], index: TargetIndex, seen: dict[OnceKey, Loc],
                       smap: SourceMap, problem: Problem) -> None:
    if line.spent is not None:
        too_fine = check_money(line.spent, currency_of(index.loaded.plan.document))  # the plan's budgets' rule
        if too_fine:
            problem(loc + ("spent",), too_fine)
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
        what = (f"'{unit}' ({names[unit]}) is not one of the units of target" if unit in names
                else f"unknown unit '{unit}' for")
        case = [u for u in names if same_id(u, unit) and unit not in names]  # Brecon for brecon
        hint = f"; write it as the plan does: '{case[0]}'" if case else ""
        close = "" if case or unit in names else did_you_mean(unit, found.units)
        problem(loc + ("unit",), f"{what} '{found.target.what}'{close} "
                                 f"(its units: {', '.join(found.units)}; {index.where(found.loc + ('for',))}){hint}")
        return
    planned = found.target.quantity
    if line.done > exact(planned) and line.note is None:
        problem(loc + ("done",), f"done {fmt(line.done)} is more than the {fmt(planned)} {found.target.unit} planned "
                                 f"({index.where(found.loc + ('quantity',))}); add a note saying why", "warning")
    if date is not None:
        _once(("target", date, found.loc, unit), loc + ("target",), seen, smap, problem)


def _once(key: OnceKey, loc: Loc, seen: dict[OnceKey, Loc], smap: SourceMap, problem: Problem) -> None:
    if key in seen:
        problem(loc, f"reported twice on {key[1]} (first at line {smap.locate(seen[key])[0]})")
    seen.setdefault(key, loc)
