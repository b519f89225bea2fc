"""The plan format, version 1, as pydantic models.

Every model forbids unknown keys. Numbers and labels are never typed by an author:
an item's label comes from its position (see ``outline``). Cross-field rules (unique ids,
known units, consistent units of measure, depth) live in ``check_plan``, which returns
locations so that ``load`` can report each problem at its line.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any, Literal, NamedTuple, Optional, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from plangen.outline import numbers
from plangen.outline.numbering import SCHEMES
from plangen.source.groups import check_for, check_groups
from plangen.source.ids import IdSeen, note_id
from plangen.source.walk import walk

MAX_DEPTH = 6


_CJK = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff"
_FOLDED_SPACE = re.compile(f"(?<=[{_CJK}])[ \t\n]+(?=[{_CJK}])")


def _as_text(value: Any) -> Any:
    """Numbers written plainly where text is expected stay as the author wrote them;
    a line break that YAML folded into a space between two CJK characters is dropped."""
    raw = getattr(value, "raw", None)
    if raw is not None and not isinstance(value, bool):
        return raw
    return _FOLDED_SPACE.sub("", value) if isinstance(value, str) else value


# The document's properties in a .docx hold at most 255 characters each; these keep every
# property plangen writes (title, author, subject, keywords) within it.
MAX_METADATA = 255
METADATA_LIMITS = {"number": 64, "kind": 60, "organization": 120}


def _number(value: Any) -> Decimal:
    """A quantity or amount: the Decimal the author wrote, within ``numbers``' bounds (the
    one validator of numbers; the currency's decimals are checked in ``check_plan_data``)."""
    try:
        return numbers.checked(value)
    except numbers.NumberError as exc:
        raise PydanticCustomError(exc.code, str(exc)) from None


def _paragraphs(value: Any) -> Any:
    return [value] if isinstance(value, str) or hasattr(value, "raw") else value


def _for_whom(value: Any) -> Union[str, list[str], AllExcept]:
    if value == "all":
        return "all"
    if isinstance(value, dict):
        return AllExcept.model_validate(value)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise PydanticCustomError("for_type", "expected 'all', unit ids and group names, or {all_except: [...]}")
    return list(value)


Text = Annotated[str, BeforeValidator(_as_text), Field(min_length=1, strict=True)]
_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
_ID_HELP = ("A stable identifier: letters, digits, '-', '_' or '.', at most 64 characters. "
            "Ids let plangen match items across versions of a plan.")
Id = Annotated[str, BeforeValidator(_as_text), Field(strict=True, pattern=_ID_PATTERN, description=_ID_HELP),
               WithJsonSchema({"type": "string", "pattern": _ID_PATTERN, "description": _ID_HELP})]
_NUMBER_SCHEMA = {"type": "number", "minimum": 0, "maximum": numbers.MAX_NUMBER,
                  "multipleOf": float(numbers.MIN_NUMBER)}
Quantity = Annotated[Decimal, PlainValidator(_number), WithJsonSchema({
    **_NUMBER_SCHEMA, "description": f"A number from 0 to 10^12 with at most {numbers.MAX_DECIMALS} decimals, "
                                     "printed as written (0.5, 2.5)."})]
Money = Annotated[Decimal, PlainValidator(_number), WithJsonSchema({
    **_NUMBER_SCHEMA, "description": "An amount in the plan's currency, from 0 to 10^12; at most the currency's "
                                     "decimals (2 for 元, USD …; 6 for 万元 and others)."})]
Paragraphs = Annotated[list[Text], BeforeValidator(_paragraphs), Field(min_length=1), WithJsonSchema({
    "anyOf": [{"type": "string", "minLength": 1},
              {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}],
    "description": "One paragraph, or a list of paragraphs."})]
ForWhom = Annotated[Union[Literal["all"], list[str], "AllExcept"], PlainValidator(_for_whom), PlainSerializer(
    lambda v: v.model_dump() if isinstance(v, BaseModel) else v), WithJsonSchema({
    "anyOf": [{"const": "all"}, {"type": "string"},
              {"type": "array", "items": {"type": "string"}, "minItems": 1},
              {"type": "object", "properties": {"all_except": {
                  "type": "array", "items": {"type": "string"}, "minItems": 1}},
               "required": ["all_except"], "additionalProperties": False}],
    "description": "'all' (every unit, the default); a unit id or group name, or a list of them; "
                   "or {all_except: [ids or groups]}."})]


def _scheme(value: Any) -> str:
    """A label style named in ``numbering.SCHEMES`` (the one list of schemes)."""
    if isinstance(value, str) and value in SCHEMES:
        return value
    names = [f"'{name}'" for name in SCHEMES]
    raise PydanticCustomError("literal_error", "Input should be {expected}",
                              {"expected": ", ".join(names[:-1]) + " or " + names[-1]})


SchemeName = Annotated[str, PlainValidator(_scheme), WithJsonSchema({"enum": list(SCHEMES), "type": "string"})]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=False, frozen=True)


class AllExcept(_Strict):
    """Every unit but some: {all_except: [ids or group names]}."""

    all_except: Annotated[list[Id], Field(min_length=1)]


class CoverField(_Strict):
    """A fill-in line on the cover (部门 / 姓名 / 日期). Empty: a blank to fill in."""

    label: Text
    value: Optional[Text] = None
    type: Literal["text", "date"] = "text"


class Document(_Strict):
    """What the cover and the document's metadata say."""

    number: Text = Field(description="The document number (编号), e.g. YK-JH-0025.",
                         json_schema_extra={"maxLength": METADATA_LIMITS["number"]})
    title: Text = Field(json_schema_extra={"maxLength": MAX_METADATA})
    subtitle: Optional[Text] = Field(None, json_schema_extra={"maxLength": MAX_METADATA})
    kind: Optional[Text] = Field(None, description="The kind printed on the cover, e.g. 工作计划. Defaults by language.",
                                 json_schema_extra={"maxLength": METADATA_LIMITS["kind"]})
    year: Annotated[int, Field(strict=True, ge=1900, le=2200)]
    organization: Text = Field(json_schema_extra={"maxLength": METADATA_LIMITS["organization"]})
    language: Literal["zh", "en"] = "zh"
    locale: Optional[Annotated[str, Field(strict=True, pattern=r"^(zh-CN|en(-[A-Z]{2})?)$")]] = Field(
        None, description="The documents' language tag, for Word's spelling and grammar checks, the PDF's and the "
                          "HTML's language: en-GB, en-US, en-AU ... for an English plan (default en-US), zh-CN for a "
                          "Chinese one (the default).")
    numbering: Optional[SchemeName] = Field(
        None, description="Label style: 'seed' (一、（一）1、（1）①a.), 'gbt9704' (1. at level 3) or 'en' (1. 1.1 a)). "
                          "Defaults to 'seed' for zh and 'en' for en.")
    fields: Optional[list[CoverField]] = Field(
        None, description="The cover's fill-in lines. Default: 部门/姓名/日期 (zh) or Department/Name/Date (en).")
    preface: Optional[Paragraphs] = Field(None, description="The preface (导语), printed before the sections.")
    tagline: Optional[Text] = None
    date: Optional[dt.date] = Field(None, description="The document's date (used in its metadata; never the clock).")
    currency: Optional[Text] = Field(None, description="The currency of budgets. Default: 元 (zh), none (en).")
    unit_noun: Optional[Text] = Field(
        None, description="What the units are (科室, ward, school): the wording that names units follows it. "
                          "Default: 学校 (zh), school (en).")


class Unit(_Strict):
    """A school or department that targets are set for."""

    id: Id
    name: Text


class Target(_Strict):
    """Something to buy or do, for every unit or for some: 'each school buys 50 desks'."""

    id: Optional[Id] = None
    what: Text
    quantity: Quantity
    unit: Text = Field(description="The unit of measure: 套, 台, 组, pcs ...")
    for_: ForWhom = Field("all", alias="for")
    budget: Optional[Money] = Field(None, description="Money for each unit the target applies to.")
    budget_total: Optional[Money] = Field(None, description="Money for the whole target (all its units together).")
    deadline: Optional[dt.date] = None
    owner: Optional[Text] = None
    status: Optional[Literal["planned", "in-progress", "done", "dropped"]] = Field(
        None, description="A dropped target is shown as dropped and counts nowhere (quantities, totals, budgets).")

    @model_validator(mode="after")
    def _one_budget(self) -> Target:
        if self.budget is not None and self.budget_total is not None:
            raise PydanticCustomError("one_budget", "give budget (per unit) or budget_total (the whole target), not both")
        return self

    @property
    def counts(self) -> bool:
        """Whether the target counts in quantities, totals and budgets (a dropped one does not)."""
        return self.status != "dropped"



class Item(_Strict):
    """A numbered item of the plan; sections are items at the top level."""

    model_config = ConfigDict(json_schema_extra={"anyOf": [{"required": ["title"]}, {"required": ["text"]}]})
    id: Optional[Id] = None
    title: Optional[Text] = None
    text: Optional[Paragraphs] = None
    after: Optional[Paragraphs] = Field(None, description="Paragraphs printed after the child items.")
    kind: Optional[Literal["goals", "measures"]] = Field(
        None, description="A tag for readers and tools: whether this section holds goals or measures. "
                          "Prints nothing in any document; `plangen diff` reports a change.")
    skip_level: Annotated[bool, Field(strict=True)] = Field(False, description="Number the children one level deeper (三、 followed by 1、, as in the seed).")
    targets: list[Target] = []
    items: list[Item] = []

    @model_validator(mode="after")
    def _check_words(self) -> Item:
        if self.title is None and self.text is None:
            raise PydanticCustomError("item_needs_words", "an item needs a title or text")
        return self


class Plan(_Strict):
    """A plan file, format version 1."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="plangen plan, version 1")
    plangen: Literal[1] = Field(description="The format version; always 1.")
    document: Document
    units: list[Unit] = []
    groups: dict[Id, Annotated[list[Id], Field(min_length=1)]] = Field(
        {}, description="Named groups of units, defined once: {primary: [id, ...]}; `for:` may name them.")
    sections: Annotated[list[Item], Field(min_length=1)]

    def walk(self) -> Iterator[tuple[tuple, Item, int]]:
        """Every item with its loc and its numbering level (1-based), in document order."""
        return walk(self.sections)

    def unit_names(self) -> dict[str, str]:
        return {u.id: u.name for u in self.units}


def check_plan(plan: Plan) -> list[tuple[tuple, str, str, Optional[tuple]]]:
    """Rules that span fields, for a valid plan."""
    return check_plan_data(plan.model_dump(by_alias=True))


def check_plan_data(data: dict) -> list[tuple[tuple, str, str, Optional[tuple]]]:
    """Rules that span fields: unique ids, known units, one unit of measure per item, depth,
    deadlines near the plan's year. Works on plain data, valid or not (each rule looks only
    at values of the right type), so a file's reference errors come with its type errors.
    Returns (loc, message, severity, first_loc) tuples."""
    out: list[tuple[tuple, str, str, Optional[tuple]]] = []
    raw_units = data.get("units")
    units = raw_units if isinstance(raw_units, list) else []
    seen_units: dict[str, tuple] = {}
    folded: dict[str, tuple[str, tuple]] = {}  # per-unit documents are named by id: Aa and aa collide
    for i, unit in enumerate(units):
        uid = unit.get("id") if isinstance(unit, dict) else None
        if not isinstance(uid, str):
            continue
        first = folded.get(uid.lower())
        if uid in seen_units:
            out.append((("units", i, "id"), f"duplicate unit id '{uid}'", "error", seen_units[uid]))
        elif first is not None:
            out.append((("units", i, "id"), f"unit id '{uid}' differs from '{first[0]}' only in case "
                        "(their documents would get the same file name)", "error", first[1]))
        seen_units.setdefault(uid, ("units", i, "id"))
        folded.setdefault(uid.lower(), (uid, ("units", i, "id")))
    raw_document = data.get("document")
    document = raw_document if isinstance(raw_document, dict) else {}
    year = document.get("year") if isinstance(document.get("year"), int) and not isinstance(document.get("year"), bool) else None
    _check_metadata(document, out)
    measures: dict = {}
    scope = _Scope(seen_units, check_groups(data, seen_units, out), _currency(document), {}, {})
    for here, item, level in walk(data.get("sections")):
        if isinstance(item, dict):
            _check_item(item, here, level, scope, year, measures, out)
    return out


class _Scope(NamedTuple):
    """What a target's references and amounts are checked against, and the ids seen so far."""

    units: dict  # unit id -> loc
    groups: dict  # group name -> member ids
    currency: str
    item_ids: IdSeen  # items' ids and targets' ids: each unique in the plan, ignoring case
    target_ids: IdSeen


def _currency(document: dict) -> str:
    given = document.get("currency")
    language = str(document.get("language")) if isinstance(document.get("language"), str) else "zh"
    return given if isinstance(given, str) else numbers.DEFAULT_CURRENCY.get(language, "")


def _check_money(target: dict, tloc: tuple, currency: str, out: list) -> None:
    for key in ("budget", "budget_total"):
        try:
            amount = numbers.checked(target.get(key))
        except numbers.NumberError:
            continue  # not a number, or out of bounds: the model reports it
        problem = numbers.check_money(amount, currency)
        if problem:
            out.append((tloc + (key,), problem, "error", None))


def _check_metadata(document: dict, out: list) -> None:
    """Lengths the .docx properties need (MAX_METADATA characters each); `build` relies on them."""
    def length(key: str) -> int:
        value = document.get(key)
        return len(value) if isinstance(value, str) else 0
    for key, limit in METADATA_LIMITS.items():
        if length(key) > limit:
            out.append((("document", key), f"too long ({length(key)} characters; at most {limit})", "error", None))
    locale, language = document.get("locale"), document.get("language", "zh")
    stem = locale.split("-")[0] if isinstance(locale, str) else None
    if stem in ("zh", "en") and isinstance(language, str) and stem != language:  # a malformed tag: the model says
        out.append((("document", "locale"), f"{locale} is not a tag of the plan's language '{language}' "
                                            f"(for example {'en-GB' if language == 'en' else 'zh-CN'})", "error", None))
    if length("title") + length("subtitle") > MAX_METADATA:
        where = ("document", "subtitle" if length("subtitle") else "title")
        out.append((where, f"title and subtitle together are too long ({length('title') + length('subtitle')} "
                           f"characters; at most {MAX_METADATA})", "error", None))


def _check_item(item: dict, here: tuple, level: int, units: _Scope, year, measures: dict, out: list) -> None:
    note_id(item.get("id"), here + ("id",), units.item_ids, out)
    if level > MAX_DEPTH:
        out.append((here, f"items nest deeper than {MAX_DEPTH} numbered levels", "error", None))
    raw_targets = item.get("targets")
    targets = raw_targets if isinstance(raw_targets, list) else []
    for t, target in enumerate(targets):
        if isinstance(target, dict):
            _check_target(target, here + ("targets", t), units, year, measures, out)


def _check_target(target: dict, tloc: tuple, scope: _Scope, year, measures: dict, out: list) -> None:
    note_id(target.get("id"), tloc + ("id",), scope.target_ids, out)
    check_for(target.get("for", "all"), tloc + ("for",), scope.units, scope.groups, out)
    _check_money(target, tloc, scope.currency, out)
    what, measure = target.get("what"), target.get("unit")
    if isinstance(what, str) and isinstance(measure, str):
        first = measures.setdefault(what, (measure, tloc + ("unit",)))
        if first[0] != measure:
            out.append((tloc + ("unit",), f"'{what}' is counted in {measure} here but in {first[0]}", "error", first[1]))
    deadline = target.get("deadline")
    if isinstance(deadline, str):
        try:
            deadline = dt.date.fromisoformat(deadline)
        except ValueError:
            deadline = None
    if isinstance(deadline, dt.date) and isinstance(year, int) and deadline.year < year:
        out.append((tloc + ("deadline",), f"deadline {deadline} is before the plan's year {year}", "warning", None))
    elif isinstance(deadline, dt.date) and isinstance(year, int) and deadline.year > year + 1:
        out.append((tloc + ("deadline",), f"deadline {deadline} is far from the plan's year {year}", "warning", None))
