"""Safe, bounded YAML reading with a position for every value.

PyYAML is used only to parse and compose; the conversion of nodes to Python values is
ours, so that:
- only plain data is built (any tag other than the core ones is refused);
- plain scalars follow YAML 1.2's core schema: ``yes``/``no``/``on``/``off`` stay text,
  ``8:30`` stays text, ``010`` stays text (never 8), dates stay text (pydantic parses
  them where a date is expected);
- duplicate mapping keys are errors, not a silent "last one wins";
- size, depth, alias count and node count (aliases expanded) are capped before anything
  large is built, so an alias bomb or deep nesting is a clear error, never a hang or a
  RecursionError;
- control characters, surrogates and non-characters in text are refused with their line.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from plangen.errors import Diagnostic, PlanError
from plangen.files import FileRefused, read_capped
from plangen.source import fullwidth, tabs, yamlhint
from plangen.source.walk import Loc

if TYPE_CHECKING:
    _BaseLoader = yaml.SafeLoader
else:  # libyaml: faster, and it never recurses in Python (it is in PyYAML's wheels)
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 2_000_000
    max_depth: int = 40
    max_aliases: int = 200
    max_nodes: int = 200_000
    max_scalar_chars: int = 100_000


DEFAULT_LIMITS = Limits()

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "map", "seq")}
_INT = re.compile(r"[-+]?(0|[1-9][0-9]{0,14})")
_FLOAT = re.compile(r"[-+]?(0|[1-9][0-9]{0,14})?\.[0-9]{1,15}([eE][-+]?[0-9]{1,3})?|[-+]?(0|[1-9][0-9]{0,14})[eE][-+]?[0-9]{1,3}")
_BAD_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    "\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U000efffe\U000effff"
    "\U000ffffe\U000fffff\U0010fffe\U0010ffff]"
)


class Int(int):
    """An int read from a plain scalar; ``raw`` keeps the author's spelling."""

    raw: str


class Float(Decimal):
    """A number with a fraction or exponent, read from a plain scalar: a Decimal made from the
    scalar's text (never a binary float), so 0.1 + 0.2 is 0.3; ``raw`` keeps the spelling."""

    raw: str


class YamlLimitError(Exception):
    def __init__(self, message: str, line: int = 0, col: int = 0):
        super().__init__(message)
        self.line, self.col = line, col


class _Loader(_BaseLoader):
    """No implicit resolution: every plain scalar arrives tagged str and we resolve it."""

    yaml_implicit_resolvers: dict[Any, Any] = {}


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of a document stands in its file."""

    path: str
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def locate(self, loc: Loc, prefer_key: bool = False) -> tuple[int, int]:
        """Line and column for a loc; falls back to the closest enclosing value."""
        loc = tuple(loc)
        if prefer_key and loc in self.keys:
            return self.keys[loc]
        while loc:
            if loc in self.values:
                return self.values[loc]
            loc = loc[:-1]
        return self.values.get((), (1, 1))


def _pos(mark: Any) -> tuple[int, int]:  # a yaml.Mark (PyYAML's or libyaml's)
    return mark.line + 1, mark.column + 1


def read_file(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """A plan file's bytes: a regular file (links may not leave the plan's folder), read with
    the size cap before the bytes are in memory; anything else is a PlanError naming it."""
    try:
        return read_capped(path, limits.max_bytes, Path(path).parent)
    except FileRefused as exc:
        raise PlanError([Diagnostic(str(path), 0, 0, "", exc.message)]) from None


def decode(data: bytes, path: str, limits: Limits = DEFAULT_LIMITS) -> tuple[str | None, list[Diagnostic]]:
    """Bytes to text: size cap, UTF-8 only (a UTF-8 BOM is dropped)."""
    if len(data) > limits.max_bytes:
        return None, [Diagnostic(path, 0, 0, "", f"file is too large ({len(data)} bytes; the limit is {limits.max_bytes})")]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Diagnostic(path, line, col, "", f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8")]


def _scan(text: str, limits: Limits) -> None:
    """Walk the flat event stream (no recursion) and enforce depth and alias caps."""
    depth = aliases = 0
    for events, event in enumerate(yaml.parse(text, Loader=_Loader), 1):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > limits.max_depth:
                raise YamlLimitError(f"nesting is deeper than {limits.max_depth} levels", *_pos(event.start_mark))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > limits.max_aliases:
                raise YamlLimitError(f"more than {limits.max_aliases} aliases (*name)", *_pos(event.start_mark))
        if events > limits.max_nodes:
            raise YamlLimitError(f"more than {limits.max_nodes} YAML nodes", *_pos(event.start_mark))


def _plain(value: str) -> str | bool | Int | Float | None:
    if value in ("", "~", "null", "Null", "NULL"):
        return None
    if value in ("true", "True", "TRUE"):
        return True
    if value in ("false", "False", "FALSE"):
        return False
    if _INT.fullmatch(value):
        num = Int(value)
        num.raw = value
        return num
    if _FLOAT.fullmatch(value):
        flt = Float(value)
        flt.raw = value
        return flt
    return value


_EXPECTED: dict[str, type | tuple[type, ...]] = {_CORE + "int": Int, _CORE + "float": (Int, Float), _CORE + "bool": bool}


class _Converter:
    def __init__(self, path: str, limits: Limits):
        self.limits = limits
        self.smap = SourceMap(path)
        self.diags: list[Diagnostic] = []
        self.nodes = 0

    def error(self, node: yaml.Node, message: str, loc: Loc) -> None:
        line, col = _pos(node.start_mark)
        self.diags.append(Diagnostic(self.smap.path, line, col, _dotted(loc), message))

    def convert(self, node: yaml.Node, loc: Loc = (), depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > self.limits.max_nodes or depth > self.limits.max_depth:
            what = "nodes" if self.nodes > self.limits.max_nodes else "levels of nesting"
            limit = self.limits.max_nodes if what == "nodes" else self.limits.max_depth
            raise YamlLimitError(f"aliases expand to more than {limit} {what}", *_pos(node.start_mark))
        self.smap.values.setdefault(loc, _pos(node.start_mark))
        if node.tag not in _ALLOWED_TAGS:
            tag = node.tag.replace(_CORE, "!!")
            self.error(node, f"the tag {tag} is not allowed: plans hold plain data only", loc)
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc, depth)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, loc)
        return [self.convert(child, loc + (i,), depth + 1) for i, child in enumerate(node.value)]  # a SequenceNode

    def _mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, "mapping keys must be plain text", loc)
                continue
            key = self._scalar(key_node, loc)
            if key == "<<" and not key_node.style:
                self.error(key_node, "merge keys (<<) are not supported; write the keys out", loc)
                continue
            key = str(getattr(key, "raw", key)) if not isinstance(key, str) else key
            if key in out:
                first = self.smap.keys[loc + (key,)]
                self.error(key_node, f"duplicate key '{key}' (first given at line {first[0]})", loc + (key,))
                continue
            self.smap.keys[loc + (key,)] = _pos(key_node.start_mark)
            out[key] = self.convert(value_node, loc + (key,), depth + 1)
        return out

    def _scalar(self, node: yaml.ScalarNode, loc: Loc) -> Any:
        value = node.value
        if len(value) > self.limits.max_scalar_chars:
            self.error(node, f"text longer than {self.limits.max_scalar_chars} characters", loc)
            return ""
        bad = _BAD_CHARS.search(value)
        if bad:
            self.error(node, f"character U+{ord(bad.group()):04X} is not allowed in text (a control character, surrogate or non-character)", loc)
            return _BAD_CHARS.sub("", value)
        tag = node.tag
        if tag == _CORE + "str":
            return _plain(value) if not node.style else value
        if tag == _CORE + "null":
            return None
        resolved = _plain(value)
        expected = _EXPECTED[tag]
        if not isinstance(resolved, expected):
            self.error(node, f"'{value}' is not a valid {tag.rsplit(':', 1)[1]}", loc)
            return None
        if tag == _CORE + "float" and isinstance(resolved, Int):  # !!float 1: still the number the text says
            as_decimal = Float(value)
            as_decimal.raw = value
            return as_decimal
        return resolved


def _dotted(loc: Loc) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts)


dotted = _dotted


def load_yaml(text: str, path: str, limits: Limits = DEFAULT_LIMITS) -> tuple[Any, SourceMap, list[Diagnostic]]:
    """Parse text into plain Python data. Returns (data, source map, diagnostics). Tabs in the
    indentation are reported each and the rest of the file still checked (``source.tabs``),
    and so is a full-width colon after a key (``source.fullwidth``)."""
    found = fullwidth.colons(text)
    if found:  # each colon an error; the rest read with them as ':' (never built: the errors stay)
        data, smap, diags = load_yaml(fullwidth.replaced(text, found), path, limits)
        named = {(line, str(loc[-1])): _dotted(loc) for loc, (line, _col) in smap.keys.items() if loc}
        return data, smap, [fullwidth.diagnostic(path, *colon, named.get(colon[0::2], "")) for colon in found] + diags
    try:
        node = _compose(text, limits)
    except yaml.MarkedYAMLError as exc:
        if tabs.at_tab(text, exc):
            return _untabbed(text, path, limits)
        return None, SourceMap(path), [_yaml_problem(exc, text, path)]
    except (YamlLimitError, yaml.YAMLError) as exc:
        return None, SourceMap(path), [_yaml_problem(exc, text, path)]
    if node is None:
        return None, SourceMap(path), [Diagnostic(path, 1, 1, "", "the file is empty")]
    return _convert(node, path, limits)


def refused_fields(diags: list[Diagnostic]) -> set[str]:
    """Fields whose value the YAML layer refused (a tag, a control character): the model's
    "expected text (found: None)" for them would say it twice. A tab names its line's key
    but refuses nothing: that value is still checked."""
    return {d.field for d in diags if d.field and d.message != tabs.MESSAGE}


def _compose(text: str, limits: Limits) -> Any:
    _scan(text, limits)
    return yaml.compose(text, Loader=_Loader)


def _convert(node: Any, path: str, limits: Limits) -> tuple[Any, SourceMap, list[Diagnostic]]:
    conv = _Converter(path, limits)
    try:
        data = conv.convert(node)
    except YamlLimitError as exc:
        return None, conv.smap, [Diagnostic(path, exc.line, exc.col, "", str(exc))]
    return data, conv.smap, conv.diags


def _yaml_problem(exc: Exception, text: str, path: str) -> Diagnostic:
    """The one line for a file YAML cannot read (or that exceeds a cap while read)."""
    if isinstance(exc, YamlLimitError):
        return Diagnostic(path, exc.line, exc.col, "", str(exc))
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line, col = _pos(mark) if mark else (0, 0)
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
            problem += f" ({exc.context.removeprefix('while ')} started at line {exc.context_mark.line + 1})"
        where, hint = yamlhint.explain(text, exc) or ("", "")
        return Diagnostic(path, line, col, where, f"YAML syntax error: {hint or problem}")
    if isinstance(exc, yaml.reader.ReaderError):
        # libyaml counts bytes of the UTF-8 encoding; turn that into line and character column
        before = text.encode("utf-8")[: exc.position].decode("utf-8", errors="ignore")
        line = before.count("\n") + 1
        col = len(before) - (before.rfind("\n") + 1) + 1
        msg = f"character U+{exc.character:04X} is not allowed in a plan file" if isinstance(exc.character, int) else exc.reason
        return Diagnostic(path, line, col, "", msg)
    return Diagnostic(path, 0, 0, "", f"YAML error: {exc}")


def _untabbed(text: str, path: str, limits: Limits) -> tuple[Any, SourceMap, list[Diagnostic]]:
    """Each refused tab an error, and the rest of the file checked with those tabs as spaces
    (positions moved back to the file's columns); the data is returned with the tab errors,
    so no caller builds from it."""
    try:
        found = tabs.Untabbed(text, lambda t: _compose(t, limits))
    except (YamlLimitError, yaml.YAMLError) as exc:
        return None, SourceMap(path), [_yaml_problem(exc, text, path)]
    if found.node is None:  # still unreadable: the tabs, and what stopped YAML after them
        stopped = _yaml_problem(found.error, found.text, path) if found.error and not tabs.at_tab(found.text, found.error) else None
        more = [dataclasses.replace(stopped, col=found.where(stopped.line, stopped.col)[1])] if stopped else []
        return None, SourceMap(path), tabs.tab_errors(path, found, yamlhint.fields_by_line(found.text)) + more
    data, smap, diags = _convert(found.node, path, limits)
    smap.values = {loc: found.where(*pos) for loc, pos in smap.values.items()}
    smap.keys = {loc: found.where(*pos) for loc, pos in smap.keys.items()}
    fields: dict[int, str] = {}
    for loc, (line, _col) in sorted(smap.keys.items(), key=lambda kv: kv[1]):
        fields.setdefault(line, _dotted(loc))
    moved = [dataclasses.replace(d, col=found.where(d.line, d.col)[1]) for d in diags]
    return data, smap, tabs.tab_errors(path, found, fields) + moved
