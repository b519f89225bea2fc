"""The 对象 (For) cell of a target table: how it names the units, as a person would (各学校,
除甲校外各学校, 12个学校，见附表, the names themselves), and its short form where the names
would take too many lines (columns.size_tables chooses)."""
from __future__ import annotations

from typing import Optional

from plangen.outline.wording import Wording
from plangen.source.model import Plan

MAX_NAMED = 5  # a target for more units than this names them as a group, not one by one
MAX_NAMED_CHARS = 60  # ... and so does a list of names longer than this (about three lines of its cell)
MAX_FOR_LINES = 3  # a 对象 cell naming units takes its short form where the names would take more lines
MAX_ONE_NAME_CHARS = 90  # a single unit is named, its name shortened beyond this (the appendix has it whole)


def who(units: list[str], plan: Plan, w: Wording, whole: bool, noun: str) -> tuple[str, Optional[str]]:
    """The 对象 cell: 各学校, 除甲校外各学校, 12个学校，见附表, or the names themselves (a
    single unit always by its name, shortened when very long); and, where names are listed in
    a whole plan's table, the short form (3个学校，见附表, 除2个学校外各学校，见附表) that
    size_tables takes where the names would take more than MAX_FOR_LINES lines."""
    names = plan.unit_names()
    every = [u.id for u in plan.units]
    if whole and set(units) == set(every):
        return w.named("all_units", noun), None
    if len(units) == 1:
        return shorten(names.get(units[0], units[0]), MAX_ONE_NAME_CHARS), None
    listed = name_list([names.get(u, u) for u in units], w)
    if not whole:
        return listed, None
    missing = [u for u in every if u not in units]
    excepting = len(missing) <= 3 and len(units) > len(missing)
    short = (w.named("for_all_except_many", noun, count=str(len(missing))) if excepting
             else w.named("for_many", noun, count=str(len(units))))
    if len(units) <= MAX_NAMED and len(listed) <= MAX_NAMED_CHARS:
        return listed, short
    if excepting:
        except_ = w.named("for_all_except", noun, units=name_list([names.get(u, u) for u in missing], w))
        if len(except_) <= MAX_NAMED_CHARS:
            return except_, short
    return short, None


def name_list(names: list[str], w: Wording) -> str:
    """A, B and C (the wording's list_separator, and list_last before the last name)."""
    if len(names) < 2:
        return "".join(names)
    return w.list_separator.join(names[:-1]) + w.list_last + names[-1]


def shorten(name: str, limit: int) -> str:
    """``name`` cut to about ``limit`` characters, between words where it has spaces, with …"""
    if len(name) <= limit:
        return name
    cut = name[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:—–-、，") + "…"
