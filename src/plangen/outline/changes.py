"""What a redline adds to an outline: typed change records, kept beside the blocks.

A plain outline has ``redline = None`` and its blocks carry nothing about changes. A
redline's outline holds one ``Redline``: a mark per block (``blocks[i]`` belongs to
``outline.blocks[i]``, ``appendix[i]`` to ``outline.appendix[i]``), the summary, and the
author and date of the tracked changes. Renderers look a block's mark up by position and
draw it: Word tracked changes, or inserted/deleted/moved text in HTML and PDF."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional, Union

if TYPE_CHECKING:
    from plangen.outline.outline import Table

Runs = list[list[str]]  # [op, text]: "=" kept, "-" deleted, "+" inserted
INSERTED, DELETED = "ins", "del"


@dataclass(frozen=True)
class Move:
    """One end of a moved item: ``side`` "from" (its old place) or "to" (its new place)."""

    name: str  # pairs the two ends, e.g. "move1" (Word's move range name)
    side: str
    note: str  # what the reader sees beside it: 移至 二、（三） / 原 二、（一）


@dataclass
class BlockMark:
    """A heading's or paragraph's change: all of it inserted or deleted, or some words."""

    change: Optional[str] = None  # INSERTED or DELETED: the whole block
    words: Optional[Runs] = None  # a kept block whose words changed
    move: Optional[Move] = None  # the block belongs to a moved item

    def runs(self, text: str) -> Runs:
        """The block's words as runs, whatever kind of change it is."""
        if self.words:
            return self.words
        return [[{INSERTED: "+", DELETED: "-"}.get(self.change or "", "="), text]]


@dataclass
class TableMark:
    """A table's change: the whole table, or rows (header = row 0) and single cells."""

    change: Optional[str] = None
    rows: dict[int, str] = field(default_factory=dict)  # row -> INSERTED / DELETED
    cells: dict[tuple[int, int], Runs] = field(default_factory=dict)  # (row, col) -> runs
    accepted: Optional[Table] = None  # the table once every change is accepted: sizes come from it
    move: Optional[Move] = None
    columns: Optional[tuple[list[str], list[str]]] = None  # a table replaced by the next: (removed, added) headers
    note: str = ""  # ... and that, worded for the reader

    def row(self, row: int) -> Optional[str]:
        return self.change or self.rows.get(row)

    def cell(self, row: int, col: int) -> Optional[Runs]:
        return self.cells.get((row, col))


Mark = Union[BlockMark, TableMark]


@dataclass(frozen=True)
class PlanRef:
    """One side of the comparison, as the summary names it."""

    title: str
    number: str
    revision: str  # which edition: the document's date; with HEAD~1 or the file's name where that alone is not enough


@dataclass
class Redline:
    old: PlanRef
    new: PlanRef
    heading: str  # the summary's title, worded: both plans' titles, numbers and revisions
    legend: tuple[str, str]  # the words for "inserted" and "deleted"
    summary: list[Runs]  # the diff report, a line of runs each
    author: str
    date: str  # YYYY-MM-DD, NEW's document date
    number: Optional[Runs] = None  # the document number's change
    title: Optional[Runs] = None
    subtitle: Optional[Runs] = None  # None: unchanged; one run "+" or "-": added or removed whole
    kind_line: Optional[Runs] = None  # the cover's （工作计划） line
    tagline: Optional[Runs] = None
    preface: list[tuple[str, BlockMark]] = field(default_factory=list)  # OLD's and NEW's paragraphs woven; empty: unchanged
    blocks: list[Optional[Mark]] = field(default_factory=list)
    appendix: list[Optional[Mark]] = field(default_factory=list)

    def block(self, index: int) -> Optional[Mark]:
        return self.blocks[index] if index < len(self.blocks) else None

    def table(self, index: int) -> Optional[Mark]:
        return self.appendix[index] if index < len(self.appendix) else None
