"""A redline: NEW's outline with OLD's blocks woven in and a change record for each block.

Items are matched as in ``diff`` (by id, then by similarity). A kept item's blocks are
compared (changed words as runs, target tables cell by cell: ``compare.tables``); an added
item's blocks are inserted; a removed item's blocks (its subtree, as it stood in OLD, with
its old labels) are deleted where they stood; a moved item appears twice, deleted at its old
place ("moved to …") and inserted at its new one ("was …"), which Word shows as a move.
Removing every inserted block gives OLD's blocks in OLD's order; removing every deleted one
gives NEW's: so accepting all changes gives NEW's document and rejecting all gives OLD's."""
from __future__ import annotations

import difflib
from dataclasses import replace
from pathlib import Path
from typing import Optional

from plangen.compare.diff import SIMILAR, ItemChange, diff_plans, inline_diff, match, nodes
from plangen.compare.report import as_runs
from plangen.compare.tables import compare_appendix, compare_table, whole
from plangen.outline.changes import DELETED, INSERTED, BlockMark, Mark, Move, PlanRef, Redline, Runs, TableMark
from plangen.outline.outline import Block, Heading, Outline, Table, build_outline
from plangen.outline.wording import Wording
from plangen.source.model import Plan
from plangen.source.walk import Loc, is_within

Marked = tuple[Block, Optional[Mark]]


def build_redline(old: Plan, new: Plan, wording_old: Wording, wording_new: Wording, old_name: str, new_name: str,
                  author: str = "plangen", date: Optional[str] = None) -> Outline:
    o_old, o_new = build_outline(old, wording_old), build_outline(new, wording_new)
    d = diff_plans(old, new, wording_old, wording_new, old_name, new_name)
    language = new.document.language
    marked = _Weave(old, new, o_old, o_new, d.items, wording_new).blocks()
    appendix = compare_appendix(o_old.appendix, o_new.appendix, language)
    for _block, mark in marked + appendix:
        if isinstance(mark, TableMark) and mark.columns:
            mark.note = _replaced_note(mark.columns, wording_new)
    w = wording_new
    refs = _refs((o_old, old, old_name), (o_new, new, new_name), w)
    redline = Redline(
        old=refs[0], new=refs[1], heading=w.format("redline_heading", old=_ref(w, refs[0]), new=_ref(w, refs[1])),
        legend=(w.redline_inserted, w.redline_deleted),
        summary=as_runs(d, w) or [[["=", w.redline_none]]], author=author,
        date=date or (new.document.date.isoformat() if new.document.date else f"{new.document.year}-01-01"),
        number=_code(o_old.number, o_new.number), title=_runs(o_old.title, o_new.title, language),
        subtitle=_runs(o_old.subtitle or "", o_new.subtitle or "", language),
        kind_line=_runs(o_old.cover.kind_line, o_new.cover.kind_line, language),
        tagline=_runs(o_old.tagline or "", o_new.tagline or "", language),
        preface=preface(o_old.preface, o_new.preface, language),
        blocks=[m for _b, m in marked], appendix=[m for _t, m in appendix])
    return replace(o_new, blocks=[b for b, _m in marked], appendix=[t for t, _m in appendix], redline=redline)


def _replaced_note(columns: tuple[list[str], list[str]], w: Wording) -> str:
    """状态栏已删除，原表删除，新表插入: why a table is replaced whole."""
    removed, added = columns
    changes = ([w.format("columns_removed", columns=w.list_separator.join(removed))] if removed else []) + \
              ([w.format("columns_added", columns=w.list_separator.join(added))] if added else [])
    return w.format("table_replaced", changes=w.list_separator.join(changes)) if changes else ""


def _refs(old: tuple[Outline, Plan, str], new: tuple[Outline, Plan, str], w: Wording) -> tuple[PlanRef, PlanRef]:
    """Both plans as an office names them: title, number and the document's date (2022年2月18日);
    where those are the same on both sides (two revisions of one plan), each also says which
    revision or file it is, so the two stay apart. Never a path where a date says it."""
    dated = [(o, p, name, w.date(p.document.date) if p.document.date else "") for o, p, name in (old, new)]
    same = len({(o.full_title, o.number, date) for o, _p, _n, date in dated}) == 1
    refs = [PlanRef(o.full_title, o.number, w.list_separator.join(filter(None, [date, _revision(name)]))
                    if same or not date else date) for o, _p, name, date in dated]
    return refs[0], refs[1]


def _revision(name: str) -> str:
    """HEAD~1 for HEAD~1:plans/x.yaml; the file's name for a file."""
    rev, sep, path = name.partition(":")
    return rev if sep and len(rev) > 1 else Path(name).name


def _ref(w: Wording, ref: PlanRef) -> str:
    return w.format("redline_plan", title=ref.title, number=ref.number, revision=ref.revision)


def _runs(old: str, new: str, language: str) -> Optional[Runs]:
    return None if old == new else inline_diff(old, new, language)


def _code(old: str, new: str) -> Optional[Runs]:
    """A document number is a code, replaced whole: LIB-FAC-2027-01 struck, LIB-FAC-2028-01 inserted."""
    return None if old == new else [[op, text] for op, text in (("-", old), ("+", new)) if text]


def preface(old: list[str], new: list[str], language: str) -> list[tuple[str, BlockMark]]:
    """The preface's paragraphs, OLD's woven into NEW's: a kept one with its changed words (when
    the two are similar, as items are matched in ``diff``), else the old one deleted where it
    stood and the new one inserted. Empty when nothing changed."""
    if old == new:
        return []
    out: list[tuple[str, BlockMark]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend((b, BlockMark()) for b in new[j1:j2])
            continue
        olds, news = old[i1:i2], new[j1:j2]
        paired = 0
        while paired < min(len(olds), len(news)) and _similar(olds[paired], news[paired]):
            out.append((news[paired], BlockMark(words=inline_diff(olds[paired], news[paired], language))))
            paired += 1
        out.extend((a, BlockMark(change=DELETED)) for a in olds[paired:])
        out.extend((b, BlockMark(change=INSERTED)) for b in news[paired:])
    return out


def _similar(old: str, new: str) -> bool:
    return difflib.SequenceMatcher(None, old, new, autojunk=False).ratio() >= SIMILAR


class _Weave:
    """Walks NEW's items in order and places OLD's removed and moved items where they stood."""

    def __init__(self, old: Plan, new: Plan, o_old: Outline, o_new: Outline, items: list[ItemChange], w: Wording):
        self.new, self.language = new, new.document.language
        self.pairs = {loc: n.loc for loc, n in match(nodes(old, w), nodes(new, w)).items()}
        moved = [c for c in items if c.change == "moved" and c.old is not None]
        self.move_to = {c.node.loc: (f"move{k}", c) for k, c in enumerate(moved, 1)}
        self.move_from = {c.old.loc: (f"move{k}", c) for k, c in enumerate(moved, 1) if c.old}
        self.staying = set(self.pairs.values()) - set(self.move_from)
        self.old_order = [loc for loc, _i, _l in old.walk()]
        self.old_position = {loc: k for k, loc in enumerate(self.old_order)}
        self.old_children, self.new_children = _children(self.old_order), _children([loc for loc, _i, _l in new.walk()])
        self.old_own, self.old_after = _groups(o_old)
        self.new_own, self.new_after = _groups(o_new)
        self.w = w
        self.out: list[Marked] = []
        self.done_old: set[Loc] = set()
        self.after: list[tuple[Loc, list[Marked]]] = []  # (new loc, blocks due after its children)

    def blocks(self) -> list[Marked]:
        for loc, _item, _level in self.new.walk():
            self._close(loc)
            self._item(loc)
        self._close(None)
        self._old_before(None)
        return self.out

    def _item(self, loc: Loc) -> None:
        root = next((r for r in self.move_to if is_within(loc, r)), None)
        old_loc = self.pairs.get(loc)
        if root is not None:
            name, c = self.move_to[root]
            move = Move(name, "to", self.w.format("moved_from", path=c.old.path) if c.old else "")
            self.out.extend(_moved(self.new_own.get(loc, []), move, loc == root))
            self.after.append((loc, _moved(self.new_after.get(loc, []), replace(move, note=""), False)))
        elif old_loc is not None:
            self._old_before(old_loc)
            self.done_old.add(old_loc)
            self.out.extend(compare_blocks(self.old_own.get(old_loc, []), self.new_own.get(loc, []), self.language))
            self.after.append((loc, compare_blocks(self.old_after.get(old_loc, []), self.new_after.get(loc, []),
                                                   self.language)))
        else:
            self._removed_siblings_before(loc)
            self.out.extend(_whole(b, INSERTED) for b in self.new_own.get(loc, []))
            self.after.append((loc, [_whole(b, INSERTED) for b in self.new_after.get(loc, [])]))

    def _removed_siblings_before(self, loc: Loc) -> None:
        """Before an inserted item, OLD's removed siblings that stood before the next kept one:
        where one item replaced another, the deleted one comes first, as it stood in OLD."""
        parent = loc[:-2]
        old_parent = parent if not parent else self.pairs.get(parent)
        if old_parent is None:
            return  # an inserted item inside an inserted one: nothing of OLD stood there
        siblings = self.new_children[parent]
        later = siblings[siblings.index(loc) + 1:]
        kept = next((self.pairs[n] for n in later if n in self.pairs and n not in self.move_to), None)
        end = self.old_position[kept] if kept is not None else len(self.old_order)
        for earlier in self.old_children.get(old_parent, []):
            if (self.old_position[earlier] < end and earlier not in self.staying and earlier not in self.done_old
                    and self._parent_kept(earlier)):
                self._old_subtree(earlier)

    def _close(self, upto: Optional[Loc]) -> None:
        while self.after and (upto is None or not is_within(upto, self.after[-1][0])):
            self.out.extend(self.after.pop()[1])

    def _old_before(self, old_loc: Optional[Loc]) -> None:
        """OLD's removed and moved items that stood before old_loc (all that are left: None)."""
        end = self.old_position[old_loc] if old_loc is not None else len(self.old_order)
        for earlier in self.old_order[:end]:
            if earlier not in self.staying and earlier not in self.done_old and self._parent_kept(earlier):
                self._old_subtree(earlier)

    def _parent_kept(self, loc: Loc) -> bool:
        """A removed or moved item is placed on its own only when its parent stayed."""
        return len(loc) <= 2 or loc[:-2] in self.staying

    def _old_subtree(self, loc: Loc) -> None:
        """An OLD item and its children, deleted, or the old end of a move."""
        inside = [x for x in self.old_order if is_within(x, loc)]
        for x in inside:
            self.out.extend(self._old_mark(b, x) for b in self.old_own.get(x, []))
        for x in reversed(inside):
            self.out.extend(self._old_mark(b, x, after=True) for b in self.old_after.get(x, []))
        self.done_old.update(inside)

    def _old_mark(self, block: Block, loc: Loc, after: bool = False) -> Marked:
        root = next((r for r in self.move_from if is_within(loc, r)), None)
        if root is None or isinstance(block, Table):
            return _whole(block, DELETED)
        name, c = self.move_from[root]
        first = loc == root and not after and block is self.old_own.get(root, [None])[0]
        note = self.w.format("moved_to", path=c.node.path) if first else ""
        return block, BlockMark(change=DELETED, move=Move(name, "from", note))


def _children(locs: list[Loc]) -> dict[Loc, list[Loc]]:
    """Each item's children (by parent loc; () for the sections), in document order."""
    out: dict[Loc, list[Loc]] = {}
    for loc in locs:
        out.setdefault(loc[:-2], []).append(loc)
    return out


def _moved(blocks: list[Block], move: Move, first_note: bool) -> list[Marked]:
    out: list[Marked] = []
    for k, b in enumerate(blocks):
        if isinstance(b, Table):
            out.append(whole(b, INSERTED))
        else:
            out.append((b, BlockMark(change=INSERTED, move=move if first_note and k == 0 else replace(move, note=""))))
    return out


def _groups(outline: Outline) -> tuple[dict[Loc, list[Block]], dict[Loc, list[Block]]]:
    own: dict[Loc, list[Block]] = {}
    after: dict[Loc, list[Block]] = {}
    for b in outline.blocks:
        if b.loc:
            (after if getattr(b, "role", "") == "after" else own).setdefault(b.loc, []).append(b)
    return own, after


def _whole(block: Block, change: str) -> Marked:
    if isinstance(block, Table):
        return whole(block, change)
    return block, BlockMark(change=change)


def _words(block: Block) -> str:
    return block.title if isinstance(block, Heading) else getattr(block, "text", "")


def _signature(block: Block) -> str:
    kind = "table" if isinstance(block, Table) else ("first" if getattr(block, "label", None) else "para")
    return kind + "\0" + ("|".join(block.header) if isinstance(block, Table) else _words(block))


def compare_blocks(old: list[Block], new: list[Block], language: str) -> list[Marked]:
    """One item's blocks, OLD's against NEW's: kept, changed, inserted, deleted."""
    out: list[Marked] = []
    a, b = [_signature(x) for x in old], [_signature(x) for x in new]
    for _tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        olds, news = old[i1:i2], new[j1:j2]
        paired = 0
        for x, y in zip(olds, news):
            if type(x) is not type(y) or bool(getattr(x, "label", None)) != bool(getattr(y, "label", None)):
                break
            out.extend(_changed(x, y, language))
            paired += 1
        out.extend(_whole(x, DELETED) for x in olds[paired:])
        out.extend(_whole(y, INSERTED) for y in news[paired:])
    return out


def _changed(old: Block, new: Block, language: str) -> list[Marked]:
    if isinstance(old, Table) and isinstance(new, Table):
        return list(compare_table(old, new, language))
    if _words(old) == _words(new):
        return [(new, None)]
    return [(new, BlockMark(words=inline_diff(_words(old), _words(new), language)))]
