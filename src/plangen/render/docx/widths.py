"""Word table column widths: the outline's, as the PDF draws them."""
from __future__ import annotations

from docx.shared import Mm, Pt

from plangen.outline.outline import Table

TEXT_WIDTH_MM = 156  # A4 minus 28 mm and 26 mm margins


def column_widths(table: Table) -> list:
    """The widths the outline decided for every table (columns.size_tables for target and
    progress tables, columns.lay_out_summary for summaries), in pt, cell margins included."""
    if not table.widths:
        raise ValueError(f"a {table.role} table reached the .docx renderer without widths from the outline")
    return [Pt(w) for w in table.widths]


def type_size(table: Table) -> float:
    """The type size in pt the outline decided with the widths."""
    if table.size is None:
        raise ValueError(f"a {table.role} table reached the .docx renderer without a type size from the outline")
    return table.size


def column_edges(widths: list) -> list[int]:
    """The right edges of columns, in twips from the table's left; the last one at the text block's edge."""
    edges, x = [], 0
    for w in widths:
        x += int(w.twips)
        edges.append(x)
    edges[-1] = int(Mm(TEXT_WIDTH_MM).twips)
    return edges
