"""What the preview shows: for each plan, the last good rendering, its errors, a version
that changes whenever either does, and the files the background build wrote."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from plangen.errors import PlanError, PlangenError
from plangen.render.theme import Theme

_BODY = re.compile(r"<body([^>]*)>(.*)</body>", re.S)
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


@dataclass
class Page:
    """One plan's preview: the document's stylesheet and body, as render_html wrote them."""

    path: Path
    version: int = 0
    style: str = ""
    body_attrs: str = ""
    body: str = ""
    errors: list[str] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)  # format -> built file

    @property
    def name(self) -> str:
        return self.path.stem

    def as_json(self) -> dict:
        return {"version": self.version, "style": self.style, "body_attrs": self.body_attrs, "body": self.body,
                "errors": self.errors, "files": sorted(self.files)}


def render_page(path: Path, theme: Theme, against: Optional[str] = None) -> tuple[str, str, str]:
    """(stylesheet, body attributes, body) of a plan, or of its redline against a git revision."""
    from plangen.outline.outline import build_outline
    from plangen.render.html import render_html
    from plangen.source.load import load_plan
    loaded = load_plan(str(path))
    plan = loaded.plan
    if against is None:
        outline = build_outline(plan, theme.wording(plan.document.language))
    else:
        outline = _redline(path, plan, theme, against)
    html = render_html(outline, theme)
    body, style = _BODY.search(html), _STYLE.search(html)
    assert body is not None and style is not None, "render_html writes one <style> and one <body>"
    return style.group(1), body.group(1), body.group(2)


def _redline(path: Path, plan, theme: Theme, against: str):
    from plangen.compare.redline import build_redline
    from plangen.source.load import load_plan_text
    from plangen.source.sources import git_show
    from plangen.source.yamlsafe import decode
    spec = f"{against}:{path.name}"
    text, diags = decode(git_show(against, str(path.resolve()), cwd=path.resolve().parent), spec)
    if text is None:
        raise PlanError(diags)
    old = load_plan_text(text, spec).plan
    return build_redline(old, plan, theme.wording(old.document.language), theme.wording(plan.document.language),
                         spec, str(path))


def refresh(page: Page, theme: Theme) -> bool:
    """Render the plan again; True when what the page shows changed. An invalid plan keeps
    its last good body and gets its errors."""
    try:
        style, attrs, body = render_page(page.path, theme)
        errors: list[str] = []
    except PlanError as exc:
        style, attrs, body = page.style, page.body_attrs, page.body
        errors = [str(d) for d in exc.diagnostics]
    except PlangenError as exc:
        style, attrs, body = page.style, page.body_attrs, page.body
        errors = [str(exc) if str(exc).startswith(str(page.path)) else f"{page.path}: {exc}"]
    changed = (style, attrs, body, errors) != (page.style, page.body_attrs, page.body, page.errors)
    if changed:
        page.style, page.body_attrs, page.body, page.errors = style, attrs, body, errors
        page.version += 1
    return changed
