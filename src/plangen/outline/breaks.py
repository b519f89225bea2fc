"""Where a title or heading may not break: its last two characters (CJK) or its last two
words (other text) stay on one line, so no last line holds a single character or a lone
short word. Decided here once; the HTML/PDF wraps the tail in a no-break span, the .docx
glues it with characters Word and LibreOffice honour (no line can be measured there)."""
from __future__ import annotations

import re

WORD_JOINER = "\u2060"  # no break on either side, no width (Unicode line-break class WJ)
NO_BREAK_SPACE = "\u00a0"
# a document number or similar code: capitals and digits joined by hyphens or slashes, with a
# digit somewhere (LIB-FAC-2028-01, YK-JH-0026, 0571-87654321, 2025-08-15); never broken at its marks
CODE = re.compile(r"(?<![A-Za-z0-9-])(?=[A-Z/-]*\d)[A-Z0-9]+(?:[-/][A-Z0-9]+)+(?![A-Za-z0-9-])")
_CLOSING = "。，、；：？！）】》」』”’.,;:?!)"  # never start a line: they follow the characters before


def tail(text: str) -> tuple[str, str]:
    """TEXT as (head, tail): the tail must not break inside."""
    words = text.rsplit(" ", 2)
    if text[-2:].isascii() and len(words) == 3 and len(words[2]) < 8:
        return words[0] + " ", words[1] + " " + words[2]
    marks = len(text) - len(text.rstrip(_CLOSING))  # 条件。: the mark goes with the two characters
    cut = max(len(text) - marks - 2, 0)
    return text[:cut], text[cut:]


def glued(text: str) -> tuple[str, str]:
    """TEXT as (head, tail) with the tail held together: a no-break space between two last
    words; a word joiner between two last characters that are not Latin letters or digits
    (between those no line breaks anyway). LibreOffice honours the joiner between CJK
    characters only where the run's East Asian language is not Chinese (its own CJK
    breaking ignores it): the .docx marks the tail's run so (render/docx/xml.add_glued)."""
    head, end = tail(text)
    if " " in end:
        return head, end.replace(" ", NO_BREAK_SPACE)
    if len(end) >= 2 and not (end.isascii() and end.isalnum()) and not any(ch.isspace() for ch in end):
        return head, WORD_JOINER.join(end)
    return head, end


def glued_runs(runs: list) -> list:
    """A redline's runs ([op, text], op "=", "+" or "-") with the last run's tail glued, so
    accepting (or rejecting) gives the text the plain document has. A tail that changed across
    runs stays as it is."""
    if not runs or len(runs[-1][1]) < 2:
        return runs
    op, text = runs[-1]
    head, end = glued(text)
    return [*runs[:-1], *([[op, head]] if head else []), [op, end]]


def unglued(text: str) -> str:
    """Text as a reader searches it: joiners dropped, no-break spaces plain."""
    return text.replace(WORD_JOINER, "").replace(NO_BREAK_SPACE, " ")


def codes(text: str) -> list[tuple[str, bool]]:
    """TEXT in pieces, each (piece, is it a code that must not break)."""
    out: list[tuple[str, bool]] = []
    at = 0
    for m in CODE.finditer(text):
        out.extend([(text[at:m.start()], False)] if m.start() > at else [])
        out.append((m.group(), True))
        at = m.end()
    return out + ([(text[at:], False)] if at < len(text) else [])
