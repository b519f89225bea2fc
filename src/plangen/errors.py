"""Typed errors, and the one place that decides exit codes (``exit_code``)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one file, reported as ``path:line:col: field: message``."""

    path: str
    line: int  # 1-based; 0 when unknown
    col: int  # 1-based; 0 when unknown
    field: str = ""
    message: str = ""
    severity: str = dataclasses.field(default="error", compare=False)

    def __str__(self) -> str:
        where = self.path if self.line == 0 else f"{self.path}:{self.line}:{self.col}"
        prefix = "warning: " if self.severity == "warning" else ""
        fld = f"{self.field}: " if self.field else ""
        return f"{where}: {prefix}{fld}{self.message}"

    def as_json(self) -> dict[str, str | int]:
        return {"path": self.path, "line": self.line, "col": self.col, "field": self.field,
                "message": self.message, "severity": self.severity}


class PlangenError(Exception):
    """Base of every error plangen reports to a user (never shown as a traceback)."""

    exit_code = 1


class UsageError(PlangenError):
    """The command line was wrong (exit 2)."""

    exit_code = 2


class PlanError(PlangenError):
    """One or more problems in plan files (exit 1). Carries every diagnostic at once."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class RenderError(PlangenError):
    """A document could not be rendered or written (exit 1)."""


# --- exit codes: decided here only ----------------------------------------------------------
EXIT_OK = 0  # success; for `diff`, no differences
EXIT_FAILED = 1  # invalid input, a failed build; for `diff`, differences found
EXIT_USAGE = 2  # the command line was wrong; for `diff`, any error (like diff(1))
EXIT_PIPE = 141  # the reader of our output went away (128 + SIGPIPE, as git and the shell)
EXIT_INTERRUPTED = 130  # Ctrl-C or kill (128 + SIGINT)
# Commands whose exit 1 means "differences found": any error is 2 for them, like diff(1).
ONE_MEANS_DIFFERENT = frozenset({"diff"})


def exit_code(exc: BaseException, command: str | None = None) -> int:
    """The exit code for an exception that ended a command."""
    if isinstance(exc, BrokenPipeError):
        return EXIT_PIPE
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    code = exc.exit_code if isinstance(exc, PlangenError) else EXIT_FAILED
    if command in ONE_MEANS_DIFFERENT and code != EXIT_OK:
        return EXIT_USAGE
    return code
