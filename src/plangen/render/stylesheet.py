"""The PDF's stylesheet: parsed once per process, and cheap to cascade.

The HTML carries the theme's CSS in its one ``<style>`` element (the HTML format keeps it
so). For the PDF that element is taken out of the HTML and handed to WeasyPrint as one
parsed stylesheet, first of the author sheets as the ``<style>`` was, so the cascade is the
same; a district's hundred documents parse it once instead of a hundred times.

The role variables (``var(--song)`` ...) are replaced by their values before parsing:
WeasyPrint resolves a ``var()`` again for every element and property that uses it (about
half of a school document's cascade, measured). The replacement is exact only when every
custom property is declared on ``:root`` alone and every ``var()`` names one without a
fallback; otherwise the text is left as it is and WeasyPrint resolves them as before.

A template that writes its ``<style>`` differently (rules of its own, a ``<link>``, more
than one) keeps its CSS inline: the fast path only takes what it can reproduce exactly.
"""
from __future__ import annotations

import re
from typing import Any, Optional

Tokens = list[Any]  # tinycss2's nodes (tinycss2 ships no type information)

CSS_FILES = ("fonts.css", "plan.css", "report.css")  # the theme's stylesheets, as the templates name them
# what WeasyPrint keeps per document rather than per stylesheet: a sheet parsed apart would lose it
_PER_DOCUMENT = re.compile(r"@(counter-style|color-profile)", re.I)
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def marker(name: str) -> str:
    """What stands in the template's output for a stylesheet until it is split off."""
    return f"/*plangen-css:{name}*/"


def split(html: str, css: dict[str, str]) -> tuple[str, str]:
    """(the HTML with an empty <style>, the stylesheet it held) from HTML rendered with
    markers for the theme's stylesheets; (the HTML with its CSS inline, "") when its styles
    are not exactly one plain <style> made of those stylesheets."""
    found = _STYLE.search(html) if html.count("<style") == 1 and "<link" not in html else None
    content = found.group(1) if found else ""
    rest = content
    for name in css:
        rest = rest.replace(marker(name), "")
    outside = found and any(html.count(marker(n)) != content.count(marker(n)) for n in css)
    sheet = content
    for name, text in css.items():
        sheet = sheet.replace(marker(name), text)
    if not found or rest.strip() or outside or _PER_DOCUMENT.search(sheet):
        for name, text in css.items():
            html = html.replace(marker(name), text)
        return html, ""
    return html[:found.start(1)] + html[found.end(1):], sheet


def resolve_vars(css: str, *later: str) -> str:
    """``css`` with each var() replaced by its value on :root, taking the custom properties
    of ``css`` and of the stylesheets that follow it (``later``; !important wins, then the
    last); ``css`` unchanged when that would not be exact."""
    import tinycss2
    values: dict[str, tuple[bool, Tokens]] = {}
    for text in (css, *later):
        if not _root_properties(tinycss2.parse_stylesheet(text, skip_comments=True), values):
            return css
    tokens = tinycss2.parse_component_value_list(css)
    try:
        out: str = tinycss2.serialize(_substitute(tokens, {k: v for k, (_imp, v) in values.items()}, ()))
        return out
    except _NotExact:
        return css


def _root_properties(rules: Tokens, into: dict[str, tuple[bool, Tokens]]) -> bool:
    """Collect the custom properties of :root rules; False when one is declared elsewhere."""
    import tinycss2
    for rule in rules:
        if rule.type not in ("qualified-rule", "at-rule") or rule.content is None:
            continue
        declarations = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
        custom = [d for d in declarations if d.type == "declaration" and d.name.startswith("--")]
        nested = [d for d in declarations if d.type in ("qualified-rule", "at-rule")]
        root = rule.type == "qualified-rule" and tinycss2.serialize(rule.prelude).strip() == ":root"
        if (custom and not root) or (nested and not _root_properties(nested, into)):
            return False
        for d in custom:
            if not d.important and into.get(d.name, (False,))[0]:
                continue
            into[d.name] = (d.important, _strip(d.value))
    return True


def _strip(tokens: Tokens) -> Tokens:
    start, end = 0, len(tokens)
    while start < end and tokens[start].type in ("whitespace", "comment"):
        start += 1
    while end > start and tokens[end - 1].type in ("whitespace", "comment"):
        end -= 1
    return tokens[start:end]


class _NotExact(Exception):
    pass


def _substitute(tokens: Tokens, values: dict[str, Tokens], seen: tuple[str, ...]) -> Tokens:
    out: Tokens = []
    for token in tokens:
        if token.type == "function" and token.lower_name == "var":
            args = _strip(token.arguments)
            if len(args) != 1 or args[0].type != "ident" or args[0].value not in values or args[0].value in seen:
                raise _NotExact  # a fallback, an unknown name or a cycle: WeasyPrint's own rules apply
            out += _substitute(values[args[0].value], values, (*seen, args[0].value))
        elif token.type in ("function", "() block", "[] block", "{} block"):
            inner = token.arguments if token.type == "function" else token.content
            replaced = _substitute(inner, values, seen)
            if replaced != inner:
                token = _copy(token, replaced)
            out.append(token)
        else:
            out.append(token)
    return out


def _copy(token: Any, inner: Tokens) -> Any:
    import copy
    new = copy.copy(token)
    if token.type == "function":
        new.arguments = inner
    else:
        new.content = inner
    return new


_PARSED: dict[tuple[str, str, tuple[Any, ...]], object] = {}


def parsed(css: str, base_url: str, fetcher: Any, font_config: Any, allowed: tuple[Any, ...]) -> Optional[object]:
    """WeasyPrint's CSS of ``css``, once per process for the same text, base and folders."""
    if not css:
        return None
    key = (css, base_url, allowed)
    if key not in _PARSED:
        from weasyprint import CSS
        if len(_PARSED) >= 8:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[key] = CSS(string=css, base_url=base_url, url_fetcher=fetcher, font_config=font_config)
    return _PARSED[key]
