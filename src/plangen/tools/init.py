"""`plangen init`: start a plan repository for a new office.

Writes a commented starter plan (every key of the format, in the office's language), the
schemas editors complete from (the plan's, named by the plan's first line; the progress
file's, named by `.vscode/settings.json` for `plans/*.progress.yaml` and by the first line the
starter plan's comment gives a progress file), `.gitattributes` with the textconv line (plans
and progress files), a pre-commit config running `plangen check` on them only, and a CI
workflow example with a `--shard` matrix.
Never overwrites a file; refuses a folder that already has plans.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.resources
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plangen.errors import PlangenError, UsageError

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class InitResult:
    written: list[Path]
    kept: list[Path]


def starter(name: str) -> str:
    """A file of the starter kit (package data)."""
    resource = importlib.resources.files("plangen.tools").joinpath("starter").joinpath(name)
    try:
        return resource.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlangenError(f"{resource}: cannot read the starter file ({exc.strerror}); reinstall plangen") from None


def starter_plan(language: str, year: int) -> str:
    return starter(f"{language}.yaml").replace("@YEAR@", str(year))


def plan_path(folder: Path, name: str, year: int) -> Path:
    if not NAME.fullmatch(name):
        raise UsageError(f"--name {name!r}: use letters, digits, '-', '_' or '.' (it names the plan file)")
    return folder / "plans" / f"{year}-{name}.yaml"


def existing_plans(folder: Path) -> list[Path]:
    plans = folder / "plans"
    return sorted(p for p in plans.glob("*.y*ml") if p.suffix in (".yaml", ".yml")) if plans.is_dir() else []


def files_for(folder: Path, language: str, name: str, year: int) -> dict[Path, str]:
    from plangen.source.schema import packaged_schema_text, schema_text
    return {
        plan_path(folder, name, year): starter_plan(language, year),
        folder / "schema" / "plan.schema.json": packaged_schema_text(),
        folder / "schema" / "progress.schema.json": schema_text(progress=True),
        folder / ".vscode" / "settings.json": starter("vscode-settings.json"),
        folder / ".gitattributes": starter("gitattributes"),
        folder / ".pre-commit-config.yaml": starter("pre-commit-config.yaml"),
        folder / ".github" / "workflows" / "plans.yml": starter("workflow.yml"),
    }


def init(folder: Path, language: str = "zh", name: str = "plan", year: int | None = None) -> InitResult:
    if language not in LANGUAGES:
        raise UsageError(f"--language {language!r}: choose from {', '.join(LANGUAGES)}")
    found = existing_plans(folder)
    if found:
        raise PlangenError(f"{folder / 'plans'}: already has plans ({', '.join(p.name for p in found[:3])}"
                           f"{' …' if len(found) > 3 else ''}); init starts a new plan repository and changes nothing here")
    if folder.exists() and not folder.is_dir():
        raise PlangenError(f"{folder}: not a folder")
    year = year or dt.date.today().year
    if not 1900 <= year <= 2200:
        raise UsageError(f"--year {year}: a plan's year is between 1900 and 2200")
    files = files_for(folder, language, name, year)
    written, kept = [], []
    for path, text in files.items():
        if path.exists() or path.is_symlink():
            kept.append(path)
            continue
        _create(path, text)
        written.append(path)
    return InitResult(written, kept)


def _create(path: Path, text: str) -> None:
    """Create path; never replace a file that appeared meanwhile (O_EXCL)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise PlangenError(f"{path}: appeared while init was writing; left as it is") from None
    except OSError as exc:
        raise PlangenError(f"cannot write {path}: {exc.strerror or exc}") from None


def add_command(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser("init", help="start a plan repository for a new office",
                       description="Start a plan repository: plans/<year>-<name>.yaml (a commented starter plan using\n"
                                   "every key of the format), schema/ (plan and progress), .vscode/settings.json,\n"
                                   ".gitattributes, .pre-commit-config.yaml and a CI workflow example. Never overwrites a\n"
                                   "file; exits 1 if the folder already has plans.\n"
                                   "Example: plangen init district-plans --language zh --name logistics",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", nargs="?", default=".", metavar="DIR", help="where to start (default: this folder)")
    p.add_argument("--language", choices=LANGUAGES, default="zh", help="the office's language (default: zh)")
    p.add_argument("--name", default="plan", help="the plan's name: plans/<year>-<name>.yaml (default: plan)")
    p.add_argument("--year", type=int, help="the plan's year (default: this year)")
    p.set_defaults(func=cmd_init)


def cmd_init(args: argparse.Namespace) -> int:
    import sys
    folder = Path(args.folder)
    result = init(folder, args.language, args.name, args.year)
    for path in result.written:
        print(f"wrote {path}", file=sys.stderr)
    for path in result.kept:
        print(f"kept {path} (exists; not changed)", file=sys.stderr)
    plan = next(p for p in result.written if p.parent.name == "plans")
    print(f"next: edit {plan}, then `plangen check` and `plangen build` in {folder}; for git diff of plans:\n"
          "  git config diff.plangen.textconv 'plangen textconv'", file=sys.stderr)
    return 0
