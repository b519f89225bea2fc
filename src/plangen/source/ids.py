"""The one rule for ids being unique: two ids are the same when they differ only in case
(``led`` and ``LED``), for items, targets and group names alike (units keep their own
wording in ``model.check_plan_data``: their ids name per-unit files). Works on plain data."""
from __future__ import annotations

from typing import Any

IdSeen = dict[str, tuple[str, tuple]]  # folded id -> (the id as first written, its loc)


def same_id(a: str, b: str) -> bool:
    """Whether two ids name the same thing (ids are compared ignoring case)."""
    return a.casefold() == b.casefold()


def note_id(ident: Any, loc: tuple, seen: IdSeen, out: list) -> None:
    """Record an id at loc; a second one that is the same ignoring case is an error
    ``duplicate id 'led' (first at line N)`` (model's problem tuple, located by ``load``)."""
    if not isinstance(ident, str):
        return
    first = seen.get(ident.casefold())
    if first is None:
        seen[ident.casefold()] = (ident, loc)
        return
    case = "" if first[0] == ident else f", the same as '{first[0]}' ignoring case"
    out.append((loc, f"duplicate id '{ident}'{case}", "error", first[1]))
