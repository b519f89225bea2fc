"""The JSON Schema of the plan format, generated from the pydantic models.

Published in draft-07 form (``definitions`` rather than ``$defs``), the newest draft that
yaml-language-server fully supports; every construct the models emit exists in draft-07.
The package carries the generated text (``plan.schema.json`` beside this module, printed by
``plangen schema`` and copied by ``plangen init``); a test keeps it, and the repository's
``schema/plan.schema.json``, equal to what the models give. Regenerate both with
``python -m plangen.source.schema .`` from the repository's root.
"""
from __future__ import annotations

import importlib.resources
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel

from plangen.errors import RenderError

SCHEMA_ID = "https://plangen.invalid/schema/plan-1.schema.json"
PROGRESS_SCHEMA_ID = "https://plangen.invalid/schema/progress-1.schema.json"
PACKAGED = "plan.schema.json"
PROGRESS = "progress.schema.json"  # the progress file's schema, in the repository's schema/


def plan_schema(model: type[BaseModel] | None = None, schema_id: str = SCHEMA_ID) -> dict[str, Any]:
    from plangen.source.model import Plan
    schema = (model or Plan).model_json_schema(by_alias=True, mode="validation")
    text = json.dumps(schema, ensure_ascii=False).replace("#/$defs/", "#/definitions/")
    schema = json.loads(text)
    if "$defs" in schema:
        schema["definitions"] = schema.pop("$defs")
    return {"$schema": "http://json-schema.org/draft-07/schema#", "$id": schema_id, **schema}


def progress_schema() -> dict[str, Any]:
    """The progress file's schema (``plangen schema --progress``)."""
    from plangen.source.progress import Progress
    return plan_schema(Progress, PROGRESS_SCHEMA_ID)


def schema_text(progress: bool = False) -> str:
    """The schema generated from the models: the plan's, or the progress file's."""
    schema = progress_schema() if progress else plan_schema()
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def packaged_schema_text() -> str:
    """The schema as the installed package carries it."""
    resource = importlib.resources.files("plangen.source").joinpath(PACKAGED)
    try:
        return resource.read_text(encoding="utf-8")
    except OSError as exc:
        raise RenderError(f"{resource}: cannot read the packaged schema ({exc.strerror}); reinstall plangen") from None


def write_schema_files(root: Path) -> list[Path]:
    """Write the packaged copy and the repository's schema/ copy under root."""
    text = schema_text()
    paths = [root / "src" / "plangen" / "source" / PACKAGED, root / "schema" / PACKAGED]
    for path in paths:
        path.write_text(text, encoding="utf-8")
    progress = root / "schema" / PROGRESS
    progress.write_text(schema_text(progress=True), encoding="utf-8")
    return paths + [progress]


if __name__ == "__main__":
    for written in write_schema_files(Path(sys.argv[1] if len(sys.argv) > 1 else ".")):
        print(f"wrote {written}")
