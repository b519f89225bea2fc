"""The one item walker: every item of a plan with its place and numbering level.

Works on the validated model (``Item``) and on raw YAML data (dicts, valid or not), so the
checks on raw data, the outline and the diff agree on levels, ``skip_level`` included."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Union

Loc = tuple[Union[str, int], ...]  # e.g. ("sections", 1, "items", 0)


def walk(items: Any, loc: Loc = ("sections",), level: int = 1) -> Iterator[tuple[Loc, Any, int]]:
    """(loc, item, level) in document order; an item that skips a level numbers its
    children two levels deeper. Raw items that are not mappings are yielded, not entered."""
    for i, item in enumerate(items if isinstance(items, list) else []):
        here = loc + (i,)
        yield here, item, level
        children, skip = _children(item)
        yield from walk(children, here + ("items",), level + (2 if skip else 1))


def _children(item: Any) -> tuple[list[Any], bool]:
    if isinstance(item, dict):
        children = item.get("items")
        return (children if isinstance(children, list) else []), item.get("skip_level") is True
    if hasattr(item, "items") and hasattr(item, "skip_level"):
        return list(item.items), bool(item.skip_level)
    return [], False


def is_within(loc: Loc, ancestor: Loc) -> bool:
    """True when ``loc`` is ``ancestor`` or one of its descendants."""
    return loc[:len(ancestor)] == ancestor
