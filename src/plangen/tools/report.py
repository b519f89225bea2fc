"""The library side of ``plangen progress`` and ``plangen report``: a plan and its progress
file in, the state at a date or the rendered report out."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional

from plangen.errors import Diagnostic, UsageError
from plangen.outline.progress import State, UnitLine, compute, plan_claims_more
from plangen.outline.targets import fmt
from plangen.source.dates import impossible_date
from plangen.source.load import load_plan
from plangen.source.progress import is_progress_file, plan_path_of, progress_path
from plangen.source.progress_load import LoadedProgress, load_progress
from plangen.source.yamlsafe import dotted


def load_pair(path: str) -> LoadedProgress:
    """PLAN (or its progress file) -> the progress, checked against the plan."""
    plan_file = plan_path_of(path) if is_progress_file(path) else Path(path)
    progress_file = Path(path) if is_progress_file(path) else progress_path(path)
    plan = load_plan(plan_file)
    if not progress_file.exists():
        raise UsageError(f"{progress_file}: no progress file beside {plan_file} (see README: progress files)")
    loaded = load_progress(progress_file, plan)
    loaded.warnings += status_warnings(loaded)
    return loaded


def status_warnings(loaded: LoadedProgress) -> list[Diagnostic]:
    """A warning at each target whose status in the plan says more than its latest progress
    line does (plan_claims_more), naming both and that line."""
    return [_disagreement(loaded, u) for u in compute(loaded).lines
            if u.source is not None and plan_claims_more(u.target.target.status, u.status)]


def _disagreement(loaded: LoadedProgress, u: UnitLine) -> Diagnostic:
    source = u.source
    at = next(("entries", i, "targets", j) for i, e in enumerate(loaded.progress.entries)
              for j, t in enumerate(e.targets) if t is source)
    written = source is not None and source.status is not None
    pline, pcol = loaded.source.locate(at + ("status",) if written else at)
    said = "" if written else f" (done {fmt(u.done)} of {fmt(u.planned)})"
    loc = u.target.loc + ("status",)
    line, col = loaded.plan.source.locate(loc)
    return Diagnostic(loaded.plan.path, line, col, dotted(loc),
                      f"the plan says {u.target.target.status}, but the latest progress for {u.unit_name} says "
                      f"{u.status}{said} ({loaded.path}:{pline}:{pcol}, {u.reported}); reports follow the progress file",
                      "warning")


def check_file(path: str) -> list[Diagnostic]:
    """`plangen check` of one file: a plan, and its progress file when there is one; or a
    progress file, against its plan. Returns the warnings; raises PlanError."""
    if is_progress_file(path) or progress_path(path).exists():
        loaded = load_pair(path)
        return (loaded.plan.warnings if not is_progress_file(path) else []) + loaded.warnings
    return load_plan(path).warnings


def parse_date(text: Optional[str]) -> Optional[dt.date]:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        why = impossible_date(text)  # 2027-02-30: written right, but no such day
        raise UsageError(f"--as-of {text}: " + (why or "expected a date written as YYYY-MM-DD")) from None


def state_at(path: str, as_of: Optional[str]) -> tuple[LoadedProgress, State]:
    loaded = load_pair(path)
    when = parse_date(as_of)
    year = loaded.plan.plan.document.year
    if when is not None and when.year < year:  # nothing was reported yet; the plan's own statuses still count
        line, col = loaded.plan.source.locate(("document", "year"))
        loaded.warnings.append(Diagnostic(loaded.plan.path, line, col, "document.year",
                                          f"--as-of {when} is before the plan's year {year}: no progress is reported "
                                          "by then, only what the plan itself says is done counts", "warning"))
    return loaded, compute(loaded, when)


def render_report(loaded: LoadedProgress, state: State, suffix: str, templates: Optional[str] = None) -> bytes:
    """The report in the format of a file suffix (.docx, .pdf, .html), through the one registry."""
    from plangen.outline.report import build_report
    from plangen.render import RENDERERS, for_path
    from plangen.render.theme import load_theme
    target = for_path(suffix)
    if target is None:
        suffixes = [r.suffix for r in RENDERERS.values()]
        raise UsageError(f"the report's file must end in {', '.join(suffixes[:-1])} or {suffixes[-1]}")
    theme = load_theme(templates)
    outline = build_report(loaded, state, theme.wording(loaded.plan.plan.document.language))
    return target.render(outline, theme)
