"""Typed errors. The CLI maps them to exit codes in one place (``cli.main``)."""
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

    def as_json(self) -> dict:
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
