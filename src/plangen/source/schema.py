"""The JSON Schema of the plan format, generated from the pydantic models.

Published in draft-07 form (``definitions`` rather than ``$defs``), the newest draft that
yaml-language-server fully supports; every construct the models emit exists in draft-07.
"""
from __future__ import annotations

import json

from plangen.source.model import Plan

SCHEMA_ID = "https://plangen.invalid/schema/plan-1.schema.json"
PROGRESS_SCHEMA_ID = "https://plangen.invalid/schema/progress-1.schema.json"


def plan_schema(model: type = Plan, schema_id: str = SCHEMA_ID) -> dict:
    schema = model.model_json_schema(by_alias=True, mode="validation")
    text = json.dumps(schema, ensure_ascii=False).replace("#/$defs/", "#/definitions/")
    schema = json.loads(text)
    if "$defs" in schema:
        schema["definitions"] = schema.pop("$defs")
    return {"$schema": "http://json-schema.org/draft-07/schema#", "$id": schema_id, **schema}


def progress_schema() -> dict:
    """The progress file's schema (``plangen schema --progress``)."""
    from plangen.source.progress import Progress
    return plan_schema(Progress, PROGRESS_SCHEMA_ID)


def schema_text(progress: bool = False) -> str:
    schema = progress_schema() if progress else plan_schema()
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
