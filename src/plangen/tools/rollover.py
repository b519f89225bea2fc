"""`plangen new --from PLAN --year Y`: next year's plan from this year's.

The new file is the old one with only some values edited in place: every byte outside them
(comments, key order, quoting, flow mappings written over several lines, block scalars)
stays as the author wrote it. Each edit replaces the source text of one YAML scalar (found
by its position, from PyYAML's node marks), or removes one mapping entry.

What changes: ``document.year``; in every text, the old year and the years around it as
people write them: fiscal years (FY2025 → FY2026), year ranges (2024–2025 → 2025–2026, both
ends move), and dates (2024-07-01, July 1, 2024, 2024年7月1日 move by the same number of
years); the document number (its last group of digits advanced, or a format you give); the
document date and target deadlines. A date filled in on the cover is removed and target
statuses are set back to planned (the cover's text values, such as the department, carry over);
a dropped target (``status: dropped``) is left out whole (with its ``targets:`` key when
every target of the item was dropped): it does not come back next year. Ids and unit lists
are never touched, so the two years diff cleanly."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import NamedTuple, Optional

import yaml

from plangen.errors import UsageError
from plangen.source.dates import ISO_DATE

Edit = tuple[int, int, str]  # (start, end, replacement) in the source text
KeyPath = tuple[str, ...]  # the mapping keys from the document's root to a node (list positions left out)
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATES = re.compile(
    rf"(?P<range>(?<!\d)(?P<a>\d{{4}})(?P<sep>\s*[-–—~至到/]\s*)(?P<b>\d{{4}})(?!\d))"
    rf"|(?P<iso>(?<!\d)(?P<iy>\d{{4}})-(?P<im>\d{{2}})-(?P<id>\d{{2}})(?!\d))"
    rf"|(?P<en>(?:{MONTHS})\s+\d{{1,2}},\s*(?P<ey>\d{{4}})(?!\d)|\d{{1,2}}\s+(?:{MONTHS})\s+(?P<ey2>\d{{4}})(?!\d))"
    rf"|(?P<zh>(?<!\d)(?P<zy>\d{{4}})(?=年\d{{1,2}}月))"
    rf"|(?P<year>(?<!\d)\d{{4}}(?!\d))")


def advance_number(number: str, year: int, number_format: Optional[str] = None, old_year: Optional[int] = None) -> str:
    """YK-JH-0025 -> YK-JH-0026; a number that holds the plan's year gets the new year and
    keeps its sequence (HQ-2027-01 -> HQ-2028-01); or number_format with {year} and {seq}
    (the old number's last digits plus one), e.g. 'RSD-IT-{year}-{seq:02d}'."""
    if old_year is not None and not number_format and re.search(rf"(?<!\d){old_year}(?!\d)", number):
        return re.sub(rf"(?<!\d){old_year}(?!\d)", str(year), number)
    digits = re.findall(r"\d+", number)
    seq = int(digits[-1]) + 1 if digits else 1
    if number_format:
        try:
            return number_format.format(year=year, seq=seq)
        except (KeyError, IndexError, ValueError) as exc:
            raise UsageError(f"--number-format {number_format!r}: {exc}") from None
    if not digits:
        return f"{number}-{seq}"
    last = list(re.finditer(r"\d+", number))[-1]
    return number[:last.start()] + str(seq).zfill(len(last.group())) + number[last.end():]


def shift_date(text: str, years: int) -> str:
    """2021-09-01 -> 2022-09-01 (29 February becomes the 28th)."""
    d = dt.date.fromisoformat(text)
    try:
        return d.replace(year=d.year + years).isoformat()
    except ValueError:
        return d.replace(year=d.year + years, day=28).isoformat()


def shift_years(text: str, old_year: int, years: int) -> str:
    """The plan's year, ranges that touch it, and dates, moved by ``years`` in running text."""
    def moved(y: str) -> str:
        return str(int(y) + years)

    def one(m: re.Match[str]) -> str:
        if m.group("range"):
            a, b = int(m.group("a")), int(m.group("b"))
            if old_year in (a, b) and 0 <= b - a <= 5:
                return moved(m.group("a")) + m.group("sep") + moved(m.group("b"))
            return m.group(0)
        for name in ("iy", "ey", "ey2", "zy"):
            if m.group(name):
                start, end = m.span(name)
                whole = m.group(0)
                return whole[:start - m.start()] + moved(m.group(name)) + whole[end - m.start():]
        return moved(m.group(0)) if int(m.group(0)) == old_year else m.group(0)
    return _DATES.sub(one, text)


Dropped = tuple[int, str]  # (line, what) of a dropped target left out


class Rolled(NamedTuple):
    """Next year's plan text and what was taken out of it, for the notices `new` prints."""

    text: str
    dropped: list[Dropped]  # dropped targets left out
    statuses: int  # statuses of the targets that stay set back to planned
    values: int  # cover dates removed


def roll_forward(text: str, year: int, number: Optional[str] = None,
                 number_format: Optional[str] = None) -> Rolled:
    """The new plan's text, and what was left out of it."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is None:
        raise UsageError("the plan is empty")
    document = _value(root, "document")
    old_year = int(_value(document, "year").value)
    years = year - old_year
    edits: list[Edit] = []

    def numbering(old: str) -> str:
        return number or advance_number(old, year, number_format, old_year)
    gone, dropped = _dropped(text, root)
    for path, node in _scalars(root, ()):
        edits.extend(_edit(text, path, node, year, years, old_year, numbering))
    removals = [(edit, key) for edit, key in _removals(text, root)
                if not any(a <= edit[0] and edit[1] <= b for a, b, _n in gone)]  # not inside a dropped target
    edits.extend(edit for edit, _key in removals)
    edits = [e for e in edits if not any(a <= e[0] and e[1] <= b for a, b, _n in gone)] + gone
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return Rolled(text, dropped, sum(k == "status" for _e, k in removals), sum(k == "value" for _e, k in removals))


def _edit(text: str, path: KeyPath, node: yaml.ScalarNode, year: int, years: int, old_year: int,
          numbering: Callable[[str], str]) -> list[Edit]:
    start, end = node.start_mark.index, node.end_mark.index
    raw = text[start:end]
    field = path[-1] if path else ""
    if path == ("document", "year"):
        new = raw.replace(node.value, str(year))
    elif path == ("document", "number"):
        new = raw.replace(node.value, numbering(node.value))
    elif field in ("date", "deadline") and ISO_DATE.fullmatch(node.value):
        new = raw.replace(node.value, shift_date(node.value, years))
    elif field in ("id", "for", "plangen", "quantity", "budget") or "units" in path:
        return []
    else:
        new = shift_years(raw, old_year, years)
    return [(start, end, new)] if new != raw else []


def _value(mapping: yaml.Node, key: str) -> yaml.Node:
    for k, v in mapping.value:
        if k.value == key and isinstance(v, yaml.Node):
            return v
    raise UsageError(f"the plan has no {key}")


def _scalars(node: yaml.Node, path: KeyPath) -> Iterator[tuple[KeyPath, yaml.ScalarNode]]:
    """Every value scalar with its path of keys (list positions are left out)."""
    if isinstance(node, yaml.ScalarNode):
        yield path, node
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            yield from _scalars(v, path + (k.value,))
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            yield from _scalars(v, path)


def _removals(text: str, root: yaml.Node) -> list[tuple[Edit, str]]:
    """A date filled in on the cover, removed with its key; every target's status set back to
    planned (each edit with its key). A cover's text values (部门: 后勤处, the writer's name)
    carry over: they are the office's, not the year's, and stay editable on the new cover. A
    status is reset rather than removed so that the target tables keep their 状态 column: the
    yearly redline then compares them cell by cell (a table whose columns changed is replaced
    whole)."""
    out: list[tuple[Edit, str]] = []
    for path, mapping in _mappings(root, ()):
        field = path[-2:] == ("document", "fields")
        if field and not _is_date_field(mapping):
            continue
        drop = "value" if field else "status" if path[-1:] == ("targets",) else None
        for k, (key, value) in enumerate(mapping.value):
            if drop == "status" and key.value == "status":
                if isinstance(value, yaml.ScalarNode) and value.value != "planned":
                    out.append(((value.start_mark.index, value.end_mark.index, "planned"), "status"))
            elif drop is not None and key.value == drop:
                out.append((_entry_span(text, mapping, k), drop))
    return out


def _is_date_field(mapping: yaml.MappingNode) -> bool:
    """A cover line of type date, or one whose value is a date (YYYY-MM-DD)."""
    values = {str(k.value): v.value for k, v in mapping.value if isinstance(v, yaml.ScalarNode)}
    return values.get("type") == "date" or bool(ISO_DATE.fullmatch(str(values.get("value", ""))))


def _dropped(text: str, root: yaml.Node) -> tuple[list[Edit], list[Dropped]]:
    """Dropped targets, each removed with its list entry (its item's ``targets:`` key when
    none is left)."""
    edits: list[Edit] = []
    left_out: list[Dropped] = []
    for _path, mapping in _mappings(root, ()):
        for k, (key, value) in enumerate(mapping.value):
            if key.value != "targets" or not isinstance(value, yaml.SequenceNode):
                continue
            gone = [i for i, t in enumerate(value.value) if _field(t, "status") == "dropped"]
            left_out += [(value.value[i].start_mark.line + 1, _field(value.value[i], "what")) for i in gone]
            if gone and len(gone) == len(value.value):
                edits.append(_entry_span(text, mapping, k))
            else:
                edits.extend(_item_span(text, value, i) for i in gone)
    return edits, left_out


def _field(node: yaml.Node, key: str) -> str:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key and isinstance(v, yaml.ScalarNode):
                return str(v.value)
    return ""


def _item_span(text: str, seq: yaml.SequenceNode, i: int) -> Edit:
    items = seq.value
    if seq.flow_style:  # [a, b]: from the end of the previous item (its comma included)
        if i > 0:
            return items[i - 1].end_mark.index, items[i].end_mark.index, ""
        return items[0].start_mark.index, items[1].start_mark.index, ""
    start = text.rfind("\n", 0, items[i].start_mark.index) + 1  # the line of its dash
    if i + 1 < len(items):
        return start, text.rfind("\n", 0, items[i + 1].start_mark.index) + 1, ""
    return start, _line_end(text, items[i].end_mark.index), ""


def _line_end(text: str, index: int) -> int:
    """Past the newline that ends the line of a node ending at index (a block collection or
    scalar ends at the start of the next line already)."""
    line_start = text.rfind("\n", 0, index) + 1
    if not text[line_start:index].strip():
        return line_start
    end = text.find("\n", index)
    return len(text) if end < 0 else end + 1


def _mappings(node: yaml.Node, path: KeyPath) -> Iterator[tuple[KeyPath, yaml.MappingNode]]:
    if isinstance(node, yaml.MappingNode):
        yield path, node
        for k, v in node.value:
            yield from _mappings(v, path + (k.value,))
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            yield from _mappings(v, path)


def _entry_span(text: str, mapping: yaml.MappingNode, k: int) -> Edit:
    key, value = mapping.value[k]
    if mapping.flow_style:  # {a: 1, b: 2}: from the end of the previous value (its comma included)
        if k > 0:
            return mapping.value[k - 1][1].end_mark.index, value.end_mark.index, ""
        following = mapping.value[1][0].start_mark.index if len(mapping.value) > 1 else value.end_mark.index
        return key.start_mark.index, following, ""
    start = text.rfind("\n", 0, key.start_mark.index) + 1
    if text[start:key.start_mark.index].strip() not in ("", "-"):
        start = key.start_mark.index
    end = _line_end(text, value.end_mark.index)
    if text[start:key.start_mark.index].strip() == "-":  # "- value: x" opens a list entry: keep the dash
        return key.start_mark.index, _next_key(mapping, k, end), ""
    return start, end, ""


def _next_key(mapping: yaml.MappingNode, k: int, fallback: int) -> int:
    return mapping.value[k + 1][0].start_mark.index if k + 1 < len(mapping.value) else fallback


def default_output(path: str, old_year: int, year: int) -> str:
    from pathlib import Path
    p = Path(path)
    name = re.sub(rf"(?<!\d){old_year}(?!\d)", str(year), p.name)
    if name == p.name:
        name = f"{p.stem}-{year}{p.suffix}"
    return str(p.with_name(name))
