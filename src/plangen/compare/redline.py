"""A redline: NEW's outline annotated with what changed since OLD, block by block.

Items are matched as in ``diff`` (by id, then by similarity). A matched item's words
carry [op, text] runs; an added item's blocks are marked "ins"; a removed item's blocks
(its whole subtree, as it stood in OLD) are marked "del" and placed where they stood.
Tables are compared row by row. Accepting every insertion and deletion gives NEW's
document exactly; the renderers turn the marks into Word tracked changes (w:ins/w:del)
or, in the PDF, coloured underlines and strike-throughs."""
from __future__ import annotations

import difflib
from dataclasses import replace
from typing import Optional

from plangen.compare.diff import diff_plans, inline_diff, match, nodes
from plangen.compare.report import as_runs
from plangen.source.model import Plan
from plangen.outline.wording import Wording
from plangen.outline.outline import Heading, Outline, Table, build_outline


def build_redline(old: Plan, new: Plan, wording_old: Wording, wording_new: Wording, old_name: str, new_name: str,
                  author: str = "plangen", date: Optional[str] = None) -> Outline:
    o_old, o_new = build_outline(old, wording_old), build_outline(new, wording_new)
    language = new.document.language
    pairs = {loc: n.loc for loc, n in match(nodes(old, wording_old), nodes(new, wording_new)).items()}
    matched_old = set(pairs.values())
    old_order = [loc for loc, _i, _l in old.walk()]
    old_own, old_after = _groups(o_old)
    new_own, new_after = _groups(o_new)
    blocks: list = []
    done_old: set[tuple] = set()
    pending_after: list[tuple[tuple, list]] = []  # (new loc, blocks to emit after its children)

    def deleted_subtree(loc: tuple) -> None:
        for b in o_old.blocks:
            if b.loc[: len(loc)] == loc:
                blocks.append(_mark(b, "del"))
        done_old.update(x for x in old_order if x[: len(loc)] == loc)

    def flush_after(upto: Optional[tuple]) -> None:
        while pending_after and (upto is None or upto[: len(pending_after[-1][0])] != pending_after[-1][0]):
            blocks.extend(pending_after.pop()[1])

    for loc, _item, _level in new.walk():
        flush_after(loc)
        old_loc = pairs.get(loc)
        if old_loc is not None:
            for earlier in old_order[: old_order.index(old_loc)]:
                if earlier not in matched_old and earlier not in done_old and _parent_kept(earlier, matched_old):
                    deleted_subtree(earlier)
            done_old.add(old_loc)
            blocks.extend(_compare(old_own.get(old_loc, []), new_own.get(loc, []), language))
            pending_after.append((loc, _compare(old_after.get(old_loc, []), new_after.get(loc, []), language)))
        else:
            blocks.extend(_mark(b, "ins") for b in new_own.get(loc, []))
            pending_after.append((loc, [_mark(b, "ins") for b in new_after.get(loc, [])]))
    flush_after(None)
    for loc in old_order:
        if loc not in matched_old and loc not in done_old:
            deleted_subtree(loc)
    out = replace(o_new, blocks=blocks, appendix=_compare_appendix(o_old.appendix, o_new.appendix))
    d = diff_plans(old, new, wording_old, wording_new, old_name, new_name)
    out.redline = {
        "summary": as_runs(d) or [[["=", "(no changes)"]]],
        "old": old_name, "new": new_name, "author": author,
        "date": date or (new.document.date.isoformat() if new.document.date else f"{new.document.year}-01-01"),
        "number": _runs(o_old.number, o_new.number, language),
        "title": _runs(o_old.title, o_new.title, language),
    }
    return out


def _parent_kept(loc: tuple, matched: set) -> bool:
    """A removed item is emitted on its own only when its parent was not removed with it."""
    return len(loc) <= 2 or loc[:-2] in matched


def _groups(outline: Outline) -> tuple[dict, dict]:
    own: dict[tuple, list] = {}
    after: dict[tuple, list] = {}
    for b in outline.blocks:
        if not b.loc:
            continue
        (after if getattr(b, "role", "") == "after" else own).setdefault(b.loc, []).append(b)
    return own, after


def _runs(old: str, new: str, language: str) -> Optional[list]:
    return None if old == new else inline_diff(old, new, language)


def _mark(block, change: str):
    if isinstance(block, Table):
        return replace(block, row_changes=[change] * (1 + len(block.rows)))
    if change == "del" and getattr(block, "label", None):  # a removed item keeps its old label, struck
        return replace(block, change=change, label=None, **{_field(block): block.label + _words(block)})
    return replace(block, change=change)


def _field(block) -> str:
    return "title" if isinstance(block, Heading) else "text"


def _words(block) -> str:
    return block.title if isinstance(block, Heading) else block.text


def _signature(block) -> str:
    return "table" if isinstance(block, Table) else ("first" if getattr(block, "label", None) else "para")


def _compare(old: list, new: list, language: str) -> list:
    """Blocks of one item, old against new: equal, changed (runs), inserted, deleted."""
    out = []
    a, b = [_signature(x) + "\0" + _key(x) for x in old], [_signature(x) + "\0" + _key(x) for x in new]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend(new[j1:j2])
            continue
        olds, news = old[i1:i2], new[j1:j2]
        paired = 0
        for x, y in zip(olds, news):
            if _signature(x) != _signature(y) or type(x) is not type(y):
                break
            changed = _changed(x, y, language)
            out.extend(changed if isinstance(changed, list) else [changed])
            paired += 1
        out.extend(_mark(x, "del") for x in olds[paired:])
        out.extend(_mark(y, "ins") for y in news[paired:])
    return out


def _key(block) -> str:
    if isinstance(block, Table):
        return "\0".join("|".join(r) for r in [block.header] + block.rows)
    return _words(block)


def _changed(old, new, language: str):
    if isinstance(new, Table):
        return _compare_table(old, new)
    if _words(old) == _words(new):
        return new
    return replace(new, segments=inline_diff(_words(old), _words(new), language))


def _compare_table(old: Table, new: Table) -> list[Table]:
    if old.header != new.header:  # other columns: the old table goes, the new one comes
        return [_mark(old, "del"), _mark(new, "ins")]

    def keys(rows):
        seen: dict = {}
        out = []
        for r in rows:
            seen[r[0]] = seen.get(r[0], 0) + 1
            out.append(f"{r[0]}\0{seen[r[0]]}")
        return out
    rows, changes, segments = [], [None], {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, keys(old.rows), keys(new.rows), autojunk=False).get_opcodes():
        if tag == "equal":
            for x, y in zip(old.rows[i1:i2], new.rows[j1:j2]):
                rows.append(y)
                changes.append(None)
                for c, (cx, cy) in enumerate(zip(x, y)):
                    if cx != cy:
                        segments[(len(rows), c)] = [op for op in (["-", cx], ["+", cy]) if op[1]]
            continue
        for x in old.rows[i1:i2]:
            rows.append(x)
            changes.append("del")
        for y in new.rows[j1:j2]:
            rows.append(y)
            changes.append("ins")
    return [replace(new, rows=rows, row_changes=changes, cell_segments=segments,
                    total_row=new.total_row and changes[-1] != "del")]


def _compare_appendix(old: list[Table], new: list[Table]) -> list[Table]:
    out = []
    for k, table in enumerate(new):
        out.extend(_compare_table(old[k], table) if k < len(old) else [_mark(table, "ins")])
    for table in old[len(new):]:
        out.append(_mark(table, "del"))
    return out
