"""How tightly the cover is set, so that it stays on one page whatever the lengths of the
title, the unit's name, the fields and the tagline.

The cover has five settings (``LEVELS``): 0 is the house look; 1 and 2 close the gaps; 3 also
sets the title in 20 pt; 4, the last resort, in 16 pt with the smallest gaps. The outline picks the
first setting whose estimated height fits the A4 text block (225 mm) with a margin; the
renderers lay each setting out with the same numbers (plan.css ``.cover.fit-N``,
render/docx/render.py ``COVER_FIT``). The PDF is measured as well: a cover that still runs
onto a second page is set again one step tighter, and past the last step the build fails
(render/pdf.py), so a PDF never loses its form fields to a second page.

The estimate is deliberately generous: widths per character class of a bold serif face
(CJK 1 em, capitals 0.72 em, other Latin 0.56 em, spaces 0.3 em), lines broken greedily
between words (anywhere in CJK text).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

PT_MM = 25.4 / 72
TEXT_WIDTH_MM = 156.0
TEXT_HEIGHT_MM = 225.0
SAFETY = 0.95  # estimate against 95 % of the text block: word processors differ


@dataclass(frozen=True)
class Fit:
    gaps_mm: float  # the fixed spaces: kind above, title above and below, tagline above
    title_pt: float
    title_line: float  # the title's line height, a multiple of its size
    field_gap_mm: float  # between two fill-in lines
    recipient_pt: float


# mm of gaps: kind above, title above, title below, tagline above (see plan.css and COVER_FIT)
LEVELS = (
    Fit(30 + 10 + 22 + 28, 26, 1.5, 5, 18),
    Fit(20 + 8 + 14 + 16, 26, 1.4, 4, 18),
    Fit(12 + 6 + 10 + 10, 26, 1.3, 3, 18),
    Fit(12 + 6 + 10 + 10, 20, 1.3, 3, 16),
    Fit(4 + 4 + 6 + 6, 16, 1.25, 2, 14),
)
LINE_MM = 28.95 * PT_MM  # one line of the number, the kind, a field (the body's line pitch)
TAGLINE_LINE_MM = 10.5 * 1.5 * PT_MM
TAGLINE_PT = 10.5


def char_em(c: str) -> float:
    """A generous width of one character, in em of a bold serif face."""
    if _wide(c):
        return 1.0
    if c == " ":
        return 0.3
    return 0.72 if c.isupper() or c in "MWmw@%&" else 0.56


def lines(text: str, size_pt: float, width_mm: float = TEXT_WIDTH_MM) -> int:
    """About how many lines ``text`` takes at ``size_pt`` in a column ``width_mm`` wide."""
    room = width_mm / PT_MM / size_pt  # em a line holds
    count, used = 1, 0.0
    for word in _words(text):
        w = sum(char_em(c) for c in word)
        if used and used + w > room:
            count, used = count + 1, 0.0
            word = word.lstrip()
            w = sum(char_em(c) for c in word)
        while w > room:  # a word longer than a line (or CJK text) breaks inside
            count, w = count + 1, w - room
        used += w
    return count


def _wide(c: str) -> bool:
    return unicodedata.east_asian_width(c) in ("W", "F")


def _words(text: str) -> list[str]:
    """Breakable pieces: a Latin word with the space before it, or one CJK character."""
    out: list[str] = []
    for c in text:
        if out and not _wide(c) and c != " " and not _wide(out[-1][-1]):
            out[-1] += c
        else:
            out.append(c)
    return out


def height_mm(fit: Fit, titles: list[str], recipient: str | None, fields: list[str], tagline: str | None) -> float:
    """The estimated height of the cover set with ``fit``."""
    title_lines = sum(lines(t, fit.title_pt) for t in titles if t)
    h = fit.gaps_mm + 2 * LINE_MM + title_lines * fit.title_pt * fit.title_line * PT_MM
    if recipient:
        h += lines(recipient, fit.recipient_pt) * max(LINE_MM, fit.recipient_pt * 1.5 * PT_MM) + 4
    caption_mm = TEXT_WIDTH_MM - 76  # a caption beside its 72 mm blank
    h += sum(lines(f, 16, caption_mm) * LINE_MM + fit.field_gap_mm for f in fields)
    if tagline:
        h += lines(tagline, TAGLINE_PT) * TAGLINE_LINE_MM
    return h


def cover_fit(titles: list[str], cover: Any, tagline: str | None) -> int:
    """The first setting whose cover (outline.Cover) fits; the last one when none does (the PDF
    then measures)."""
    captions = [f.caption for f in cover.fields]
    for level, fit in enumerate(LEVELS):
        if height_mm(fit, titles, cover.recipient_line, captions, tagline) <= TEXT_HEIGHT_MM * SAFETY:
            return level
    return len(LEVELS) - 1
