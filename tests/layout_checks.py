"""Page-by-page checks of a PDF against the outline it was made from: text inside the text
block, no table torn from the paragraph that introduces it, no heading or caption as the
last line of a page, only the theme's fonts. Each check returns a list of problems (empty
when the PDF passes), each naming the page."""
from __future__ import annotations

import bisect
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from conftest import squash

MM = 72 / 25.4
LEFT, RIGHT = 28 * MM, 595.28 - 26 * MM
TOP, BOTTOM = 37 * MM, 841.89 - 35 * MM
TOLERANCE = 2.0  # points: a glyph's box may overhang its advance slightly
# LibreOffice hangs a full-width ，。；、 at a line's end into the margin (Word's default for
# Chinese, 允许标点溢出边界) whatever w:overflowPunct says: one such character is allowed.
HANGING = set("，。；、：！？）”’")
PAGE_NUMBER = re.compile(r"^[—\-–\s]*\d+[—\-–\s]*$")


@dataclass
class Line:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def pages(pdf: Path) -> list[list[Line]]:
    """Every page's lines, in pdftotext's reading order."""
    html = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    out = []
    for page in re.findall(r"<page [^>]*>(.*?)</page>", html, flags=re.S):
        lines = []
        for attrs, body in re.findall(r"<line ([^>]*)>(.*?)</line>", page, flags=re.S):
            box = [float(v) for v in re.findall(r'="([\d.]+)"', attrs)]
            words = re.findall(r"<word [^>]*>([^<]*)</word>", body)
            lines.append(Line(*box, _unescape(" ".join(words))))
        out.append(lines)
    return out


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def body_lines(page: list[Line]) -> list[Line]:
    """A page's lines without its page number."""
    return [line for line in page if not (line.y0 > BOTTOM - TOLERANCE and PAGE_NUMBER.match(line.text))]


def outside_text_block(doc: list[list[Line]]) -> list[str]:
    problems = []
    for n, page in enumerate(doc, 1):
        for line in body_lines(page):
            hanging = line.text[-1:] in HANGING and line.x1 <= RIGHT + 16.5 + TOLERANCE
            if (line.x0 < LEFT - TOLERANCE or (line.x1 > RIGHT + TOLERANCE and not hanging) or line.y0 < TOP - 12
                    or line.y1 > BOTTOM + TOLERANCE):
                problems.append(f"page {n}: outside the text block {tuple(round(v) for v in (line.x0, line.y0, line.x1, line.y1))}: "
                                f"{line.text[:40]}")
    return problems


def page_texts(doc: list[list[Line]], visual: bool = False) -> list[str]:
    """Each page's body text, in pdftotext's reading order, or (visual) top to bottom and left
    to right: poppler may read a paragraph set right under a table before the table's last
    cells (LibreOffice's PDF of gen-0081 read "i)" before the "a)" above it)."""
    def ordered(page: list[Line]) -> list[Line]:
        lines = body_lines(page)
        return sorted(lines, key=lambda line: (round(line.y0), line.x0)) if visual else lines
    return [squash("".join(line.text for line in ordered(page))) for page in doc]


def _index(doc: list[list[Line]]) -> tuple[str, list[int], list[tuple[int, Line]]]:
    """The body's text squashed and joined; each body line's start in it, and its (page, line)."""
    joined, starts, where = "", [], []
    for n, page in enumerate(doc, 1):
        for line in body_lines(page):
            starts.append(len(joined))
            where.append((n, line))
            joined += squash(line.text)
    return joined, starts, where


def tables_found(doc: list[list[Line]], outline, befores: list | None = None
                 ) -> list[tuple[tuple[int, Line], tuple[int, Line] | None]]:
    """For each target table found in reading order: the (page, line) its header starts on,
    and the (page, line) where the block before it ends (None for none); ``befores`` gets
    that block, table by table."""
    joined, starts, where = _index(doc)
    at = lambda pos: where[bisect.bisect_right(starts, pos) - 1]  # noqa: E731
    page_start = {}
    for start, (page, _line) in zip(starts, where):
        page_start.setdefault(page, start)
    found_tables, cursor, previous, last_table, before_block = [], 0, None, -1, None
    for block in outline.blocks:
        if block.kind == "table":
            # from the top of the page the block before ends on (past any table found already):
            # pdftotext may read a table's header line before a short paragraph beside it
            since = cursor if previous is None else max(last_table + 1, page_start[at(previous)[0]])
            found = joined.find(squash(block.header[0]), since)
            if found >= 0:
                found_tables.append((at(found), None if previous is None else at(previous)))
                last_table = found
                if befores is not None:
                    befores.append(before_block)
            continue
        whole = squash(block.title if block.kind == "heading" else block.text)
        found = joined.find(whole, cursor)  # the whole block: its last characters may repeat inside it
        if found < 0:  # split by something (a label, a line's order): its end, then
            whole = whole[-8:]
            found = joined.find(whole, cursor)
        if found >= 0:
            cursor, previous, before_block = found + len(whole), found + len(whole) - 1, block
    return found_tables


def torn_tables(doc: list[list[Line]], outline, exempt=lambda block: False) -> list[str]:
    """A target table must start on the page where the block before it ends (unless
    ``exempt(block before)``)."""
    befores: list = []
    found = tables_found(doc, outline, befores)
    return [f"page {table[0]}: table torn from its paragraph on page {before[0]}"
            for (table, before), block in zip(found, befores)
            if before is not None and table[0] != before[0] and not exempt(block)]


def table_tops(doc: list[list[Line]], outline) -> list[float]:
    """Where each target table starts on its page: 0 at the text block's top, 1 at its foot."""
    return [(line.y0 - TOP) / (BOTTOM - TOP) for (_page, line), _before in tables_found(doc, outline)]


def last_lines(doc: list[list[Line]], outline) -> list[str]:
    """No heading and no caption is the last line of a page (but the last page)."""
    # whole titles: a paragraph's line may end with a heading's last word; the last block ends the body
    ends = {squash(b.label + b.title) for b in outline.blocks[:-1] if b.kind == "heading"}
    ends |= {squash(t.caption) for t in outline.appendix if t.caption}
    problems = []
    for n, text in enumerate(page_texts(doc)[:-1], 1):
        for end in ends:
            if end and text.endswith(end):
                problems.append(f"page {n}: ends with a heading or caption: …{end[-12:]}")
    return problems


def fonts(pdf: Path) -> list[str]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0] for line in out.splitlines()[2:] if line.strip()]
    return [name.split("+", 1)[-1] for name in names]


def _key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def foreign_fonts(names: list[str], families: list[str]) -> list[str]:
    """The fonts (a PDF's, from `fonts`) that are none of the families (matched by name,
    ignoring region suffixes: LibreOffice names a Noto CJK face by its collection's first name)."""
    keys = [re.sub(r"^arpl", "", re.sub(r"(sc|cn|tc|jp)$", "", _key(f))) for f in families]
    return [f for f in names if not any(k in _key(f) for k in keys)]


