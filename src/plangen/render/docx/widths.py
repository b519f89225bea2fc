"""Word table column widths: what each column wants, fitted to the text block."""
from __future__ import annotations

import re

from docx.shared import Mm, Pt

from plangen.outline.columns import char_em
from plangen.outline.outline import Table

TEXT_WIDTH_MM = 156  # A4 minus 28 mm and 26 mm margins


def column_widths(table: Table, size_pt: float) -> list:
    """The outline's widths where it decided them (columns.size_tables); otherwise column widths that fill the text block: each column gets room for its widest cell
    (headers may wrap onto two lines; long text wraps past 22 characters); when that is too
    wide, every column keeps at least its longest word (numbers whole; CJK text of up to six
    characters whole, longer text four characters a line) and the rest of the block is shared in proportion to what each wants."""
    if table.widths:
        return [Pt(w) for w in table.widths]

    def points(text: str, bold: bool = False) -> float:
        return sum(char_em(ch) for ch in text) * size_pt * (1.08 if bold else 1.0)

    def least(text: str, bold: bool, numeric: bool) -> float:
        if numeric:  # each line whole (18,600.00 / (shared))
            return max(points(line, bold) for line in text.split("\n"))
        words = [points(w, bold) for w in re.findall(r"[^\s\u2e80-\uffef]+", text)]
        cjk = sum(1 for ch in text if ord(ch) > 0x2E80)
        return max(words + [(cjk if cjk <= 6 else 4) * size_pt * (1.08 if bold else 1.0)])
    cap, natural, minimum = 22 * size_pt, [], []
    for col in range(len(table.header)):
        bolds = [table.is_total(k) for k in range(1, len(table.rows) + 1)]
        cells = [points(row[col], b) for row, b in zip(table.rows, bolds)]
        head = table.header[col]
        header = max([points(head, True) / 2, min(points(head, True), 4 * size_pt)]
                     + [points(w, True) for w in head.split() if w.isascii()])
        natural.append(min(max(cells + [header, 2.5 * size_pt]), cap) + 12)  # + cell margins
        # an appendix header may wrap before its bracket: 电脑 / （台）, as the PDF's does
        parts = re.split(r"(?=[（(])", head) if table.role == "summary" else [head]
        minimum.append(max([least(part, True, False) for part in parts] + [least(row[col], b, table.numeric[col])
                                                         for row, b in zip(table.rows, bolds)]) + 12)
    natural = [max(n, m) for n, m in zip(natural, minimum)]
    block = TEXT_WIDTH_MM * 72 / 25.4
    if sum(natural) > block >= sum(minimum):
        room, wants = block - sum(minimum), sum(n - m for n, m in zip(natural, minimum))
        natural = [m + (n - m) * room / wants for n, m in zip(natural, minimum)]
    return [Mm(TEXT_WIDTH_MM * w / sum(natural)) for w in natural]


def column_edges(widths: list) -> list[int]:
    """The right edges of columns, in twips from the table's left; the last one at the text block's edge."""
    edges, x = [], 0
    for w in widths:
        x += int(w.twips)
        edges.append(x)
    edges[-1] = int(Mm(TEXT_WIDTH_MM).twips)
    return edges
