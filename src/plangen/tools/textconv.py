"""A plan as numbered text, one paragraph a line: what `git diff` shows for plan files
when git is told to use `plangen textconv` (see README "Plans in git")."""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from plangen.errors import PlangenError
from plangen.outline import numbers
from plangen.outline.outline import Heading, Para, build_outline
from plangen.outline.targets import target_units
from plangen.render.theme import load_theme
from plangen.source.yamlsafe import read_file

if TYPE_CHECKING:
    from plangen.source.model import Plan, Target


def textconv(path: str) -> str:
    from plangen.source.load import load_plan
    from plangen.source.progress import is_progress_file
    if is_progress_file(path):
        from plangen.tools.progress_text import textconv_progress
        return textconv_progress(path)
    try:
        loaded = load_plan(path)
    except PlangenError:
        try:  # not a valid plan (yet): show it as it is, so git diff still works
            return read_file(path).decode("utf-8", errors="replace")
        except PlangenError:
            return ""
    plan = loaded.plan
    doc = plan.document
    outline = build_outline(plan, load_theme().wording(doc.language))
    names = plan.unit_names()
    subtitle = "" if not doc.subtitle else doc.subtitle if doc.language == "zh" else f" {doc.subtitle}"
    lines = [f"{doc.number} {doc.title}{subtitle}",
             f"year: {doc.year} · organization: {doc.organization} · language: {doc.language}"]
    lines += [f"field {f.label}: {f.value or '____'}" for f in outline.cover.fields]
    lines += [f"preface: {p}" for p in outline.preface]
    lines.append("units: " + ", ".join(f"{u.id}={u.name}" for u in plan.units))
    lines.append("")
    items = {loc: item for loc, item, _ in plan.walk()}
    gap = outline.label_gap  # "1. Introduction" in English, "一、总体目标" in Chinese, as printed
    for block in outline.blocks:
        if isinstance(block, Heading):
            lines.append(f"{block.label}{gap}{block.title}{_ident(block.item_id, block.label)}")
        elif isinstance(block, Para):
            label = f"{block.label}{gap}" if block.label else "    "
            lines.append(f"{label}{block.text}{_ident(block.item_id, block.label)}")
        else:
            for target in items[block.loc].targets:
                lines.append(_target_line(plan, target, names))
    return "\n".join(lines) + "\n"


def _target_line(plan: Plan, target: Target, names: dict[str, str]) -> str:
    whom = target.for_
    if whom == "all":
        who = "all"
    elif isinstance(whom, list):
        who = ", ".join(names.get(u, u) for u in whom)  # unit ids and group names
    else:
        who = "all except " + ", ".join(names.get(u, u) for u in whom.all_except)
    values = (("budget", target.budget), ("budget_total", target.budget_total), ("deadline", target.deadline),
              ("owner", target.owner), ("status", target.status))
    extra = "".join(f" · {k} {numbers.plain(v) if isinstance(v, Decimal) else v}" for k, v in values if v is not None)
    n = len(target_units(plan, target))
    return (f"    target {target.what}: {numbers.plain(target.quantity)} {target.unit} × {who}"
            f" = {numbers.plain(target.quantity * n)} {target.unit}{extra}")


def _ident(item_id: str | None, label: str | None) -> str:
    """A numbered block's item id, shown so a diff names the item."""
    return f"  [{item_id}]" if item_id and label else ""
