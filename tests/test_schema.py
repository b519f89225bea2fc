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


PACKAGED = ROOT / "src" / "plangen" / "source" / "plan.schema.json"


def test_packaged_schema_is_current_and_printed():
    assert PACKAGED.read_text(encoding="utf-8") == schema_text(), \
        "src/plangen/source/plan.schema.json is stale: run `python -m plangen.source.schema .` from the repository"
    assert run("schema").stdout == PACKAGED.read_text(encoding="utf-8")


def _subschemas(node: dict, where: str = "#"):
    """Every schema inside a schema (properties, definitions, items, anyOf ...), with its place."""
    yield where, node
    for key in ("properties", "definitions"):
        for name, sub in node.get(key, {}).items():
            yield from _subschemas(sub, f"{where}/{key}/{name}")
    for key in ("anyOf", "allOf", "oneOf"):
        for i, sub in enumerate(node.get(key, [])):
            yield from _subschemas(sub, f"{where}/{key}/{i}")
    for key in ("items", "not", "additionalProperties"):
        if isinstance(node.get(key), dict):
            yield from _subschemas(node[key], f"{where}/{key}")


def test_no_keyword_a_validator_ignores():
    """pydantic's constraints must come out as JSON Schema keywords (`minimum`, not `ge`)."""
    known = set(jsonschema.Draft7Validator.VALIDATORS) | {"$schema", "$id", "title", "description", "default",
                                                          "definitions", "examples", "format"}
    schema = json.loads(schema_text())
    places = list(_subschemas(schema))
    assert len(places) > 50
    for where, node in places:
        assert not set(node) - known, f"{where}: keywords no validator knows: {set(node) - known}"
    target = schema["definitions"]["Target"]["properties"]
    assert target["quantity"]["minimum"] == 0
    assert any(s.get("type") == "number" and s.get("minimum") == 0 and s.get("maximum") == 10 ** 12
               for s in target["budget"]["anyOf"])


def test_schema_refuses_a_negative_quantity():
    schema = json.loads(schema_text())
    data = _as_json(yaml.safe_load((ROOT / "tests" / "data" / "minimal.yaml").read_text(encoding="utf-8")))
    jsonschema.Draft7Validator(schema).validate(data)
    data["sections"][0]["items"][0]["targets"][0]["quantity"] = -5
    with pytest.raises(jsonschema.ValidationError, match="less than the minimum"):
        jsonschema.Draft7Validator(schema).validate(data)
