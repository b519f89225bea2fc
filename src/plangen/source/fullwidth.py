"""A full-width colon after a key (`organization：`, `{what: 桌子, quantity： 120}`): the most
likely slip of a Chinese author, typing YAML with a Chinese input method.

YAML reads `organization： 某县` as text, not as a key, and then reports a syntax error on
another line (or "expected a valid dictionary"), never naming the colon. Here every key of
the plan and progress formats followed by "：" is reported on its own line, and the file is
then read with those colons as ":" (for checking only: the file is never built while its
colon errors stay), so the rest of the file is still checked. Only the formats' own keys
count, so a line of a text block that starts "Note：" is left alone.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from plangen.errors import Diagnostic

_BLOCK = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_]*)[ \t]*：")  # a key that starts a line
_FLOW = re.compile(r"([{,][ \t]*)([A-Za-z_][A-Za-z0-9_]*)[ \t]*：")  # a key inside {…}


@lru_cache(maxsize=1)
def keys() -> frozenset[str]:
    """Every key the plan and progress formats have (from their schemas)."""
    from plangen.source.schema import plan_schema, progress_schema
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            found.update(k for k in node.get("properties", {}) if isinstance(k, str))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(plan_schema())
    walk(progress_schema())
    return frozenset(found)


def colons(text: str) -> list[tuple[int, int, str]]:
    """(line, column of the colon, key), 1-based, of every key followed by a full-width colon."""
    if "：" not in text:
        return []
    found = []
    for number, line in enumerate(text.split("\n"), 1):
        if "：" not in line:
            continue
        for match in [_BLOCK.match(line), *_FLOW.finditer(line)]:
            if match is not None and match.group(2) in keys():
                found.append((number, line.index("：", match.end(2)) + 1, match.group(2)))
    return sorted(set(found))


def replaced(text: str, found: list[tuple[int, int, str]]) -> str:
    """The text with those colons as ':' (and a space after, where none was)."""
    lines = text.split("\n")
    for number, col, _key in sorted(found, reverse=True):
        line = lines[number - 1]
        after = line[col:col + 1]
        lines[number - 1] = line[:col - 1] + (":" if after in (" ", "\t", "") else ": ") + line[col:]
    return "\n".join(lines)


def diagnostic(path: str, line: int, col: int, key: str, field: str = "") -> Diagnostic:
    return Diagnostic(path, line, col, field, f"a full-width colon '：' after '{key}': YAML needs ':' (an ASCII colon, "
                                           "then a space); switch the input method to half-width")


_COMMAS = "，、"  # a full-width comma and the enumeration comma a Chinese input method types


def comma_hint(name: str) -> str:
    """For a name that is several names joined by a full-width comma (``for: [a，b]``: YAML reads
    one name), what to type instead; else ""."""
    comma = next((c for c in _COMMAS if c in name), None)
    if comma is None:
        return ""
    return (f"; the full-width '{comma}' does not separate names in […]: YAML needs ',' (an ASCII comma), "
            "so it read one name; switch the input method to half-width")
