"""`plangen schema`: a valid draft-07 JSON Schema; the committed copy is current; every
example plan validates against it."""
from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from conftest import PLANS, ROOT, run
from plangen.source.schema import schema_text

COMMITTED = ROOT / "schema" / "plan.schema.json"


def test_schema_command_prints_a_valid_draft7_schema():
    proc = run("schema")
    assert proc.returncode == 0
    schema = json.loads(proc.stdout)
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "$defs" not in json.dumps(schema)
    assert set(schema["required"]) == {"plangen", "document", "sections"}


def test_committed_schema_is_current():
    assert COMMITTED.read_text(encoding="utf-8") == schema_text(), \
        "schema/plan.schema.json is stale: run `plangen schema > schema/plan.schema.json`"


def _as_json(value):
    """YAML data as JSON would carry it (dates as strings)."""
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_example_plans_validate_against_schema(path):
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    data = _as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
    jsonschema.Draft7Validator(schema).validate(data)
    assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../schema/plan.schema.json")


def test_schema_rejects_an_unknown_key():
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    data = _as_json(yaml.safe_load(PLANS[0].read_text(encoding="utf-8")))
    data["document"]["tittle"] = "x"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(schema).validate(data)
