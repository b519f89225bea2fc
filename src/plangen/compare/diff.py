"""What changed between two plans: items matched by stable id (by similarity where ids are
missing), reported as added, removed, moved or changed at their numbered path; target
changes as numbers, totals included; metadata changes. Works on models and outlines.

The JSON shape (``PlanDiff.as_json``) is stable; see README "plangen diff".
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Optional

from plangen.outline import numbers
from plangen.outline.outline import Table, build_outline
from plangen.outline.targets import Matrix, matrix, money_written
from plangen.outline.wording import Wording
from plangen.source.model import Item, Plan

SIMILAR = 0.6  # title/text similarity that matches two items without ids
METADATA = ("number", "title", "subtitle", "kind", "year", "organization", "language", "numbering",
            "tagline", "preface", "date", "currency", "unit_noun")


@dataclass
class Node:
    loc: tuple
    item: Item
    path: str  # numbered path, e.g. 二、（一）3、
    parent: Optional[tuple]
    index: int

    @property
    def words(self) -> str:
        return "\n".join(filter(None, [self.item.title or "", *(self.item.text or [])]))

    @property
    def name(self) -> str:
        text = self.item.title or (self.item.text or [""])[0]
        return text if len(text) <= 40 else text[:39] + "…"


@dataclass
class ItemChange:
    change: str  # added | removed | moved | changed
    node: Node  # the new item (the old one when removed)
    old: Optional[Node] = None
    fields: dict = field(default_factory=dict)  # name -> {"old", "new", "diff"?}

    def as_json(self) -> dict:
        out: dict[str, Any] = {"change": self.change, "id": self.node.item.id, "path": self.node.path, "title": self.node.name}
        if self.old is not None and self.change != "removed":
            out["old_path"] = self.old.path
        if self.fields:
            out["fields"] = self.fields
        return out


@dataclass
class PlanDiff:
    old_name: str
    new_name: str
    language: str
    currency: str = ""  # NEW's currency, for the report's budgets
    unit_noun: str = ""  # what NEW's units are (document.unit_noun), for the report's wording
    written: int = 0  # the most decimals the plans' amounts are written with (money without fixed decimals)
    metadata: list[dict] = field(default_factory=list)
    units: list[dict] = field(default_factory=list)
    items: list[ItemChange] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)
    schedule: list[dict] = field(default_factory=list)  # a target's deadline, owner or status changed
    totals: list[dict] = field(default_factory=list)
    budgets: list[dict] = field(default_factory=list)
    budget_total: Optional[dict] = None  # {"old", "new"}: the plan's whole budget, when it changed

    @property
    def identical(self) -> bool:
        return not (self.metadata or self.units or self.items or self.targets or self.schedule or self.totals
                    or self.budgets or self.budget_total)

    def as_json(self) -> dict:
        return {"old": self.old_name, "new": self.new_name, "identical": self.identical,
                "metadata": self.metadata, "units": self.units, "items": [c.as_json() for c in self.items],
                "targets": self.targets, "schedule": self.schedule, "totals": self.totals, "budgets": self.budgets,
                "budget_total": self.budget_total}


def diff_plans(old: Plan, new: Plan, wording_old: Wording, wording_new: Wording,
               old_name: str = "old", new_name: str = "new") -> PlanDiff:
    result = PlanDiff(old_name, new_name, new.document.language, numbers.currency_of(new.document),
                      new.document.unit_noun or wording_new.unit_noun, max(money_written(old), money_written(new)))
    result.metadata = _metadata(old, new)
    result.units = _units(old, new)
    old_nodes, new_nodes = nodes(old, wording_old), nodes(new, wording_new)
    pairs = match(old_nodes, new_nodes)
    result.items = _item_changes(old_nodes, new_nodes, pairs, new.document.language)
    result.schedule = _schedule(new_nodes, pairs)
    _targets(result, matrix(old), matrix(new), old, new)
    return result


def nodes(plan: Plan, wording: Wording) -> list[Node]:
    """Every item with its numbered path, in document order."""
    outline = build_outline(plan, wording)
    labels = {b.loc: b.label for b in outline.blocks if not isinstance(b, Table) and b.label}
    out = []
    for loc, item, _level in plan.walk():
        parent = loc[:-2] if len(loc) > 2 else None
        ancestors = [labels.get(loc[:i], "") for i in range(2, len(loc) + 1, 2)]
        path = _path(ancestors, outline.scheme)
        out.append(Node(loc, item, path, parent, loc[-1]))
    return out


def _path(labels: list[str], scheme: str) -> str:
    """二、（一）3、 for Chinese; 1.2 a) for English, where 1.2 already says 1."""
    if scheme != "en":
        return "".join(labels)
    kept = [lab for k, lab in enumerate(labels) if not (k + 1 < len(labels) and labels[k + 1].startswith(lab))]
    return " ".join(kept)


def match(old: list[Node], new: list[Node]) -> dict[tuple, Node]:
    """new loc -> old node: by id first, then by similarity of title and text."""
    pairs: dict[tuple, Node] = {}
    old_by_id = {n.item.id: n for n in old if n.item.id}
    used: set[tuple] = set()
    for n in new:
        if n.item.id and n.item.id in old_by_id:
            pairs[n.loc] = old_by_id[n.item.id]
            used.add(old_by_id[n.item.id].loc)
    candidates = _similar(old, [n for n in new if not (n.loc in pairs or (n.item.id and n.item.id in old_by_id))],
                          used, {x.item.id for x in new})
    for _ratio, loc, o in sorted(candidates, key=lambda c: -c[0]):
        if loc not in pairs and o.loc not in used:
            pairs[loc] = o
            used.add(o.loc)
    return pairs


def _similar(old: list[Node], unmatched: list[Node], used: set[tuple], new_ids: set[Optional[str]]) -> list[tuple[float, tuple, Node]]:
    """(similarity, new loc, old node) for each pair similar enough to be the same item; an old
    item whose id is still in use elsewhere, or that has another id, is not a candidate."""
    candidates = []
    for n in unmatched:
        for o in old:
            if o.loc in used or (o.item.id and n.item.id and o.item.id != n.item.id):
                continue
            if o.item.id and o.item.id in new_ids:
                continue
            ratio = difflib.SequenceMatcher(None, o.words, n.words, autojunk=False).ratio()
            if ratio >= SIMILAR:
                candidates.append((ratio, n.loc, o))
    return candidates


def _item_changes(old: list[Node], new: list[Node], pairs: dict[tuple, Node], language: str) -> list[ItemChange]:
    changes: list[ItemChange] = []
    matched_old = {o.loc for o in pairs.values()}
    moved = _moved(new, pairs)
    for n in new:
        o = pairs.get(n.loc)
        if o is None:
            changes.append(ItemChange("added", n))
            continue
        fields = _fields(o.item, n.item, language)
        if n.loc in moved:
            changes.append(ItemChange("moved", n, o, fields))
        elif fields:
            changes.append(ItemChange("changed", n, o, fields))
    for o in old:
        if o.loc not in matched_old:
            changes.append(ItemChange("removed", o, o))
    return changes


SCHEDULE = ("deadline", "owner", "status")  # what a target's row says besides its numbers


def _schedule(new: list[Node], pairs: dict[tuple, Node]) -> list[dict]:
    """Deadlines, owners and statuses that changed, of the targets both plans have (matched
    by id, else by what, within matched items); quantities and money are compared apart."""
    out = []
    for n in new:
        o = pairs.get(n.loc)
        if o is None:
            continue
        before = {t.id or t.what: t for t in o.item.targets or []}
        for t in n.item.targets or []:
            was = before.get(t.id or t.what)
            for name in SCHEDULE if was is not None else ():
                a, b = getattr(was, name), getattr(t, name)
                if a != b:
                    out.append({"what": t.what, "id": t.id, "path": n.path, "field": name,
                                "old": None if a is None else str(a), "new": None if b is None else str(b)})
    return out


def _moved(new: list[Node], pairs: dict[tuple, Node]) -> set[tuple]:
    """Matched items whose parent changed, or whose order among their siblings changed."""
    moved = set()
    by_parent: dict = {}
    for n in new:
        o = pairs.get(n.loc)
        if o is None:
            continue
        new_parent_match = pairs.get(n.parent) if n.parent else None
        same_parent = (n.parent is None and o.parent is None) or (
            new_parent_match is not None and new_parent_match.loc == o.parent)
        if not same_parent:
            moved.add(n.loc)
        else:
            by_parent.setdefault(n.parent, []).append((n.loc, o.index))
    for siblings in by_parent.values():
        keep = _increasing([i for _, i in siblings])
        moved.update(loc for k, (loc, _) in enumerate(siblings) if k not in keep)
    return moved


def _increasing(values: list[int]) -> set[int]:
    """Positions of a longest increasing subsequence (the siblings that kept their order): the
    fewest items are reported as moved. Where several are equally long (two siblings swapped),
    the one kept is the one whose old positions come first, so the item reported as moved is
    the one that now stands earlier than it did: moving an item up above others is the usual
    edit, and its old neighbours read as undisturbed. Greedy from the left over the lengths of
    the longest chains starting at each position, so the answer is deterministic."""
    n = len(values)
    longest = [1] * n  # longest increasing chain starting at k
    for k in range(n - 1, -1, -1):
        longest[k] = 1 + max((longest[j] for j in range(k + 1, n) if values[j] > values[k]), default=0)
    kept: list[int] = []
    need = max(longest, default=0)
    while need:
        after = kept[-1] if kept else -1
        options = [k for k in range(after + 1, n) if longest[k] == need and (not kept or values[k] > values[after])]
        kept.append(min(options, key=lambda k: values[k]))
        need -= 1
    return set(kept)


def _fields(old: Item, new: Item, language: str) -> dict:
    out = {}
    for name in ("title", "text", "after", "kind", "skip_level"):
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            entry = {"old": _plain(a), "new": _plain(b)}  # text and after: one string, paragraphs on lines
            if isinstance(a, (str, list)) and isinstance(b, (str, list)):
                entry["diff"] = inline_diff(_joined(a), _joined(b), language)
            out[name] = entry
    return out


def _joined(value) -> str:
    return "\n".join(value) if isinstance(value, list) else (value or "")


def _plain(value):
    return value if value is None or isinstance(value, (str, bool, int, float)) else _joined(list(value))


_NUMBER = r"\d+(?:[.,:/]\d+)*"  # 52.3, 1,200, 10:30, 2025/26: one token, never split at its marks
_TOKEN_EN = re.compile(_NUMBER + r"|\w+|\s+|[^\w\s]")
_TOKEN_ZH = re.compile(_NUMBER + r"|[A-Za-z0-9_]+|\s+|.", re.S)


def tokens(text: str, language: str) -> list[str]:
    """Words for English; characters (with Latin words and numbers kept whole) for Chinese;
    a number with its decimal point or separators is one token (52.3 → 58.1, not 5[-2-]…)."""
    return (_TOKEN_EN if language == "en" else _TOKEN_ZH).findall(text)


def inline_diff(old: str, new: str, language: str) -> list[list[str]]:
    """[op, text] runs: "=" kept, "-" deleted, "+" inserted."""
    a, b = tokens(old, language), tokens(new, language)
    runs: list[list[str]] = []

    def push(op: str, text: str) -> None:
        if not text:
            return
        if runs and runs[-1][0] == op:
            runs[-1][1] += text
        else:
            runs.append([op, text])
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            push("=", "".join(a[i1:i2]))
        else:
            push("-", "".join(a[i1:i2]))
            push("+", "".join(b[j1:j2]))
    return runs


def _metadata(old: Plan, new: Plan) -> list[dict]:
    out = []
    for name in METADATA:
        a, b = _meta(old, name), _meta(new, name)
        if a != b:
            out.append({"field": name, "old": _json_value(a), "new": _json_value(b)})
    fa = [(f.label, f.value, f.type) for f in old.document.fields or []]
    fb = [(f.label, f.value, f.type) for f in new.document.fields or []]
    if fa != fb:
        out.append({"field": "fields", "old": [list(f) for f in fa], "new": [list(f) for f in fb]})
    return out


def _meta(plan: Plan, name: str):
    """A metadata field as it takes effect (the currency with its default by language)."""
    return numbers.currency_of(plan.document) if name == "currency" else getattr(plan.document, name)


def _json_value(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, list):
        return list(value)
    return str(value)


def _units(old: Plan, new: Plan) -> list[dict]:
    a, b = old.unit_names(), new.unit_names()
    out = [{"change": "added", "id": u, "name": b[u]} for u in b if u not in a]
    out += [{"change": "removed", "id": u, "name": a[u]} for u in a if u not in b]
    out += [{"change": "renamed", "id": u, "old": a[u], "new": b[u]} for u in b if u in a and a[u] != b[u]]
    return out


def _targets(result: PlanDiff, a: Matrix, b: Matrix, old: Plan, new: Plan) -> None:
    names = {**old.unit_names(), **new.unit_names()}
    in_a, in_b = dict(a.columns), dict(b.columns)
    measures = {**in_a, **in_b}
    whats = list(dict.fromkeys([w for w, _ in a.columns] + [w for w, _ in b.columns]))
    units = list(dict.fromkeys([u for u, _ in a.units] + [u for u, _ in b.units]))
    for what in whats:
        for unit in units:
            qa, qb = a.cells.get((unit, what)), b.cells.get((unit, what))
            if qa != qb:
                result.targets.append({"what": what, "unit_id": unit, "unit": names.get(unit, unit),
                                       "old": qa, "new": qb, "measure": measures[what]})
        # a target only one plan has: no total on the other side (—, as its units' lines), not 0
        ta = a.column_total(what) if what in in_a else None
        tb = b.column_total(what) if what in in_b else None
        if ta != tb:
            result.totals.append({"what": what, "old": ta, "new": tb, "measure": measures[what]})
    for unit in units:
        ba, bb = a.budgets.get(unit), b.budgets.get(unit)
        if ba != bb:
            result.budgets.append({"unit_id": unit, "unit": names.get(unit, unit), "old": ba, "new": bb})
    if a.shared != b.shared:
        result.budgets.append({"unit_id": None, "unit": "shared", "old": a.shared, "new": b.shared})
    if a.budget_total != b.budget_total and (a.has_budget or b.has_budget):
        result.budget_total = {"old": a.budget_total, "new": b.budget_total}
