"""What a YAML syntax error most likely means, and where in the plan it is.

YAML's own words ("mapping values are not allowed in this context", "did not find expected '-'
indicator") name a position but neither the key nor the cause. The parser's events up to the
error tell which mapping or list each line belongs to (``Replay``), so the error can name its
field (``sections[1].items[1].text``) and, for the three slips authors make most, say what to
do:
- an ASCII colon and a space inside a text (``text: 联系人: 王建国``): quote the text;
- a key indented deeper than the keys above it: YAML reads it as part of the value above;
- a key indented less than the keys of the mapping just closed: YAML ends that mapping there.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

_KEY = re.compile(r"^( *)(?:- +)?([^\s#:'\"{\[,&*!|>%@`-][^:#]*?|\"[^\"]*\"|'[^']*'):(?: |$)")


@dataclass
class Frame:
    """An open mapping or list: its path, and the key or index being read."""

    path: tuple[Any, ...]
    mapping: bool
    index: int = -1  # a list's last item; -1 before the first
    key: str | None = None  # a mapping's key whose value comes next
    key_col: int = 0  # 1-based column of the mapping's first key
    key_line: int = 0  # 1-based line of the mapping's first key

    def child(self) -> tuple[Any, ...]:
        return self.path + ((self.key,) if self.mapping else (self.index,))


@dataclass
class Replay:
    """The parser's events up to the end of the text or its first error."""

    text: str
    stack: list[Frame] = field(default_factory=list)
    closed: Frame | None = None  # the last mapping closed
    keys: dict[int, tuple[Any, ...]] = field(default_factory=dict)  # line -> path of its first key
    last_key_line: int = 0
    error: yaml.MarkedYAMLError | None = None

    def __post_init__(self) -> None:
        from plangen.source.yamlsafe import _Loader
        try:
            for event in yaml.parse(self.text, Loader=_Loader):
                self._event(event)
        except yaml.MarkedYAMLError as exc:
            self.error = exc
        except yaml.YAMLError:
            pass

    def _event(self, event: Any) -> None:
        top = self.stack[-1] if self.stack else None
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            done = self.stack.pop()
            self.closed = done if done.mapping else self.closed
            self._filled(self.stack[-1] if self.stack else None)
            return
        if top is not None and top.mapping and top.key is None and isinstance(event, yaml.ScalarEvent):
            self._key(top, event)
            return
        if top is not None and not top.mapping and isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent,
                                                                       yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            top.index += 1
        path = top.child() if top is not None else ()
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self.stack.append(Frame(path, isinstance(event, yaml.MappingStartEvent)))
        elif isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
            self._filled(top)

    def _key(self, top: Frame, event: Any) -> None:
        line, col = event.start_mark.line + 1, event.start_mark.column + 1
        top.key = str(event.value)
        if not top.key_col:
            top.key_col, top.key_line = col, line
        self.keys.setdefault(line, top.child())
        self.last_key_line = line

    @staticmethod
    def _filled(frame: Frame | None) -> None:
        if frame is not None and frame.mapping:
            frame.key = None

    def mapping(self) -> Frame | None:
        """The innermost open mapping."""
        return next((f for f in reversed(self.stack) if f.mapping), None)


def fields_by_line(text: str) -> dict[int, str]:
    """Line (1-based) -> the dotted path of the first key on it, as far as YAML reads."""
    from plangen.source.yamlsafe import dotted
    return {line: dotted(path) for line, path in Replay(text).keys.items()}


def explain(text: str, exc: yaml.MarkedYAMLError) -> tuple[str, str] | None:
    """(field, hint) for a YAML syntax error, or None when nothing is known."""
    from plangen.source.yamlsafe import dotted
    mark = exc.problem_mark
    if mark is None:
        return None
    replay = Replay(text)
    lines = text.split("\n")
    line = lines[mark.line] if mark.line < len(lines) else ""
    match = _KEY.match(line)
    inner = replay.mapping()
    if match is None or inner is None:
        return (dotted(inner.child() if inner and inner.key else inner.path), "") if inner else None
    indent, key = len(match.group(1)), match.group(2).strip("'\"")
    if "mapping values" in str(exc.problem) and replay.last_key_line == mark.line + 1 and mark.column >= match.end(2):
        return dotted(inner.path + (key,)), _colon_hint(key, line[match.end():].strip())
    if "mapping values" in str(exc.problem) and inner.key_col and indent + 1 > inner.key_col:
        return dotted(inner.path + (key,)), _deeper_hint(key, indent, inner, dotted(inner.path))
    closed = replay.closed
    if closed is not None and closed.key_col and indent + 1 < closed.key_col:
        return dotted(closed.path + (key,)), _shallower_hint(key, indent, closed, dotted(closed.path))
    return dotted(inner.child() if inner.key else inner.path), ""


def _colon_hint(key: str, value: str) -> str:
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return (f"the text of '{key}' has a colon and a space (': '), which YAML reads as a new key: "
            f"put the text in quotes ({key}: {quoted}) or write the colon full-width '：'")


def _deeper_hint(key: str, indent: int, owner: Frame, where: str) -> str:
    return (f"'{key}' is indented {indent} spaces, deeper than the keys of {where or 'the plan'} "
            f"({owner.key_col - 1}, as on line {owner.key_line}), so YAML reads it as part of the value above: "
            f"indent it {owner.key_col - 1} spaces")


def _shallower_hint(key: str, indent: int, owner: Frame, where: str) -> str:
    return (f"'{key}' is indented {indent} spaces, less than the keys of {where or 'the plan'} "
            f"({owner.key_col - 1}, as on line {owner.key_line}), so YAML ends that mapping there: "
            f"indent it {owner.key_col - 1} spaces if it belongs to {where or 'the plan'}")
