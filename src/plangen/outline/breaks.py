"""Where a title or heading may not break: its last two characters (CJK) or its last two
words (other text) stay on one line, so no last line holds a single character or a lone
short word. Decided here once; the HTML/PDF wraps the tail in a no-break span, the .docx
glues it with characters Word and LibreOffice honour (no line can be measured there)."""
from __future__ import annotations

import re
import unicodedata

WORD_JOINER = "\u2060"  # no break on either side, no width (Unicode line-break class WJ)
NO_BREAK_SPACE = "\u00a0"
# a document number, model number or similar code: letters and digits joined by hyphens or slashes,
# with a digit somewhere (LIB-FAC-2028-01, DS-2CD3T46WDV3-I3, x86-64, 0571-87654321, 2025-08-15); never
# broken at its marks. A word without digits (Hay-on-Wye, Wi-Fi) may break after its hyphen.
CODE = re.compile(r"(?<![A-Za-z0-9-])(?=[A-Za-z/-]*\d)[A-Za-z0-9]+(?:[-/][A-Za-z0-9]+)+(?![A-Za-z0-9-])")
# what a table cell holds on one line besides codes: a date (2027年6月30日, 6月30日, 30 Jun 2027); a
# header also a short bracketed note (（万元）, （次/日）, (USD)). A table's column is never narrower than
# one (columns._WORD, _HEAD_WORD), and both formats keep it whole there (held_pieces)
_DATE = r"\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日|\d{1,2} [A-Z][a-z]{2,8}\.? \d{4}"
_NOTE = r"[（(][^（）()\s][^（）()\n]{0,6}[）)]"
HELD = re.compile(rf"{_DATE}|{CODE.pattern}")
HELD_HEAD = re.compile(rf"{_DATE}|{_NOTE}|{CODE.pattern}")
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


def display_width(text: str) -> int:
    """TEXT's width as a terminal shows it, in columns: a CJK (wide or fullwidth) character counts 2."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def held(text: str) -> str:
    """TEXT with each code's hyphens and slashes between word joiners, for the .docx: LibreOffice
    7.4 then keeps every code whole (28 of 28 placings of DS-2CD3T46WDV3-I3 at a line's end, and of
    0571-87654321); Word's non-breaking hyphen (w:noBreakHyphen, U+2011) made it break anywhere in
    the code instead (0571-8765 / 4321: 20 to 23 of 28 whole)."""
    return "".join(re.sub(r"[-/]", lambda m: WORD_JOINER + m.group() + WORD_JOINER, piece) if code else piece
                   for piece, code in codes(text))


def held_pieces(text: str, head: bool = False, last: bool = False) -> list[tuple[str, bool]]:
    """A table cell's TEXT in pieces, each (piece, is it held on one line: HELD, or HELD_HEAD in a
    HEAD). With LAST (a body cell of text), a CJK tail is held too (tail: its last two characters
    and their marks), so no name or word ends alone on its cell's last line (A区智慧园区物业服务有限公 / 司)."""
    pieces = _pieces(text, HELD_HEAD if head else HELD)
    if last and pieces and not pieces[-1][1]:
        start, end = tail(pieces[-1][0])
        if len(end) >= 2 and not end.isascii() and not any(ch.isspace() for ch in end):
            pieces[-1:] = [(start, False)] * bool(start) + [(end, True)]
    return pieces


def held_text(text: str, head: bool = False, last: bool = False) -> str:
    """A table cell's TEXT for the .docx, its held pieces (held_pieces) glued (codes are held
    apart: held)."""
    return "".join(glue(p) if whole else p for p, whole in held_pieces(text, head, last))


def glue(piece: str) -> str:
    """PIECE on one line in the .docx: spaces no-break, and, unless it is all ASCII, its
    characters joined by word joiners."""
    kept = piece.replace(" ", NO_BREAK_SPACE)
    return kept if piece.isascii() else WORD_JOINER.join(kept)


def codes(text: str) -> list[tuple[str, bool]]:
    """TEXT in pieces, each (piece, is it a code that must not break)."""
    return _pieces(text, CODE)


def _pieces(text: str, pattern: re.Pattern) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    at = 0
    for m in pattern.finditer(text):
        out.extend([(text[at:m.start()], False)] if m.start() > at else [])
        out.append((m.group(), True))
        at = m.end()
    return out + ([(text[at:], False)] if at < len(text) else [])
