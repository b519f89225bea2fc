"""No silent font fallback: every character a document prints is in a font the theme names
for the role that prints it. A character that only another role's face has (𠮷 on a 楷
line: AR PL UKai lacks it, Noto Serif CJK has it) would be drawn in that face without a
word; it is an error naming the character, the role and, in a build, the plan's line."""
from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Optional

from plangen.errors import Diagnostic, RenderError
from plangen.render.theme import Theme, font_charsets, pdf_font_families

if TYPE_CHECKING:
    from plangen.outline.outline import Outline
    from plangen.source.load import LoadedPlan

Loc = tuple


class CoverageError(RenderError):
    """A character no font of its role has. ``scope``: where in the plan the text comes from
    (an item's loc, ("document", "title") ...), for the build to find its line."""

    def __init__(self, where: str, char: str, role: Optional[str], family: str, text: str, scope: Loc):
        self.char, self.scope, self.role = char, scope, role
        self.message = _message(char, role, family)
        super().__init__(f"{where}: {self.message} in \"{text[:40]}\"")


def _message(char: str, role: Optional[str], family: str) -> str:
    named = f" for --{role} ({family})" if role else ""
    fix = f"name a {role} font that has it in fonts.css" if role else "install a font that has it and name it in fonts.css"
    return f"character '{char}' (U+{ord(char):04X}) is in no font of the theme{named}; {fix}"


def _merged(ranges: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Sorted, merged ranges as (starts, ends), for bisection."""
    starts: list[int] = []
    ends: list[int] = []
    for lo, hi in sorted(ranges):
        if ends and lo <= ends[-1] + 1:
            ends[-1] = max(ends[-1], hi)
        else:
            starts.append(lo)
            ends.append(hi)
    return starts, ends


def _covered(merged: tuple[list[int], list[int]], ch: str) -> bool:
    starts, ends = merged
    i = bisect.bisect_right(starts, ord(ch)) - 1
    return i >= 0 and ord(ch) <= ends[i]


def _outline_texts(outline: Outline) -> Iterator[tuple[str, str, Optional[str], Loc]]:
    """(where, text, role, scope) of everything the document prints. ROLE is the one face a
    text must be in where its CSS chain would fall back to another CJK face (plan.css: the
    楷 lines of a Chinese document, `.cover .recipient` and `.h2`); None: any face of the theme."""
    from plangen.outline.outline import Heading, Table
    kai = "kai" if outline.language == "zh" else None
    yield "title", outline.full_title, None, ("document", "title")
    if outline.cover.recipient_line:
        yield "cover: recipient", outline.cover.recipient_line, kai, ("units",)
    for i, f in enumerate(outline.cover.fields):
        yield f"cover: {f.label}", f.caption + (f.value or ""), None, ("document", "fields", i)
    for lines, key in ((outline.preface, "preface"), ([outline.tagline or ""], "tagline")):
        for text in lines:
            yield key, text, None, ("document", key)
    for block in [*outline.blocks, *outline.appendix]:
        if isinstance(block, Table):
            for row in [block.header, *block.rows]:
                yield (block.caption or block.header[0]), " ".join(row), None, block.loc or ("units",)
        elif isinstance(block, Heading):
            yield (block.label or block.title[:12]), block.title, kai if block.level == 2 else None, block.loc
        else:
            yield (block.label or block.text[:12]), block.text, None, block.loc


def check_coverage(outline: Outline, theme: Theme) -> None:
    """Every character the document prints is in a font of its role (or, where the role's
    chain is meant to fall back, in one of the theme's fonts); CoverageError otherwise."""
    charsets = font_charsets()
    if not charsets:  # no fontconfig: check_fonts reports that
        return
    families = pdf_font_families(theme)
    ranges = _role_ranges(charsets, tuple(families.items()))
    fine: set[tuple[Optional[str], str]] = set()  # (role, character) looked up once a document
    for where, text, role, scope in _outline_texts(outline):
        for ch in text:
            if (role, ch) in fine or ch.isspace() or unicodedata.category(ch) == "Cf" or "\ufe00" <= ch <= "\ufe0f":
                continue
            if not _covered(ranges[None], ch):
                raise CoverageError(where, ch, None, "", text, scope)
            if role is not None and role in families and not _covered(ranges[role], ch):
                raise CoverageError(where, ch, role, families[role], text, scope)
            fine.add((role, ch))


_RANGES: dict[tuple[int, tuple[tuple[str, str], ...]], tuple[object, dict[Optional[str], tuple[list[int], list[int]]]]] = {}


def _role_ranges(charsets: dict[str, list[tuple[int, int]]], families: tuple[tuple[str, str], ...],
                 ) -> dict[Optional[str], tuple[list[int], list[int]]]:
    """Merged ranges of all the theme's families (None) and of each role's, once per process
    for the same charsets (merging them took 0.02 s a document)."""
    key = (id(charsets), families)
    if key not in _RANGES or _RANGES[key][0] is not charsets:
        ranges: dict[Optional[str], tuple[list[int], list[int]]] = {
            None: _merged([span for _role, family in families for span in charsets.get(family, [])])}
        for role, family in families:
            ranges[role] = _merged(charsets.get(family, []))
        _RANGES[key] = (charsets, ranges)
    return _RANGES[key][1]


def located(exc: CoverageError, loaded: LoadedPlan) -> str:
    """EXC as `plan.yaml:LINE:COL: field.path: message`: the plan's string that holds the
    character (under the error's scope first, then anywhere in the plan)."""
    data = loaded.plan.model_dump(by_alias=True)
    loc = _holding(_at(data, exc.scope), exc.char, tuple(exc.scope)) or _holding(data, exc.char, ())
    if loc is None:  # wording of the theme, not the plan's
        return str(Diagnostic(loaded.path, 0, 0, "", str(exc)))
    line, col = loaded.source.locate(loc)
    from plangen.source.yamlsafe import dotted
    return str(Diagnostic(loaded.path, line, col, dotted(loc), exc.message))


def _at(data: Any, loc: Loc) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _holding(data: Any, char: str, loc: Loc) -> Optional[Loc]:
    """The loc of the first string in DATA (in document order) that holds CHAR."""
    if isinstance(data, str):
        return loc if char in data else None
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        found = _holding(value, char, (*loc, key))
        if found is not None:
            return found
    return None
