"""Tabs in a plan's indentation: YAML refuses them, and stops at the first one, which would
hide every other problem of the file.

Each tab YAML refuses is reported on its own line, and the file is read again with the tabs
of that line's indentation replaced by spaces, until it reads (or MAX_TABS is reached); the
rest of the file is then checked as usual. The spaces are only for checking: a file with a
tab is never built, because its tab errors stay. Positions found in the re-read text are
moved back to the file's own columns.

How wide is a tab? Whatever the author's editor showed, which may differ line by line (a
tab for one level here, for two there). For each refused line, widths 2, 4 and 8 are tried
(each tab up to the next multiple, as editors do), then the indentations of the lines just
above (a tab between spaces may fit no width), and the first with which YAML reads furthest is
kept (a width that reads one line further only to fail on the next is not the author's); if
the file still does not read, its next YAML error is reported too.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

from plangen.errors import Diagnostic

WIDTHS = (2, 4, 8)
MAX_TABS = 100  # refused tabs reported and replaced in one file, then the file is given up on
MESSAGE = "a tab in the indentation: YAML indents with spaces only (replace the tab with spaces)"
Compose = Callable[[str], Any]  # YAML text -> node; raises yaml.MarkedYAMLError


def at_tab(text: str, exc: yaml.MarkedYAMLError) -> bool:
    """Whether YAML stopped at a tab (its problem mark is on one)."""
    mark = exc.problem_mark
    return mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t"


class Untabbed:
    """The text with the refused tabs replaced, and where they were."""

    def __init__(self, text: str, compose: Compose):
        self.lines = text.split("\n")
        self.tabs: list[tuple[int, int]] = []  # (line, col) of each refused tab, 1-based
        self.shift: dict[int, tuple[int, int]] = {}  # line -> (new indentation length, added characters)
        self.node: Any = None
        self.error: yaml.MarkedYAMLError | None = None
        self._read(compose)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def _attempt(self, compose: Compose) -> None:
        try:
            self.node, self.error = compose(self.text), None
        except yaml.MarkedYAMLError as exc:
            self.node, self.error = None, exc

    def _stopped_at(self) -> int:
        """The line (0-based) where YAML stopped; past the end when it read the whole text."""
        mark = self.error.problem_mark if self.error is not None else None
        return mark.line if mark is not None else len(self.lines)

    def _read(self, compose: Compose) -> None:
        self._attempt(compose)
        while self.error is not None and at_tab(self.text, self.error) and len(self.tabs) < MAX_TABS:
            index = self._stopped_at()
            original = self.lines[index]
            if "\t" not in original[:len(original) - len(original.lstrip(" \t"))]:
                return  # a tab YAML refuses outside the indentation: its own error stands
            self.tabs.append((index + 1, original.index("\t") + 1))
            self._best(compose, index, original)

    def _best(self, compose: Compose, index: int, original: str) -> None:
        """Line ``index`` with the indentation that lets YAML read furthest: each tab width, then
        the indentation of the lines above (for a tab between spaces no width may fit)."""
        best: tuple[int, int] | None = None  # (how far YAML read, candidate)
        candidates = [*(-w for w in WIDTHS), *self._neighbours(index)]
        for candidate in candidates:
            self._replace(index, original, candidate)
            self._attempt(compose)
            if best is None or self._stopped_at() > best[0]:
                best = (self._stopped_at(), candidate)
            if self.error is None:
                return
        self._replace(index, original, best[1] if best else -WIDTHS[0])
        self._attempt(compose)

    def _neighbours(self, index: int) -> list[int]:
        """Indentations of the nearest lines above: a key's column, and an item's after its '- '."""
        found: list[int] = []
        for line in reversed(self.lines[max(0, index - 3):index]):
            body = line.lstrip(" ")
            if body and not body.startswith("#") and "\t" not in line[:len(line) - len(body)]:
                found.append(len(line) - len(body))
                if body.startswith("- "):
                    found.append(len(line) - len(body.lstrip("- ")))
        return [c for i, c in enumerate(found) if c not in found[:i]]

    def _replace(self, index: int, original: str, how: int) -> None:
        """Line ``index``'s (0-based) indentation as spaces: for ``how`` < 0, its tabs up to the
        next multiple of -how, as an editor shows them; for ``how`` >= 0, ``how`` spaces."""
        body = original.lstrip(" \t")
        indent, column = original[:len(original) - len(body)], 0
        for char in indent if how < 0 else "":
            column = column - how - column % -how if char == "\t" else column + 1
        column = column if how < 0 else how
        self.lines[index] = " " * column + body
        self.shift[index + 1] = (column, column - len(indent))

    def where(self, line: int, col: int) -> tuple[int, int]:
        """A position in the re-read text as a position in the file."""
        new_indent, added = self.shift.get(line, (0, 0))
        if col > new_indent:
            return line, col - added
        return line, max(min(col, new_indent - added), 1)


def tab_errors(path: str, found: Untabbed, fields: dict[int, str]) -> list[Diagnostic]:
    """One line per refused tab, naming the key on its line where there is one."""
    return [Diagnostic(path, line, col, fields.get(line, ""), MESSAGE) for line, col in found.tabs]
