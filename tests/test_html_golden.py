"""Golden files for the HTML stage. After an intended change, regenerate them with

    PLANGEN_REGENERATE=1 .venv/bin/python -m pytest tests/test_html_golden.py

and review the diff in git like any other change. The goldens link the stylesheets instead of
embedding them (the test checks they are embedded whole, then swaps them for `<link>`s), so a CSS
edit changes no golden file."""
from __future__ import annotations

import difflib
import os
import re

import pytest

from conftest import PLANS, ROOT
from docs import outline_of
from plangen.render.html import render_html
from plangen.render.theme import load_theme

GOLDEN = ROOT / "tests" / "golden"
STYLESHEETS = ("fonts.css", "plan.css")


def with_linked_stylesheets(html: str, theme) -> str:
    """The HTML with its one `<style>` element, which must hold the stylesheets whole and in
    order, replaced by a `<link>` to each stylesheet's name."""
    embedded = "<style>\n" + "\n".join(theme.read_text(name) for name in STYLESHEETS) + "\n</style>"
    assert html.count(embedded) == 1 and html.count("<style") == 1, "the stylesheets are not embedded whole, once"
    return html.replace(embedded, "\n".join(f'<link rel="stylesheet" href="{name}">' for name in STYLESHEETS))


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.stem)
def test_html_matches_golden(plan):
    theme = load_theme()
    html = with_linked_stylesheets(render_html(outline_of(plan), theme), theme)
    golden = GOLDEN / f"{plan.stem}.html"
    if os.environ.get("PLANGEN_REGENERATE"):
        golden.write_text(html, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    if html != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), html.splitlines(True), "golden", "now", n=1))
        pytest.fail(f"{golden.name} differs (regenerate if intended):\n{diff[:3000]}")


def test_plan_text_is_escaped_not_markup():
    o = outline_of(PLANS[0])
    o.blocks[0].title = '<link rel="attachment" href="file:///etc/passwd">{{ 7*7 }}'
    html = re.sub(r'<span class="(?:nobr|gap)">|</span>', "", render_html(o, load_theme()))
    assert "&lt;link rel=&#34;attachment&#34; href=&#34;file:///etc/passwd&#34;&gt;{{ 7*7 }}" in html
    assert '<link rel="attachment"' not in html
