"""The JSON Schema says what `plangen check` says: every broken plan of the corpora (this
repository's test_check.py and test_hostile.py) is validated with `jsonschema` (draft-07,
formats checked, as an editor does) and with plangen's checker, and where they disagree the
difference must be one a schema cannot express, named below with its reason."""
from __future__ import annotations

import json

import jsonschema
import pytest

from plangen.errors import PlanError
from plangen.source.load import load_plan_text
from plangen.source.schema import packaged_schema_text
from plangen.source.yamlsafe import decode, load_yaml
from test_check import BASE, BROKEN
from test_hostile import MINIMAL, PLAN_CASES

# Rules only `check` applies, by case, with the reason a JSON Schema cannot say the same.
READ_LEVEL = "decided while reading the YAML text (syntax, encoding, tags, duplicate or merge keys, " \
             "characters, size limits): a schema validates the data that results, not the text"
CROSS_FIELD = "compares values across the plan (unique ids, known unit ids, one measure per item, numbered depth " \
              "counting skip_level): JSON Schema can only constrain each value where it stands"
SCHEMA_CANNOT_SAY = {
    "yaml-syntax": READ_LEVEL, "yaml-tab": READ_LEVEL, "duplicate-key": READ_LEVEL, "python-tag": READ_LEVEL,
    "control-char": READ_LEVEL, "anchor-merge": READ_LEVEL,
    "duplicate-item-id": CROSS_FIELD, "duplicate-target-id": CROSS_FIELD, "target-id-twice": CROSS_FIELD,
    "item-id-case": CROSS_FIELD, "group-name-case": CROSS_FIELD, "duplicate-unit-id": CROSS_FIELD, "unit-id-case": CROSS_FIELD,
    "unknown-school": CROSS_FIELD, "measure-mismatch": CROSS_FIELD, "too-deep": CROSS_FIELD,
    "all-without-units": CROSS_FIELD,
    # test_hostile.py's corpus
    "alias-bomb": READ_LEVEL, "deep-nesting-1000": READ_LEVEL, "deep-nesting-mappings": READ_LEVEL,
    "many-aliases": READ_LEVEL, "python-object": READ_LEVEL, "python-name": READ_LEVEL, "binary-tag": READ_LEVEL,
    "set-tag": READ_LEVEL, "custom-tag": READ_LEVEL, "huge-file": READ_LEVEL, "utf16": READ_LEVEL,
    "latin1": READ_LEVEL, "nul-byte": READ_LEVEL, "raw-control-char": READ_LEVEL, "escaped-vertical-tab": READ_LEVEL,
    "escaped-nul": READ_LEVEL, "escaped-surrogate": READ_LEVEL, "non-character": READ_LEVEL, "c1-control": READ_LEVEL,
    "merge-key": READ_LEVEL, "multiple-documents": READ_LEVEL, "key-not-text": READ_LEVEL,
    "item-without-words": READ_LEVEL,  # written with a duplicate key `targets`; see "no-words" for the rule itself
    "empty-file": "an empty file is no document: an editor has nothing to validate",
    "empty": "an empty file is no document: an editor has nothing to validate",
    "only-comments": "an empty file is no document: an editor has nothing to validate",
}

# Besides the corpora: rules this issue brought into the checker.
EXTRA = [
    ("all-without-units", BASE.replace("units:\n  - id: a\n    name: 甲校\n  - id: b\n    name: 乙校\n", "")),
    ("no-words", BASE.replace("        text: 各校采购50套新课桌。\n", "")),
    ("negative-budget", BASE.replace("            unit: 套\n", "            unit: 套\n            budget: -1\n")),
]


def _corpus() -> list[tuple[str, bytes]]:
    cases = [(name, text.encode("utf-8")) for name, text, _ in BROKEN]
    cases += [(name, data) for name, data, _, _ in PLAN_CASES if data.decode("utf-8", "replace") != MINIMAL]
    return cases + [(name, text.encode("utf-8")) for name, text in EXTRA]


def _json(value):
    """Data as an editor's YAML 1.2 reader hands it to the schema (numbers as numbers)."""
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    return int(value) if isinstance(value, int) else float(value)


def schema_verdict(data: bytes, validator) -> str | None:
    """None when the schema accepts the data; otherwise why not. 'read' when there is no data."""
    text, diags = decode(data, "plan.yaml")
    if text is None or diags:
        return "read"
    try:
        loaded, _smap, diags = load_yaml(text, "plan.yaml")
    except Exception:  # a limit refused the text: there is no data either
        return "read"
    if diags or loaded is None:
        return "read"
    errors = sorted(validator.iter_errors(_json(loaded)), key=lambda e: list(e.absolute_path))
    return "; ".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message[:80]}" for e in errors) or None


def check_verdict(data: bytes) -> bool:
    """True when `plangen check` refuses the plan."""
    text, diags = decode(data, "plan.yaml")
    if text is None:
        return True
    try:
        load_plan_text(text, "plan.yaml")
    except PlanError as exc:
        return any(d.severity == "error" for d in exc.diagnostics)
    return bool(diags)


def test_schema_and_check_agree_on_every_broken_plan():
    validator = jsonschema.Draft7Validator(json.loads(packaged_schema_text()),
                                           format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    disagree, listing = {}, []
    for name, data in _corpus():
        refused_by_check, why = check_verdict(data), schema_verdict(data, validator)
        assert refused_by_check, f"{name}: the corpus holds broken plans, but check accepts it"
        said = {None: "accepts", "read": "has no data (refused while reading)"}.get(why, f"refuses ({why})")
        listing.append(f"{name}: check refuses; schema {said}")
        if why is None or why == "read":
            disagree[name] = "schema has no data" if why == "read" else "schema accepts"
    print("\n".join(listing))
    unexplained = sorted(set(disagree) - set(SCHEMA_CANNOT_SAY))
    assert not unexplained, "the schema accepts what check refuses, and nothing says why:\n" + "\n".join(
        line for line in listing if line.split(":")[0] in unexplained)
    stale = sorted(set(SCHEMA_CANNOT_SAY) - set(disagree))
    assert not stale, f"these cases are named as differences but schema and check now agree: {stale}"


@pytest.mark.parametrize("name", ["negative-quantity", "no-words", "quantity-bool", "deadline-format", "bad-id"])
def test_schema_refuses_what_check_refuses(name):
    text = dict([(n, t) for n, t, _ in BROKEN] + EXTRA)[name]
    validator = jsonschema.Draft7Validator(json.loads(packaged_schema_text()),
                                           format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    assert schema_verdict(text.encode("utf-8"), validator) not in (None, "read")
