"""Plan files in, validated ``Plan`` out: every problem as ``path:line:col: field: message``.

All problems of a file are collected and raised together in one ``PlanError``.
"""
from __future__ import annotations

import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from plangen.errors import Diagnostic, PlanError
from plangen.source.dates import impossible_date
from plangen.source.model import Plan, check_plan_data
from plangen.source.walk import Loc
from plangen.source.yamlsafe import DEFAULT_LIMITS, Limits, SourceMap, decode, dotted, load_yaml, read_file, refused_fields
from plangen.suggest import did_you_mean

_YAML11_WORDS = {"yes", "no", "on", "off", "y", "n"}


@dataclass
class LoadedPlan:
    plan: Plan
    path: str
    source: SourceMap
    warnings: list[Diagnostic] = field(default_factory=list)


def load_plan(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> LoadedPlan:
    """Read and validate one plan file."""
    shown = str(path)
    text, diags = decode(read_file(path, limits), shown, limits)
    if text is None:
        raise PlanError(diags)
    return load_plan_text(text, shown, limits)


def load_plan_text(text: str, path: str = "<plan>", limits: Limits = DEFAULT_LIMITS) -> LoadedPlan:
    data, smap, diags = load_yaml(text, path, limits)
    if data is None and not diags:
        diags = [Diagnostic(path, 1, 1, "", "the file is empty")]
    if diags and data is None:
        raise PlanError(diags)
    if not isinstance(data, dict):
        raise PlanError(diags + [Diagnostic(path, 1, 1, "", "a plan is a mapping of keys (plangen, document, units, sections)")])
    if data.get("plangen") not in (1, None) :
        line, col = smap.locate(("plangen",))
        raise PlanError(diags + [Diagnostic(path, line, col, "plangen",
                                            f"unsupported format version (found: {data.get('plangen')!r}); this plangen reads version 1")])
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        # a value the YAML layer already refused (a tag, a control character) is not
        # reported a second time as "expected text (found: None)"
        refused = refused_fields(diags)
        more = [d for d in (_diagnostic(err, smap) for err in exc.errors())
                if not any(d.field == f or d.field.startswith(f + ".") or d.field.startswith(f + "[") for f in refused)]
        found = [_problem(p, smap) for p in check_plan_data(data)]
        raise PlanError(diags + more + [d for d in found if d.severity == "error"]
                        + [d for d in found if d.severity == "warning"]) from None  # warnings too: one round
    problems = check_plan_data(data)  # the data as written: locations name what the author wrote
    errors = [d for d in (_problem(p, smap) for p in problems) if d.severity == "error"]
    warnings = [d for d in (_problem(p, smap) for p in problems) if d.severity == "warning"]
    if diags or errors:
        raise PlanError(diags + errors + warnings)
    return LoadedPlan(plan, path, smap, warnings)


def _problem(problem: tuple[Loc, str, str, Optional[Loc]], smap: SourceMap) -> Diagnostic:
    loc, message, severity, first = problem
    if first is not None:
        message += f" (first at line {smap.locate(first)[0]})"
    line, col = smap.locate(loc)
    return Diagnostic(smap.path, line, col, dotted(loc), message, severity)


def _found(value: typing.Any) -> str:
    text = value.raw if hasattr(value, "raw") else repr(value)
    if isinstance(value, dict):
        text = "a mapping"
    elif isinstance(value, list):
        text = "a list"
    return text if len(text) <= 60 else text[:57] + "..."


def _diagnostic(err: ErrorDetails, smap: SourceMap, root: type = Plan) -> Diagnostic:
    """One pydantic error as `path:line:col: field: message (found: value)`; root: the model read."""
    loc = tuple(err["loc"])
    kind = err["type"]
    value = err.get("input")
    if kind == "extra_forbidden":
        line, col = smap.locate(loc, prefer_key=True)
        message = _unknown_key(loc, root)
        if value is None:  # {name: Smith, Jones}: a comma inside a {…} mapping starts a new key
            message += "; a comma inside {…} ends a value: put text with commas in quotes"
        return Diagnostic(smap.path, line, col, dotted(loc), message)
    if kind == "missing":
        line, col = smap.locate(loc[:-1], prefer_key=True)  # at the parent's key, e.g. "document:"
        return Diagnostic(smap.path, line, col, dotted(loc), "required key is missing")
    message = _message(err, kind, value)
    if isinstance(value, str) and kind in ("number_type", "int_type", "float_type") and value.lstrip("+-").isdigit():
        message += "; write the number without quotes or leading zeros"
    line, col = smap.locate(loc)
    quiet = kind in ("item_needs_words", "one_budget") or message.startswith(f"{value} is not a date")
    found = "" if quiet else f" (found: {_found(value)})"
    return Diagnostic(smap.path, line, col, dotted(loc), message + found)


def _unknown_key(loc: Loc, root: type) -> str:
    """The message for an unknown key: the close valid key, or all of them."""
    key = loc[-1]
    valid = _valid_keys(loc[:-1], root)
    hint = did_you_mean(str(key), valid)
    return f"unknown key '{key}'" + (hint or f" (valid keys: {', '.join(valid)})")


def _message(err: ErrorDetails, kind: str, value: typing.Any) -> str:
    """pydantic's message in the plan's words (text, whole number, YYYY-MM-DD ...)."""
    message = err["msg"].replace("Input should be", "expected").replace("String should", "text should")
    message = message.replace("Value error, ", "")
    if kind == "string_type":
        message = "expected text"
    elif kind in ("int_type", "int_from_float", "int_parsing"):
        message = "expected a whole number"
    elif kind in ("bool_type", "bool_parsing") and str(value).lower() in _YAML11_WORDS:
        message = "expected true or false (yes/no/on/off are read as text here)"
    elif kind == "too_short" and isinstance(value, (list, str)):
        message = "must not be empty"
    elif kind in ("greater_than_equal", "less_than_equal"):
        message = f"must be {'>=' if kind == 'greater_than_equal' else '<='} {err['ctx'].get('ge', err['ctx'].get('le'))}"
    elif kind == "string_pattern_mismatch" and err["loc"][-1:] == ("locale",):
        message = "expected a language tag: en-GB, en-US, en-AU ... (an English plan) or zh-CN"
    elif kind == "string_pattern_mismatch":
        message = ("an id is made of letters, digits, '-', '_' and '.', starts with a letter or digit "
                   "and has at most 64 characters")
    elif kind == "item_needs_words":
        message = "an item needs a title or text"
    elif kind in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        message = impossible_date(value) or "expected a date written as YYYY-MM-DD"
    return message


def _valid_keys(loc: Loc, root: type = Plan) -> list[str]:
    """The keys allowed at loc, found by walking the models' annotations."""
    model: typing.Any = root
    for part in loc:
        model = _step(model, part)
        if model is None:
            return []
    for candidate in _unwrap(model):  # a union (``for:``) may hold a model
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return [f.alias or name for name, f in candidate.model_fields.items()]
    return []


def _step(tp: typing.Any, part: str | int) -> typing.Any:
    for candidate in _unwrap(tp):
        if isinstance(part, int):
            if typing.get_origin(candidate) is list:
                return typing.get_args(candidate)[0]
        elif isinstance(candidate, type) and issubclass(candidate, BaseModel):
            for name, f in candidate.model_fields.items():
                if part in (name, f.alias):
                    return f.annotation
    return None


def _unwrap(tp: typing.Any) -> list[typing.Any]:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin is typing.Union:
        return [c for a in typing.get_args(tp) for c in _unwrap(a)]
    if isinstance(tp, str):  # forward reference "Item"
        from plangen.source import model as _m
        return [getattr(_m, tp)]
    if isinstance(tp, typing.ForwardRef):
        from plangen.source import model as _m
        return [getattr(_m, tp.__forward_arg__)]
    return [tp]
