"""The command line's parser behaves like git's and ruff's: a mistyped command gets "did you
mean", an unknown option is reported with that command's usage (exit 2), and numbers that
make no sense (`-j 0`, `--timeout nan`) are usage errors. cli.py declares the commands."""
from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Iterable
from typing import Any, NoReturn, TextIO

from plangen.suggest import did_you_mean


class Parser(argparse.ArgumentParser):
    """argparse, with errors reported by the (sub)command they belong to."""

    def commands(self) -> dict[str, Parser]:
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                return dict(action.choices)
        return {}

    def parse_args(self, args: Iterable[str] | None = None, namespace: Any = None) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        commands = self.commands()
        word = next((a for a in argv if not a.startswith("-")), None)
        if commands and word is not None and word not in commands:
            self.exit(2, f"{self.prog}: '{word}' is not a {self.prog} command{did_you_mean(word, commands, n=2)}\n"
                         f"  commands: {', '.join(commands)}\n")
        namespace, extras = self.parse_known_args(argv, namespace)
        if extras:
            owner = commands.get(getattr(namespace, "command", None) or "", self)
            owner.unknown(extras)
        return namespace

    def unknown(self, extras: list[str]) -> NoReturn:
        options = [o for a in self._actions for o in a.option_strings]
        hint = did_you_mean(extras[0].split("=", 1)[0], options, n=2, cutoff=0.75) if extras[0].startswith("-") else ""
        self.error(f"unrecognized arguments: {' '.join(extras)}{hint}")


def positive_int(text: str) -> int:
    """-j N: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (found: {value})")
    return value


def seconds(text: str) -> float:
    """A time limit or interval: a finite number of seconds above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, not {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds above 0 (found: {text})")
    return value


def rich_terminal(stream: TextIO, colour: bool = False) -> bool:
    """Progress bars only on a terminal that can redraw (not TERM=dumb); colour also not under NO_COLOR."""
    return stream.isatty() and os.environ.get("TERM") != "dumb" and not (colour and os.environ.get("NO_COLOR"))
