"""The fixed words of a document, per language (strings/<lang>.yaml of the theme).

Typed and checked once when read: every key a renderer or the outline uses exists, is text
(or, for ``fields``, a list of text), and uses only the placeholders its key allows, with no
format spec or conversion, so formatting a wording string can neither fail nor allocate.
A theme's file may set only some keys: the others come from the built-in file.
"""
from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

# key -> the placeholders it may use; every key is required
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "number_label": frozenset(), "kind": frozenset(), "fields": frozenset(), "all_units": frozenset(),
    "list_separator": frozenset(), "list_last": frozenset(), "colon": frozenset(),
    "recipient": frozenset({"unit", "all"}),
    "preface_label": frozenset(), "table_what": frozenset(), "table_each": frozenset(), "table_quantity": frozenset(),
    "table_unit": frozenset(), "table_unit_measure": frozenset(), "table_for": frozenset(), "table_total": frozenset(),
    "table_budget": frozenset({"currency"}), "table_deadline": frozenset(), "table_owner": frozenset(),
    "appendix_label": frozenset(), "appendix_title": frozenset(), "appendix_unit": frozenset(),
    "appendix_total": frozenset(), "appendix_budget": frozenset({"currency"}),
    "appendix_part": frozenset({"part"}), "page_number": frozenset({"page"}),
    "kind_format": frozenset({"kind"}), "label_gap": frozenset(),
    "measure_format": frozenset({"what", "measure"}),
    "for_all_except": frozenset({"units"}), "for_many": frozenset({"count"}),
    "for_all_except_many": frozenset({"count"}),
    "table_status": frozenset(), "deadline_format": frozenset({"year", "month", "day", "mon"}),
    "unit_noun": frozenset(), "budget_plain": frozenset(), "budget_shared": frozenset({"amount"}),
    "appendix_shared": frozenset(), "unit_shared": frozenset(),
    "no_targets": frozenset(), "targets_dropped": frozenset({"count"}),
    # redlines and diffs
    "redline_heading": frozenset({"old", "new"}), "redline_plan": frozenset({"title", "number", "revision"}),
    "redline_inserted": frozenset(), "redline_deleted": frozenset(), "redline_none": frozenset(),
    "moved_to": frozenset({"path"}), "moved_from": frozenset({"path"}),
    "columns_removed": frozenset({"columns"}), "columns_added": frozenset({"columns"}),
    "table_replaced": frozenset({"changes"}),
    "diff_title": frozenset({"old", "new"}), "diff_document": frozenset(), "diff_units": frozenset(),
    "diff_items": frozenset(), "diff_targets": frozenset(), "diff_added": frozenset(), "diff_removed": frozenset(),
    "diff_moved": frozenset(), "diff_changed": frozenset(), "diff_renamed": frozenset(),
    "diff_was": frozenset({"path"}), "diff_total": frozenset(), "diff_budget": frozenset(),
    "field_names": frozenset(),
    # the progress report (plangen report)
    "report_kind": frozenset(), "report_title": frozenset({"title"}), "report_as_of": frozenset({"date"}),
    "report_summary": frozenset({"date", "total", "done", "progress", "planned", "overdue", "dropped"}),
    "report_summary_unit": frozenset({"unit", "date", "total", "done", "progress", "planned", "overdue", "dropped"}),
    "report_summary_no_dropped": frozenset({"date", "total", "done", "progress", "planned", "overdue"}),
    "report_summary_unit_no_dropped": frozenset({"unit", "date", "total", "done", "progress", "planned", "overdue"}),
    "date_format": frozenset({"year", "month", "day", "mon"}), "status_label": frozenset(),
    "status_planned": frozenset(), "status_in_progress": frozenset(), "status_done": frozenset(),
    "status_dropped": frozenset(), "status_none": frozenset(), "status_overdue": frozenset({"status"}),
    "col_planned": frozenset(), "col_done": frozenset(), "col_percent": frozenset(), "col_status": frozenset(),
    "col_spent": frozenset({"currency"}), "spent_plain": frozenset(), "col_note": frozenset(), "col_school": frozenset(),
    "report_note": frozenset({"unit", "what", "note"}),
    "matrix_title": frozenset(), "open_title": frozenset(), "open_none": frozenset(),
    "open_group": frozenset({"what", "measure", "date"}),
    "chart_label": frozenset(), "chart_title": frozenset(), "chart_planned": frozenset(), "chart_done": frozenset(),
    "chart_month": frozenset({"month", "mon"}), "sentence_end": frozenset(),
    "subtitle_separator": frozenset(),
    # plangen new's notices
    "new_dropped_count": frozenset({"count"}), "new_dropped": frozenset({"what", "year"}),
    "new_cleared": frozenset({"statuses", "values"}),
}
RETIRED = frozenset({"date_picker"})  # keys of older wording files, read and ignored (date_format decides now)
# keys whose wording names units: they may also use {unit_noun} and {Unit_noun} (capitalised)
NOUN_KEYS = ("all_units", "recipient", "table_for", "appendix_unit", "appendix_shared", "unit_shared", "no_targets", "diff_units",
             "for_all_except", "for_many", "for_all_except_many", "col_school", "report_summary", "report_summary_unit",
             "report_summary_no_dropped", "report_summary_unit_no_dropped",
             "matrix_title")
for _key in NOUN_KEYS:
    PLACEHOLDERS[_key] = PLACEHOLDERS[_key] | {"unit_noun", "Unit_noun", "unit_nouns"}
MAX_LENGTH = 200  # characters of one wording string
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# date_format's placeholders as the letters of Word's date picture and of AFDate_FormatEx (PDF)
PICTURE_LETTERS = {"year": ("yyyy", "yyyy"), "month": ("M", "m"), "day": ("d", "d"), "mon": ("MMM", "mmm")}


class WordingError(ValueError):
    """A wording file's key is missing or malformed; ``key`` names it."""

    def __init__(self, key: str, message: str):
        self.key = key
        super().__init__(message)


@dataclass(frozen=True)
class Wording:
    number_label: str
    kind: str
    fields: tuple[str, ...]  # default cover lines; the last one is a date
    all_units: str
    list_separator: str
    list_last: str  # before the last of several names: " and ", 、
    colon: str
    recipient: str
    preface_label: str  # empty: the preface has no label
    table_what: str
    table_each: str
    table_quantity: str  # the each column of a unit's own copy, where it is the unit's quantity
    table_unit: str
    table_unit_measure: str  # the same column when the units themselves are called 单位 (measure_header)
    table_for: str
    table_total: str
    table_budget: str
    table_deadline: str
    table_owner: str
    appendix_label: str
    appendix_title: str
    appendix_unit: str
    appendix_total: str
    appendix_budget: str
    appendix_part: str
    page_number: str
    kind_format: str
    label_gap: str
    measure_format: str
    for_all_except: str  # 除{units}外各校: a target for all units but a few
    for_many: str  # {count}个{unit_noun}，见附表: a target for many units, listed in the appendix
    for_all_except_many: str  # 除{count}个…外: all units but a few whose names are too long to list
    table_status: str
    deadline_format: str  # {year}年{month}月{day}日
    unit_noun: str  # what units are when the plan does not say (document.unit_noun)
    budget_plain: str  # a budget column's heading when the plan has no currency
    budget_shared: str  # a whole target's budget in a unit's own document
    appendix_shared: str  # the appendix line of budgets given for whole targets
    unit_shared: str  # that line in a unit's own document: money shared with others, not in its budget
    redline_heading: str  # the redline summary's title: {old} → {new}, each a redline_plan
    redline_plan: str  # one plan in that title: its {title}, {number} and {revision}
    redline_inserted: str
    redline_deleted: str
    redline_none: str  # the summary when nothing changed
    moved_to: str  # beside a moved item's old place
    moved_from: str  # beside its new place
    columns_removed: str  # a redline's replaced table: {columns} that OLD had and NEW has not
    columns_added: str  # {columns} that NEW added
    table_replaced: str  # the note above a replaced table: {changes}, the two above joined
    diff_title: str
    diff_document: str
    diff_units: str
    diff_items: str
    diff_targets: str
    diff_added: str
    diff_removed: str
    diff_moved: str
    diff_changed: str
    diff_renamed: str
    diff_was: str
    diff_total: str
    diff_budget: str
    field_names: dict[str, str]  # what a diff calls a plan's fields (number, title, text …)
    report_kind: str
    report_title: str
    report_as_of: str
    report_summary: str
    report_summary_unit: str  # `progress --unit`'s first line: one unit's summary, as a sentence
    report_summary_no_dropped: str  # the two above when no target was dropped (no "另有0项已取消")
    report_summary_unit_no_dropped: str
    date_format: str
    status_label: str
    status_planned: str
    status_in_progress: str
    status_done: str
    status_dropped: str
    no_targets: str  # `plangen targets` for a plan without targets
    targets_dropped: str  # `plangen targets`: how many dropped targets were left out
    status_none: str
    status_overdue: str
    col_planned: str
    col_done: str
    col_percent: str
    col_status: str
    col_spent: str
    spent_plain: str  # a money-spent column's heading when the plan has no currency
    col_note: str
    report_note: str  # the report: a done line's note, under its item's completion table
    col_school: str
    matrix_title: str
    open_title: str
    open_none: str
    open_group: str
    chart_label: str
    chart_title: str
    chart_planned: str
    chart_done: str
    chart_month: str
    sentence_end: str
    subtitle_separator: str  # title and subtitle on one line (metadata): " — ", "——"
    new_dropped_count: str  # `plangen new`: how many dropped targets were left out
    new_dropped: str  # one of them, after path:line: targets:
    new_cleared: str  # statuses set back to planned, cover dates removed (filled in anew each year)

    def status(self, name: str | None) -> str:
        """The word for a status (planned, in-progress, done, dropped; None: nothing reported)."""
        return str(getattr(self, "status_" + (name or "none").replace("-", "_")))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], defaults: Mapping[str, Any] | None = None) -> Wording:
        """Checked wording; keys missing from ``data`` come from ``defaults``."""
        merged = {k: v for k, v in {**(defaults or {}), **data}.items() if k not in RETIRED}
        unknown = sorted(set(merged) - set(PLACEHOLDERS))
        if unknown:
            raise WordingError(unknown[0], f"unknown key (keys: {', '.join(PLACEHOLDERS)})")
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in merged:
                raise WordingError(f.name, "missing")
            values[f.name] = _checked(f.name, merged[f.name])
        return cls(**values)

    def format(self, key: str, **values: str) -> str:
        """A wording string with its placeholders filled (checked when read: cannot fail)."""
        text: str = getattr(self, key)
        return text.format(**values)

    def named(self, key: str, unit_noun: str, **values: str) -> str:
        """A wording string that names units, with the plan's unit noun (科室, ward …), also
        capitalised ({Unit_noun}) and plural ({unit_nouns}: wards; 科室 stays 科室)."""
        return self.format(key, unit_noun=unit_noun, Unit_noun=unit_noun[:1].upper() + unit_noun[1:],
                           unit_nouns=plural(unit_noun), **values)

    def measure_header(self, unit_noun: str) -> str:
        """The header of the unit-of-measure column: 单位 / Unit, or 计量单位 / Unit of measure
        when the plan's units are themselves called 单位 (unit_noun), whose column says 单位 too."""
        clash = self.named("col_school", unit_noun).casefold() == self.table_unit.casefold()
        return self.table_unit_measure if clash else self.table_unit

    def date(self, value: dt.date, key: str = "date_format") -> str:
        """A date in the document's words: every printed date goes through here (date_format;
        deadline_format for a target's deadline). {mon} is the English month's short name."""
        return self.format(key, year=str(value.year), month=str(value.month), day=str(value.day),
                           mon=MONTHS[value.month - 1])

    def date_pictures(self) -> tuple[str, str]:
        """date_format, the one decision of how a language writes a date, as a .docx date
        picker's picture (Word's letters: d MMM yyyy, yyyy年M月d日) and as a PDF date field's
        format (AFDate_FormatEx's letters: d mmm yyyy, yyyy年m月d日), so a date picked in Word
        or typed into the PDF reads as the documents print dates."""
        word, pdf = [], []
        for literal, name, _spec, _conversion in string.Formatter().parse(self.date_format):
            word.append(literal)
            pdf.append(literal)
            if name is not None:
                word.append(PICTURE_LETTERS[name][0])
                pdf.append(PICTURE_LETTERS[name][1])
        return "".join(word), "".join(pdf)

    def field_name(self, name: str) -> str:
        return self.field_names.get(name, name)

    def split(self, key: str, placeholder: str) -> tuple[str, str]:
        """The text before and after a placeholder, e.g. page_number around {page}."""
        before, _, after = getattr(self, key).partition("{" + placeholder + "}")
        return before, after


# the picture letters date_pictures writes, as a date's parts (Word's and AFDate_FormatEx's)
_LETTERS = {False: {"yyyy": "%Y", "MMM": "mon", "MM": "%m", "M": "month", "dd": "%d", "d": "day"},
            True: {"yyyy": "%Y", "mmm": "mon", "mm": "%m", "m": "month", "dd": "%d", "d": "day"}}


def picture_date(picture: str, day: dt.date, pdf: bool = False) -> str | None:
    """``day`` written as a date field's picture says, Word's (d MMM yyyy) or, with ``pdf``, a
    PDF reader's (d mmm yyyy): what the field shows once a person picks that date. None when
    the picture uses letters other than those date_pictures writes (a file from elsewhere)."""
    letters = _LETTERS[pdf]
    out = []
    for part in re.split(r"(yyyy|MMM|mmm|MM|mm|M|m|dd|d)", picture):
        code = letters.get(part)
        if code is None and any(c.isascii() and c.isalpha() for c in part):
            return None
        if code is None:
            out.append(part)
        else:
            out.append({"mon": MONTHS[day.month - 1], "month": str(day.month), "day": str(day.day)}.get(code)
                       or day.strftime(code))
    return "".join(out)


def plural(noun: str) -> str:
    """An English noun's plural by the regular rules (site → sites, facility → facilities,
    campus → campuses); a noun that does not end in a Latin letter (学校) is left as it is."""
    if not noun[-1:].isascii() or not noun[-1:].isalpha():
        return noun
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def _checked(key: str, value: Any) -> Any:
    if key == "fields":
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise WordingError(key, "must be a list of labels")
        return tuple(_text(key, v) for v in value)
    if key == "field_names":
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise WordingError(key, "must map field names to words")
        return {k: _text(key, v) for k, v in value.items()}
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise WordingError(key, f"must be text (found: {type(value).__name__})")
    text = _with_placeholders(key, _text(key, str(getattr(value, "raw", value))))
    if key == "date_format":
        _date_literals(text)
    return text


def _date_literals(text: str) -> None:
    """date_format is also a date picker's picture: its text between placeholders may not hold
    what Word or a PDF reader would read as date letters or quoting."""
    for literal, _name, _spec, _conversion in string.Formatter().parse(text):
        odd = [c for c in literal if (c.isascii() and c.isalpha()) or c in "'\\\""]
        if odd:
            raise WordingError("date_format", f"{odd[0]!r} between placeholders: a date picker would read it as a "
                               "date letter (write words around dates elsewhere)")


def _with_placeholders(key: str, text: str) -> str:
    """text, once each {placeholder} in it is one PLACEHOLDERS allows for key, bare."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise WordingError(key, f"bad placeholder: {exc}") from None
    allowed = PLACEHOLDERS[key]
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in allowed:
            choices = ", ".join("{" + a + "}" for a in sorted(allowed)) or "none"
            raise WordingError(key, f"unknown placeholder {{{name}}} (allowed: {choices})")
        if spec or conversion:
            raise WordingError(key, f"placeholder {{{name}}} may not have a format or conversion")
    return text


def _text(key: str, value: str) -> str:
    if len(value) > MAX_LENGTH:
        raise WordingError(key, f"longer than {MAX_LENGTH} characters")
    return value
