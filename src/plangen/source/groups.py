"""Who a target is for: ``all``, unit ids and named groups, or ``{all_except: [...]}``.

The one place ``for:`` is expanded into unit ids (``units_for``) and checked
(``check_groups``, ``check_for``): the checker, the outline and the targets matrix agree.
Works on plain data (valid or not) and on the validated model.
"""
from __future__ import annotations

from typing import Any, Optional

from plangen.source import fullwidth
from plangen.source.ids import IdSeen, note_id
from plangen.suggest import did_you_mean

Problem = tuple  # (loc, message, severity, first_loc), as model.check_plan_data returns


def _names(whom: Any) -> tuple[Optional[list], bool]:
    """The names a ``for:`` value lists, and whether they are exceptions (all_except)."""
    if isinstance(whom, dict) or hasattr(whom, "all_except"):
        names = whom.get("all_except") if isinstance(whom, dict) else whom.all_except
        return (list(names) if isinstance(names, list) else None), True
    if isinstance(whom, str):
        return [whom], False
    return (list(whom) if isinstance(whom, list) else None), False


def units_for(whom: Any, unit_ids: list[str], groups: dict[str, list[str]]) -> list[str]:
    """The unit ids a valid ``for:`` names: 'all' in the plan's order, a list in its own order
    (a group where it is named), all_except in the plan's order."""
    if whom == "all":
        return list(unit_ids)
    names, excepted = _names(whom)
    named = [u for name in names or [] for u in groups.get(name, [name])]
    return [u for u in unit_ids if u not in named] if excepted else named


def _known(units: dict, groups: dict, name: str = "") -> str:
    """The close id, if any, then every unit (and group) id: "did you mean 'csk'? (units: …)"."""
    hint = (fullwidth.comma_hint(name) or did_you_mean(name, [*units, *groups])) if name else ""
    known = f"units: {', '.join(units) or 'none defined'}"
    return hint + " (" + known + (f"; groups: {', '.join(groups)}" if groups else "") + ")"


def check_groups(data: dict, units: dict, out: list) -> dict[str, list[str]]:
    """Problems of ``groups:`` (unknown members, a member twice, a group named like a unit);
    returns the groups that can be used (name -> member ids)."""
    raw = data.get("groups")
    groups: dict[str, list[str]] = {}
    names: IdSeen = {}  # mobile and Mobile: YAML sees two keys, a reader one group
    for name, members in (raw.items() if isinstance(raw, dict) else []):
        note_id(name, ("groups", name), names, out)
        if name in units or name == "all":
            what = "'all'" if name == "all" else "a unit's id"
            out.append((("groups", name), f"group '{name}' has {what} as its name; choose another", "error", None))
        seen: dict[str, int] = {}
        for i, member in enumerate(members if isinstance(members, list) else []):
            if not isinstance(member, str):
                continue
            if member in seen:
                out.append((("groups", name, i), f"unit '{member}' is in group '{name}' twice", "error",
                            ("groups", name, seen[member])))
            elif member not in units:
                out.append((("groups", name, i), f"unknown unit '{member}' in group '{name}'{_known(units, {}, member)}",
                            "error", None))
            seen.setdefault(member, i)
        groups[name] = list(seen)
    return groups


def check_for(whom: Any, loc: tuple, units: dict, groups: dict, out: list) -> None:
    """Problems of one target's ``for:``: unknown names, a unit named twice (directly or
    through a group), an all_except that leaves no unit, 'all' without units."""
    if whom == "all":
        if not units:
            out.append((loc, "a target for 'all' needs a list of units", "error", None))
        return
    names, excepted = _names(whom)
    if names is None:
        return
    base = loc + ("all_except",) if excepted else loc
    by_unit: dict[str, str] = {}
    for i, name in enumerate(names):
        if not isinstance(name, str):
            continue
        where = loc if isinstance(whom, str) else base + (i,)
        if name not in units and name not in groups:
            kind = "unit or group" if groups else "unit"
            out.append((where, f"unknown {kind} '{name}'{_known(units, groups, name)}", "error", None))
            continue
        for unit in groups.get(name, [name]):
            if unit in by_unit:
                out.append((where, _twice(unit, by_unit[unit], name), "error", None))
            by_unit.setdefault(unit, name)
    if excepted and units and not [u for u in units if u not in by_unit]:
        out.append((base, "all_except leaves no unit", "error", None))


def _twice(unit: str, first: str, again: str) -> str:
    if first == again == unit:
        return f"unit '{unit}' is named twice"
    def via(name: str) -> str:
        return "directly" if name == unit else f"in group '{name}'"
    return f"unit '{unit}' is named twice ({via(first)} and {via(again)})"
