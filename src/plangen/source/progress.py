"""The progress file beside a plan (``plans/2021-logistics.progress.yaml``), as pydantic models.

Dated entries say, as of their date, how much of a target one unit has done (cumulative:
the latest entry up to a date wins) and how far an item has come. Quantities are Decimal
from the start, so 0.1 + 0.2 is 0.3. Checks against the plan (unknown item, target or unit,
done above planned without a note, a date outside the plan's year) live in
``plangen.source.progress_check``; reading and locating errors in ``load_progress``.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any, Literal, Optional

from pydantic import BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from plangen.outline import numbers
from plangen.source.model import Id, Text, _Strict

SUFFIX = ".progress.yaml"
STATUSES = ("planned", "in-progress", "done", "dropped")
Status = Literal["planned", "in-progress", "done", "dropped"]


def _decimal(value: Any) -> Any:
    """A number as the author wrote it (50, 12.5), exactly: never through a float."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise PydanticCustomError("number_type", "expected a number")
    try:
        number = Decimal(str(getattr(value, "raw", value)))
    except InvalidOperation:
        raise PydanticCustomError("number_type", "expected a number") from None
    try:  # the plan's bounds: at most 10^12 and numbers.MAX_DECIMALS decimals
        return numbers.checked(number)
    except numbers.NumberError as exc:
        raise PydanticCustomError(exc.code, str(exc)) from None


def exact(value: Any) -> Decimal:
    """A plan's quantity or budget (int, float or Decimal) as an exact Decimal, as written."""
    return value if isinstance(value, Decimal) else Decimal(str(getattr(value, "raw", value)))


Amount = Annotated[Decimal, BeforeValidator(_decimal), Field(ge=0), WithJsonSchema({"type": "number", "minimum": 0})]


class TargetEntry(_Strict):
    """How much of one target one unit has done, as of the entry's date."""

    target: Text = Field(description="The target's id, or its 'what' (e.g. 新课桌) when that names one target.")
    unit: Optional[Id] = Field(None, description="The unit's id; may be left out when the target is for one unit.")
    done: Amount = Field(description="How much is done so far (cumulative, in the target's unit of measure).")
    status: Optional[Status] = Field(None, description="Default: done when done reaches the planned quantity, "
                                                       "in-progress when above 0, else planned.")
    spent: Optional[Amount] = Field(None, description="Money spent so far on this target for this unit.")
    note: Optional[Text] = None
    reporter: Optional[Text] = Field(None, description="Who reported it; default: the entry's reporter.")


class ItemEntry(_Strict):
    """How far one item of the plan has come, in a sentence."""

    item: Id = Field(description="The item's id in the plan.")
    status: Status
    summary: Optional[Text] = Field(None, description="What was done, in a sentence; printed in the report.")
    reporter: Optional[Text] = None


class Entry(_Strict):
    """What was reported on one date."""

    date: dt.date = Field(description="The date of the report, YYYY-MM-DD, within the plan's year.")
    reporter: Optional[Text] = Field(None, description="Who reported (default for the entry's lines).")
    targets: list[TargetEntry] = []
    items: list[ItemEntry] = []


class Progress(_Strict):
    """A progress file, format version 1."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="plangen progress, version 1")
    progress: Literal[1] = Field(description="The progress format version; always 1.")
    entries: Annotated[list[Entry], Field(min_length=1)]


def progress_path(plan_path: str | Path) -> Path:
    """The progress file beside a plan: plans/x.yaml -> plans/x.progress.yaml."""
    path = Path(plan_path)
    return path.with_name(path.name.removesuffix(".yaml").removesuffix(".yml") + SUFFIX)


def is_progress_file(path: str | Path) -> bool:
    return str(path).endswith(SUFFIX)


def plan_path_of(progress: str | Path) -> Path:
    """The plan a progress file belongs to: plans/x.progress.yaml -> plans/x.yaml."""
    path = Path(progress)
    return path.with_name(path.name.removesuffix(SUFFIX) + ".yaml")
