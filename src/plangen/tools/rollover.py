"""`plangen new --from PLAN --year Y`: next year's plan from this year's, keeping the
author's comments, key order and formatting (round-trip YAML with ruamel.yaml).

What changes: the year (document.year, and the old year written in any text: 2021 →
2022, 2021年 → 2022年), the document number (its last group of digits advanced, or a
format you give), the document date and target deadlines (moved by the same number of
years); filled-in cover values and target statuses are reset. Ids are kept, so the two
years diff cleanly."""
from __future__ import annotations

import datetime as dt
import io
import re
from typing import Optional

from plangen.errors import UsageError


def advance_number(number: str, year: int, number_format: Optional[str] = None) -> str:
    """YK-JH-0025 -> YK-JH-0026; or number_format with {year} and {seq} (the old number's
    last digits plus one), e.g. 'RSD-IT-{year}-{seq:02d}'."""
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


def _shift(date, years: int):
    if not isinstance(date, (dt.date, str)):
        return date
    text = str(date)
    try:
        d = dt.date.fromisoformat(text)
    except ValueError:
        return date
    try:
        moved = d.replace(year=d.year + years)
    except ValueError:  # 29 February
        moved = d.replace(year=d.year + years, day=28)
    return moved if isinstance(date, dt.date) else moved.isoformat()


def roll_forward(text: str, year: int, number: Optional[str] = None, number_format: Optional[str] = None) -> str:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import ScalarString

    from ruamel.yaml.util import load_yaml_guess_indent

    # ruamel guesses from the first `key:` line, which a trailing comment hides: guess without them
    _, indent, block_seq_indent = load_yaml_guess_indent(re.sub(r"[ \t]+#[^\n]*", "", text))
    rt = YAML()  # round trip: comments, key order, quoting and block styles are kept
    rt.preserve_quotes = True
    rt.width = 4096
    offset = block_seq_indent or 0
    sequence = indent or 2
    rt.indent(mapping=max(sequence - offset, 2) if offset else sequence, sequence=sequence, offset=offset)
    data = rt.load(text)
    doc = data["document"]
    old_year = int(doc["year"])
    years = year - old_year
    pattern = re.compile(rf"(?<!\d){old_year}(?!\d)")

    def fix_text(value):
        if not isinstance(value, str) or not pattern.search(value):
            return value
        new = pattern.sub(str(year), value)
        if isinstance(value, ScalarString):
            kept = type(value)(new)
            for attr in ("fold_pos", "comment"):
                if hasattr(value, attr) and len(new) == len(value):
                    setattr(kept, attr, getattr(value, attr))
            return kept
        return new

    def walk(node):
        if isinstance(node, CommentedMap):
            for key in list(node.keys()):
                if key in ("id", "for"):
                    continue
                node[key] = walk(fix_text(node[key]))
        elif isinstance(node, CommentedSeq):
            for i in range(len(node)):
                node[i] = walk(fix_text(node[i]))
        return node

    walk(data)
    doc["year"] = year
    doc["number"] = number or advance_number(str(doc["number"]), year, number_format)
    if "date" in doc:
        doc["date"] = _shift(doc["date"], years)
    for f in doc.get("fields") or []:
        if "value" in f:
            del f["value"]

    def targets(items):
        for item in items or []:
            for target in item.get("targets") or []:
                if "status" in target:
                    del target["status"]
                if "deadline" in target:
                    target["deadline"] = _shift(target["deadline"], years)
            targets(item.get("items"))
    targets(data.get("sections"))
    out = io.StringIO()
    rt.dump(data, out)
    return out.getvalue()


def default_output(path: str, old_year: int, year: int) -> str:
    from pathlib import Path
    p = Path(path)
    name = re.sub(rf"(?<!\d){old_year}(?!\d)", str(year), p.name)
    if name == p.name:
        name = f"{p.stem}-{year}{p.suffix}"
    return str(p.with_name(name))
