"""The library side of ``plangen progress`` and ``plangen report``: a plan and its progress
file in, the state at a date or the rendered report out."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional

from plangen.errors import UsageError
from plangen.outline.progress import State, compute
from plangen.source.load import load_plan
from plangen.source.progress import is_progress_file, plan_path_of, progress_path
from plangen.source.progress_load import LoadedProgress, load_progress


def load_pair(path: str) -> LoadedProgress:
    """PLAN (or its progress file) -> the progress, checked against the plan."""
    plan_file = plan_path_of(path) if is_progress_file(path) else Path(path)
    progress_file = Path(path) if is_progress_file(path) else progress_path(path)
    plan = load_plan(plan_file)
    if not progress_file.exists():
        raise UsageError(f"{progress_file}: no progress file beside {plan_file} (see README: progress files)")
    return load_progress(progress_file, plan)


def check_file(path: str) -> list:
    """`plangen check` of one file: a plan, and its progress file when there is one; or a
    progress file, against its plan. Returns the warnings; raises PlanError."""
    if is_progress_file(path):
        return load_pair(path).warnings
    loaded = load_plan(path)
    progress = progress_path(path)
    return loaded.warnings + (load_progress(progress, loaded).warnings if progress.exists() else [])


def parse_date(text: Optional[str]) -> Optional[dt.date]:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--as-of {text}: expected a date written as YYYY-MM-DD") from None


def state_at(path: str, as_of: Optional[str]) -> tuple[LoadedProgress, State]:
    loaded = load_pair(path)
    return loaded, compute(loaded, parse_date(as_of))


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
