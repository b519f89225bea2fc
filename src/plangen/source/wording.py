"""The fixed wording of the documents (strings/<lang>.yaml in a template folder), checked
once when it is read, and filled by a safe formatter.

A wording file comes from a template folder, which may come from another office: it is
data. Every name the built-in wording has must be there; the names below are templates
with the placeholders listed and nothing else (no attribute or index access, no nested
fields), and any width or precision is at most MAX_WIDTH. A problem is reported as
``path:line:col: name: what is wrong``.
"""
from __future__ import annotations

import re
import string
from functools import lru_cache
from pathlib import Path

from plangen.errors import Diagnostic, PlanError, RenderError
from plangen.files import FileRefused, read_capped
from plangen.source.yamlsafe import decode, load_yaml

MAX_BYTES = 1_000_000
MAX_WIDTH = 100
# name -> the placeholders it may use (and a sample value of the type it gets)
TEMPLATES = {"recipient": {"unit": "甲校"}, "table_budget": {"currency": "元"}, "appendix_budget": {"currency": "元"},
             "appendix_part": {"part": 2}, "page_number": {"page": 1}, "kind_format": {"kind": "工作计划"}}
LISTS = ("fields",)
_NUMBER = re.compile(r"\d+")


class WordingError(ValueError):
    pass


def safe_format(template: str, allowed: dict, values: dict) -> str:
    """template.format(**values) for a template made only of the allowed placeholders, with
    bounded widths; anything else is a WordingError saying what is wrong."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise WordingError(f"not a valid template ({exc}); write {{{{ and }}}} for a literal brace") from None
    for _literal, name, spec, _conversion in parts:
        if name is None:
            continue
        if name not in allowed:
            names = ", ".join(f"{{{n}}}" for n in allowed)
            raise WordingError(f"unknown placeholder {{{name[:40]}}}" + (f"; this text may use {names}" if names else ""))
        if "{" in (spec or ""):
            raise WordingError(f"the format of {{{name}}} may not contain another placeholder")
        if any(int(n) > MAX_WIDTH for n in _NUMBER.findall(spec or "")):
            raise WordingError(f"the width in {{{name}:{spec[:20]}}} is too large (at most {MAX_WIDTH})")
    try:
        return template.format(**values)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise WordingError(f"cannot be filled in ({exc})") from None


def fill(strings: dict, name: str, **values) -> str:
    """A wording template filled in; the wording was checked when it was read."""
    try:
        return safe_format(strings[name], TEMPLATES[name], values)
    except WordingError as exc:
        raise RenderError(f"wording {name}: {exc}") from None


@lru_cache(maxsize=8)
def load_wording(path: Path, folder: Path, required: tuple[str, ...], _stamp: tuple = ()) -> dict:
    """Read and check a wording file; required: the names it must define (_stamp: the file's
    mtime and size, so that an edited file is read again)."""
    try:
        data = read_capped(path, MAX_BYTES, folder, "wording file")
    except FileRefused as exc:
        raise PlanError([Diagnostic(str(path), 0, 0, "", exc.message)]) from None
    text, diags = decode(data, str(path))
    if text is None:
        raise PlanError(diags)
    values, smap, more = load_yaml(text, str(path))
    if diags or more:
        raise PlanError(diags + more)
    if not isinstance(values, dict):
        found = "a list" if isinstance(values, list) else "empty" if values is None else "one value"
        raise PlanError([Diagnostic(str(path), 1, 1, "", f"wording is a mapping of names to text (found: {found})")])
    problems = [_problem(name, values.get(name), required) for name in dict.fromkeys(required + tuple(values))]
    located = [Diagnostic(str(path), *smap.locate((name,)), name, p) for name, p in zip(
        dict.fromkeys(required + tuple(values)), problems) if p]
    if located:
        raise PlanError(located)
    return {k: [str(x) for x in v] if isinstance(v, list) else str(v) for k, v in values.items()}


def _problem(name: str, value, required: tuple[str, ...]) -> str:
    if value is None:
        return "missing (every name of the built-in wording is needed)" if name in required else ""
    if name in LISTS:
        ok = isinstance(value, list) and value and all(isinstance(x, (str, int, float)) for x in value)
        return "" if ok else "expected a list of text"
    if isinstance(value, (dict, list)):
        return "expected text"
    if name in TEMPLATES:
        try:
            safe_format(str(value), TEMPLATES[name], TEMPLATES[name])
        except WordingError as exc:
            return str(exc)
        if name == "page_number" and str(value).count("{page}") != 1:
            return "needs {page} exactly once"
    return ""
