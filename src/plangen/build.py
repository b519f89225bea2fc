"""The orchestrator: plan files in, documents out. Reads top to bottom:

    load the plan -> build the outline (numbering) -> render each format -> write atomically

A plan that fails is reported with its path and the others still build.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from plangen.errors import PlanError, PlangenError, RenderError
from plangen.load import LoadedPlan, load_plan
from plangen.outline import Outline, build_outline
from plangen.theme import Theme, load_theme
from plangen.write import atomic_write, inside, safe_name, unique_names

FORMATS = ("docx", "pdf", "html")
DEFAULT_FORMATS = ("docx", "pdf")


@dataclass(frozen=True)
class Options:
    formats: tuple[str, ...] = DEFAULT_FORMATS
    out: Path = Path("output")
    templates: Optional[Path] = None
    per_unit: bool = False
    pdf_variant: Optional[str] = None


@dataclass
class Result:
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[str, PlangenError]] = field(default_factory=list)
    warnings: list = field(default_factory=list)


def render(outline: Outline, theme: Theme, fmt: str, options: Options) -> bytes:
    if fmt == "docx":
        from plangen.render_docx import render_docx
        return render_docx(outline, theme)
    if fmt == "pdf":
        from plangen.render_pdf import render_pdf
        return render_pdf(outline, theme, options.pdf_variant)
    if fmt == "html":
        from plangen.render_html import render_html
        return render_html(outline, theme).encode("utf-8")
    raise RenderError(f"unknown format {fmt!r}")


def documents(loaded: LoadedPlan, options: Options) -> list[tuple[Optional[str], str]]:
    """(unit id or None, file stem relative to the output folder) for each document."""
    stem = safe_name(Path(loaded.path).stem)
    docs: list[tuple[Optional[str], str]] = [(None, stem)]
    if options.per_unit:
        names = unique_names([u.id for u in loaded.plan.units])
        docs += [(u.id, f"{stem}/{names[u.id]}") for u in loaded.plan.units]
    return docs


def build_plan(path: str, options: Options, theme: Theme,
               progress: Optional[Callable[[str], None]] = None) -> tuple[list[Path], list]:
    loaded = load_plan(path)
    strings = theme.strings(loaded.plan.document.language)
    written = []
    for unit, stem in documents(loaded, options):
        outline = build_outline(loaded.plan, strings, unit)
        for fmt in options.formats:
            target = inside(options.out, f"{stem}.{fmt}")
            try:
                data = render(outline, theme, fmt, options)
            except RenderError as exc:
                raise RenderError(f"{path}: {exc}") from None
            atomic_write(target, data)
            written.append(target)
            if progress:
                progress(str(target))
    return written, loaded.warnings


def build(paths: list[str], options: Options, progress: Optional[Callable[[str], None]] = None) -> Result:
    theme = load_theme(options.templates)
    result = Result()
    for path in paths:
        try:
            written, warnings = build_plan(path, options, theme, progress)
            result.written += written
            result.warnings += warnings
        except (PlanError, RenderError) as exc:
            result.failed.append((path, exc))
    return result
