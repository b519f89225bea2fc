"""The PDF's stylesheet taken out of the HTML and parsed once (plangen.render.stylesheet):
the same PDF bytes as with the CSS inline, and the inline path whenever the fast one
would not be exact."""
from __future__ import annotations

import pytest

from conftest import SEED
from plangen.render import stylesheet
from plangen.render.stylesheet import marker, resolve_vars, split

CSS = {"fonts.css": ":root { --song: \"Song\"; --body: var(--song); }", "plan.css": "p { font-family: var(--body), serif; }"}
FACES = ':root { --song: "Song subset-1" !important; }'


def page(style: str, body: str = "<p>x</p>") -> str:
    return f"<html><head>{style}</head><body>{body}</body></html>"


def test_split_takes_the_one_style_made_of_the_theme_files():
    html, css = split(page(f"<style>\n{marker('fonts.css')}\n{marker('plan.css')}\n</style>"), CSS)
    assert html == page("<style></style>")
    assert css == f"\n{CSS['fonts.css']}\n{CSS['plan.css']}\n"


@pytest.mark.parametrize("style", [
    "<style>{f} b {{ color: red }}</style>",  # a rule of the template's own
    "<style>{f}</style><style>p {{}}</style>",  # two style elements
    "<link rel=stylesheet href=x.css><style>{f}</style>",  # a linked sheet
    "<style media=print>{f}</style>",  # not a plain <style>
])
def test_split_keeps_other_styles_inline(style):
    html = page(style.format(f=marker("fonts.css")))
    inline, css = split(html, CSS)
    assert css == ""
    assert inline == html.replace(marker("fonts.css"), CSS["fonts.css"])


def test_split_keeps_counter_styles_inline():
    """A @counter-style belongs to the document in WeasyPrint: a sheet parsed apart loses it."""
    css = {"plan.css": "@counter-style x { system: cyclic; symbols: a; }"}
    html, sheet = split(page(f"<style>{marker('plan.css')}</style>"), css)
    assert sheet == "" and "@counter-style x" in html


def test_resolve_vars_uses_the_winning_root_values():
    out = resolve_vars(CSS["fonts.css"] + CSS["plan.css"], FACES)
    assert 'p { font-family: "Song subset-1", serif; }' in out  # !important of the later sheet wins, --body follows
    assert "var(" not in out


@pytest.mark.parametrize("css", [
    "p { font-family: var(--song, serif); }",  # a fallback
    "p { font-family: var(--nobody); }",  # undeclared
    ".en { --song: \"Other\"; } p { font-family: var(--song); }",  # declared below :root
    "@media print { p { --song: \"Other\"; } } p { font-family: var(--song); }",
    ":root { --a: var(--b); --b: var(--a); } p { font-family: var(--a); }",  # a cycle
])
def test_resolve_vars_leaves_what_it_cannot_resolve_exactly(css):
    text = ":root { --song: \"Song\"; }\n" + css
    assert resolve_vars(text) == text


def test_resolve_vars_keeps_strings():
    text = ':root { --song: "Song"; } p::before { content: "var(--song)"; font-family: var(--song); }'
    assert resolve_vars(text) == ':root { --song: "Song"; } p::before { content: "var(--song)"; font-family: "Song"; }'


def test_pdf_is_the_same_with_the_stylesheet_inline(monkeypatch):
    """The fast path (sheet apart, variables resolved, parsed once) against WeasyPrint's own
    handling of the inline <style>: the same bytes."""
    from plangen.build.orchestrator import _load
    from plangen.outline.outline import build_outline
    from plangen.render import pdf
    from plangen.render.html import render_html
    from plangen.render.theme import load_theme
    theme = load_theme(None)
    loaded, text = _load(str(SEED))
    outline = build_outline(loaded.plan, theme.wording(loaded.plan.document.language), None)
    monkeypatch.setattr(stylesheet, "_PARSED", {})
    fast = pdf.render_pdf(outline, theme, characters=text)
    assert stylesheet._PARSED  # the fast path was taken
    monkeypatch.setattr(pdf, "render_html_apart", lambda o, t, forms: (render_html(o, t, forms=forms), ""))
    assert pdf.render_pdf(outline, theme, characters=text) == fast
