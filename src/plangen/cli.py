"""The ``plangen`` command line: thin over the library. One handler (``_report``) turns any
error into its message; the exit code comes from ``plangen.errors.exit_code``."""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn, Optional

from plangen import __version__
from plangen.cliargs import Parser, positive_int, rich_terminal, seconds
from plangen.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Diagnostic, PlanError, PlangenError, UsageError, exit_code
from plangen.planpaths import DEFAULT_GLOB, one_plan, plan_paths
from plangen.tools.init import add_command as _add_init

if TYPE_CHECKING:
    from plangen.build.orchestrator import Job, Options, Result
    from plangen.outline.wording import Wording
    from plangen.source.load import LoadedPlan
    from plangen.source.model import Plan
    Subparsers = argparse._SubParsersAction[Parser]



def _plan_paths(paths: list[str]) -> list[str]:
    """The plans to work on (plangen.planpaths: a folder means the plans in it)."""
    return plan_paths(paths)


def cmd_check(args: argparse.Namespace) -> int:
    from plangen.tools.report import check_file
    paths = _plan_paths(args.paths)
    errors: list[Diagnostic] = []
    warnings: list[Diagnostic] = []
    for path in paths:
        try:
            warnings += check_file(path)
        except PlanError as exc:  # its errors, and the warnings found beside them
            errors += [d for d in exc.diagnostics if d.severity != "warning"]
            warnings += [d for d in exc.diagnostics if d.severity == "warning"]
    if args.format == "json":
        print(json.dumps({"files": len(paths), "errors": [d.as_json() for d in errors],
                          "warnings": [d.as_json() for d in warnings]}, ensure_ascii=False, indent=2))
    else:
        for d in errors + warnings:
            print(d, file=sys.stderr)
        bad = len({d.path for d in errors})
        summary = (f"{len(errors)} error(s) in {bad} of {len(paths)} file(s)" if errors
                   else f"{len(paths)} plan file(s) OK" + (f", {len(warnings)} warning(s)" if warnings else ""))
        print(summary, file=sys.stderr if errors else sys.stdout)
    return EXIT_FAILED if errors else EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    if args.progress:
        from plangen.source.schema import schema_text
        sys.stdout.write(schema_text(progress=True))
        return EXIT_OK
    from plangen.source.schema import packaged_schema_text
    sys.stdout.write(packaged_schema_text())
    return EXIT_OK


def _formats(value: str) -> tuple[str, ...]:
    from plangen.render import RENDERERS
    formats = tuple(dict.fromkeys(f.strip() for f in value.split(",") if f.strip()))
    bad = [f for f in formats if f not in RENDERERS]
    if bad or not formats:
        raise argparse.ArgumentTypeError(f"unknown format {', '.join(bad) or value!r}; choose from {', '.join(RENDERERS)}")
    return formats


def _build_options(args: argparse.Namespace) -> Options:
    from plangen.build.orchestrator import Options, parse_shard
    return Options(formats=args.format, out=Path(args.out), templates=Path(args.templates) if args.templates else None,
                   per_unit=args.per_unit, pdf_variant=args.pdf_variant, force=args.force,
                   prune=getattr(args, "prune", False),
                   jobs=max(1, args.jobs), shard=parse_shard(args.shard), timeout=args.timeout)


def cmd_build(args: argparse.Namespace) -> int:
    from plangen.build.orchestrator import build
    options = _build_options(args)
    paths = _plan_paths(args.plans)
    with _progress(args.quiet) as progress:
        result = build(paths, options, progress)
    return _report_build(result, args.quiet)


def _report_build(result: Result, quiet: bool) -> int:
    for d in result.warnings:
        print(d, file=sys.stderr)
    for path, exc in result.failed:
        diagnostics = getattr(exc, "diagnostics", None)
        for line in ([str(d) for d in diagnostics] if diagnostics else [str(exc) if str(exc).startswith(path) else f"{path}: {exc}"]):
            print(line, file=sys.stderr)
    if result.stale:
        print(f"{len(result.stale)} stale per-unit output(s) from an earlier build (--prune removes them): "
              + ", ".join(result.stale[:5]) + (" …" if len(result.stale) > 5 else ""), file=sys.stderr)
    if result.pruned and not quiet:
        print(f"{len(result.pruned)} stale per-unit output(s) removed", file=sys.stderr)
    if not quiet:
        print(f"{len(result.written)} file(s) written, {len(result.skipped)} up to date"
              + (f", {len(result.failed)} plan(s) failed" if result.failed else ""), file=sys.stderr)
    return EXIT_FAILED if result.failed else EXIT_OK


class _progress:
    """A progress bar on a terminal (rich); one line per document otherwise; nothing with -q."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.bar: Any = None  # a rich Progress on a terminal

    def __enter__(self) -> Optional[Callable[[Job, Any, int, int], None]]:
        if self.quiet:
            return None
        if rich_terminal(sys.stderr):
            try:
                from rich.progress import Progress
                self.bar = Progress(transient=True)
                self.bar.start()
                self.task = self.bar.add_task("rendering", total=None)
            except ImportError:
                self.bar = None
        return self.update

    def update(self, job: Job, outcome: Any, done: int, total: int) -> None:
        failed = isinstance(outcome, Exception)
        if self.bar is not None:
            self.bar.update(self.task, completed=done, total=total, description=f"{job.stem}")
            if failed:
                self.bar.console.print(f"failed: {job.stem}")
        elif not failed:  # failures are reported once, at the end, as path: message
            print("built " + ", ".join(str(job.options.out / rel) for rel, _digest in outcome), file=sys.stderr)

    def __exit__(self, *exc: object) -> Literal[False]:
        if self.bar is not None:
            self.bar.stop()
        return False


def _load_spec(spec: str) -> LoadedPlan:
    from plangen.source.load import load_plan_text
    from plangen.source.sources import read_spec
    text, name = read_spec(spec)
    return load_plan_text(text, name)


def _wording(plan: Plan) -> Wording:
    from plangen.render.theme import load_theme
    return load_theme().wording(plan.document.language)


def cmd_diff(args: argparse.Namespace) -> int:
    """Exit 0: the same; 1: they differ; 2: an error (like diff(1))."""
    from plangen.source.progress import is_progress_file
    if is_progress_file(args.old) or is_progress_file(args.new):
        from plangen.tools.progress_text import diff_progress
        same, text = diff_progress(args.old, args.new, args.format)
        if not same or args.format == "json":
            sys.stdout.write(text)
        return EXIT_OK if same else EXIT_FAILED
    from plangen.compare.diff import diff_plans
    from plangen.compare.report import as_json, as_markdown, as_text
    old, new = _load_spec(args.old), _load_spec(args.new)
    d = diff_plans(old.plan, new.plan, _wording(old.plan), _wording(new.plan), args.old, args.new)
    color = args.color == "always" or (args.color == "auto" and rich_terminal(sys.stdout, colour=True))
    from plangen.render.theme import load_theme
    w = load_theme().wording(args.lang or new.plan.document.language)
    out = {"text": lambda: as_text(d, color, w), "markdown": lambda: as_markdown(d, w),
           "json": lambda: as_json(d)}[args.format]()
    if not d.identical or args.format == "json":
        sys.stdout.write(out)
    return EXIT_OK if d.identical else EXIT_FAILED


def cmd_new(args: argparse.Namespace) -> int:
    from plangen.build.write import atomic_write
    from plangen.source.load import load_plan, load_plan_text
    from plangen.source.yamlsafe import read_file
    from plangen.tools.rollover import default_output, roll_forward
    source = load_plan(args.source)  # the source must be a valid plan
    old_year = source.plan.document.year
    if args.year <= old_year:  # a typo far more often than a wish: new never goes back, nor copies a year
        raise UsageError(f"--year {args.year}: {args.source} is the plan for {old_year}; new makes a later "
                         f"year's plan from it (--year {old_year + 1})")
    text = read_file(args.source).decode("utf-8")
    rolled = roll_forward(text, args.year, args.number, args.number_format)
    out_text = rolled.text
    target = args.output or default_output(args.source, old_year, args.year)
    if target != "-" and Path(target).exists() and not args.force:  # before any notice: nothing is done
        raise UsageError(f"{target} exists; use --force to overwrite it, or -o another path")
    # what was taken out of the plan, in the plan's words (wording new_*): the office reads it
    w = _wording(source.plan)
    if rolled.dropped:
        print(w.format("new_dropped_count", count=str(len(rolled.dropped))), file=sys.stderr)
    for line, what in rolled.dropped:
        print(f"{args.source}:{line}: targets: {w.format('new_dropped', what=what, year=str(args.year))}", file=sys.stderr)
    if rolled.statuses or rolled.values:
        print(w.format("new_cleared", statuses=str(rolled.statuses), values=str(rolled.values)), file=sys.stderr)
    load_plan_text(out_text, target)  # the new plan is checked before it is written
    if target == "-":
        sys.stdout.write(out_text)
        return EXIT_OK
    atomic_write(Path(target), out_text.encode("utf-8"))
    print(f"wrote {target}", file=sys.stderr)
    return EXIT_OK


def cmd_redline(args: argparse.Namespace) -> int:
    from plangen.build.write import atomic_write
    from plangen.compare.redline import build_redline
    from plangen.render import RENDERERS, for_path
    from plangen.render.theme import load_theme
    target = for_path(Path(args.output).suffix)
    if target is None:
        suffixes = [r.suffix for r in RENDERERS.values()]
        raise UsageError(f"-o {args.output}: the file must end in {', '.join(suffixes[:-1])} or {suffixes[-1]}")
    old, new = _load_spec(args.old), _load_spec(args.new)
    theme = load_theme(args.templates)
    outline = build_redline(old.plan, new.plan, _wording(old.plan), _wording(new.plan), args.old, args.new,
                            author=args.author)
    data = target.render(outline, theme)
    atomic_write(Path(args.output), data)
    print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


def cmd_textconv(args: argparse.Namespace) -> int:
    """A plan as numbered text, for git's textconv; an invalid plan is shown as it is."""
    from plangen.tools.textconv import textconv
    sys.stdout.write(textconv(args.path))
    return EXIT_OK


def cmd_progress(args: argparse.Namespace) -> int:
    from plangen.tools.progress_table import one_unit, progress_csv, progress_json, progress_table
    from plangen.tools.report import state_at
    loaded, state = state_at(one_plan(args.plan), args.as_of)
    for d in loaded.warnings:
        print(d, file=sys.stderr)
    if args.unit is not None:
        state = one_unit(state, loaded.plan.plan, loaded.plan.path, args.unit)
    renderers: dict[str, Callable[..., str | bytes]] = {"table": progress_table, "csv": progress_csv, "json": progress_json}
    out = renderers[args.format](state, loaded.plan.plan)
    if isinstance(out, bytes):
        sys.stdout.buffer.write(out)
    else:
        sys.stdout.write(out)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from plangen.build.write import atomic_write
    from plangen.tools.report import render_report, state_at
    loaded, state = state_at(one_plan(args.plan), args.as_of)
    for d in loaded.warnings:
        print(d, file=sys.stderr)
    atomic_write(Path(args.output), render_report(loaded, state, Path(args.output).suffix, args.templates))
    print(f"wrote {args.output} (as of {state.as_of})", file=sys.stderr)
    return EXIT_OK


def cmd_watch(args: argparse.Namespace) -> int:
    from plangen.build.orchestrator import build
    from plangen.build.watch import watch
    options = _build_options(args)
    print("watching for changes; Ctrl-C stops", file=sys.stderr)

    reported: list[bool] = []

    def on_change(paths: list[str]) -> None:
        with _progress(args.quiet) as progress:
            result = build(paths, options, progress)
        if not reported or result.written or result.failed or result.stale:  # a rebuild that changed nothing is quiet
            reported.append(True)
            _report_build(result, args.quiet)

    watch(lambda: _plan_paths(args.plans), options, on_change, args.debounce)
    return EXIT_OK


def cmd_preview(args: argparse.Namespace) -> int:
    from plangen.preview.server import serve
    from plangen.render.theme import load_theme
    paths = [Path(p) for p in _plan_paths(args.plans)]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise UsageError(f"{missing[0]}: no such plan file")
    serve(paths, load_theme(args.templates), Path(args.out), args.port, open_browser=not args.no_open)
    return EXIT_OK


def cmd_targets(args: argparse.Namespace) -> int:
    from plangen.source.load import load_plan
    from plangen.tools.targets_table import targets_csv, targets_json, targets_table, unit_id
    loaded = load_plan(one_plan(args.plan))
    unit = None if args.unit is None else unit_id(loaded.plan, loaded.path, args.unit)
    renderers: dict[str, Callable[..., str | bytes]] = {"table": targets_table, "csv": targets_csv, "json": targets_json}
    render = renderers[args.format]
    out = render(loaded.plan, unit)
    if isinstance(out, bytes):
        sys.stdout.buffer.write(out)
    else:
        sys.stdout.write(out)
    return EXIT_OK


def cmd_fill(args: argparse.Namespace) -> int:
    from plangen.tools.fill import run as fill
    warnings: list[Diagnostic] = []
    written = fill(args.documents, args.set, args.values, args.output, args.name_column, args.flatten, warnings)
    for d in warnings:
        print(d, file=sys.stderr)
    print(f"wrote {len(written)} file(s)" + (f": {written[0]}" if len(written) == 1 else f" in {args.output}"),
          file=sys.stderr)
    return 0


def _add_fill(sub: Subparsers) -> None:
    p = sub.add_parser("fill", help="fill in a rendered plan's cover fields (PDF and .docx), one copy or one per CSV row",
                       description="Write values into the cover's fill-in fields of a .pdf or .docx plangen rendered,\n"
                                   "with appearances every PDF reader shows; --flatten for a print-only copy.\n"
                                   "A field is named by its key (department, name, date) or its label (部门).\n"
                                   "Example: plangen fill output/2021-logistics.pdf --set 部门=后勤处 --set 姓名=张三丰 -o filled.pdf\n"
                                   "Example: plangen fill output/2021-logistics.pdf output/2021-logistics.docx --from names.csv -o letters/",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("documents", nargs="+", metavar="PLAN.pdf|PLAN.docx")
    p.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="a value (repeatable)")
    p.add_argument("--from", dest="values", metavar="CSV",
                   help="UTF-8 CSV with a header: one copy of each document per row, named by --name-column")
    p.add_argument("--name-column", default="file", metavar="COLUMN",
                   help="the CSV column holding each copy's file name, without extension (default: file)")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="the filled file (with --set), or a folder (with --from)")
    p.add_argument("--flatten", action="store_true", help="draw the values into the page and drop the form fields")
    p.set_defaults(func=cmd_fill)


def _format_help() -> str:
    from plangen.render import DEFAULT_FORMATS, RENDERERS
    return ("comma-separated, default " + ",".join(DEFAULT_FORMATS) + ": "
            + "; ".join(f"{r.name}: {r.description}" for r in RENDERERS.values()))


def _output_options(p: argparse.ArgumentParser) -> None:
    """The options of build and watch that say what is written where."""
    from plangen.render import DEFAULT_FORMATS
    p.add_argument("plans", nargs="*", metavar="PLAN", help=f"plan files or folders of plans (default: {DEFAULT_GLOB})")
    p.add_argument("--format", type=_formats, default=DEFAULT_FORMATS, metavar="FMT[,FMT]", help=_format_help())
    p.add_argument("--out", default="output", metavar="DIR", help="output folder (default: output)")
    p.add_argument("--templates", metavar="DIR", help="your template folder; files it lacks come from the built-in one")
    p.add_argument("--per-unit", action="store_true", help="also write one document per unit, in OUT/<plan>/")
    p.add_argument("--pdf-variant", choices=["pdf/a-2b"], help="write PDF/A-2b for archiving (cover fields become printed blanks)")
    p.add_argument("--force", action="store_true", help="rebuild even what is up to date")
    p.add_argument("--prune", action="store_true",
                   help="remove per-unit outputs of an earlier --per-unit build that this build no longer produces")
    p.add_argument("-j", "--jobs", type=positive_int, default=os.cpu_count() or 1, metavar="N",
                   help="render N documents at a time in separate processes (default: the number of cores)")
    p.add_argument("--shard", default="1/1", metavar="I/N", help="build only the I-th of N slices of the work (for CI matrices)")
    p.add_argument("--timeout", type=seconds, default=300, metavar="SECONDS", help="stop a document that takes longer (default 300)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only errors")


def _add_build(sub: Subparsers) -> None:
    p = sub.add_parser("build", help="render plans to .docx / .pdf / .html in output/",
                       description="Render plans (default: plans/*.yaml) into the output folder.\n"
                                   "Example: plangen build plans/2021-logistics.yaml --format pdf --per-unit",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _output_options(p)
    p.set_defaults(func=cmd_build)


def _add_watch(sub: Subparsers) -> None:
    p = sub.add_parser("watch", help="rebuild what changed whenever a plan or template is saved",
                       description="Watch plans and templates (file-system events); rebuild what changed on every save. Ctrl-C stops.\n"
                                   "Example: plangen watch plans/2022-logistics.yaml --format pdf",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _output_options(p)
    p.add_argument("--debounce", type=seconds, default=0.05, metavar="SECONDS",
                   help="wait this long for a burst of saves to end before building (default 0.05)")
    p.set_defaults(func=cmd_watch)


def _add_preview(sub: Subparsers) -> None:
    p = sub.add_parser("preview", help="the plans in the browser, updated on every save",
                       description="Serve the plans on 127.0.0.1 and open the browser: the document as it will print,\n"
                                   "updated on every save of a plan or template, with its errors over the last good page,\n"
                                   "links to the .docx and PDF (built in the background), and ?against=REV for a redline.\n"
                                   "Example: plangen preview plans/2022-logistics.yaml",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("plans", nargs="*", metavar="PLAN", help=f"plan files or folders of plans (default: {DEFAULT_GLOB})")
    p.add_argument("--port", type=int, default=8040, metavar="N", help="port on 127.0.0.1 (default 8040; 0: any free port)")
    p.add_argument("--no-open", action="store_true", help="do not open the browser")
    p.add_argument("--out", default="output", metavar="DIR", help="where the background build writes (default: output)")
    p.add_argument("--templates", metavar="DIR", help="your template folder")
    p.set_defaults(func=cmd_preview)


def _add_targets(sub: Subparsers) -> None:
    p = sub.add_parser("targets", help="print the units x items matrix of a plan's targets",
                       description="Print who gets what: the targets matrix with totals.\n"
                                   "Example: plangen targets plans/2021-logistics.yaml --format csv > targets.csv",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("plan", metavar="PLAN", help="a plan file, or a folder holding one plan")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--unit", metavar="UNIT", help="only this unit's row (its id or name)")
    p.set_defaults(func=cmd_targets)


def _old_new(p: argparse.ArgumentParser) -> None:
    p.add_argument("old", metavar="OLD", help="a plan file, or REV:path in git")
    p.add_argument("new", metavar="NEW", help="a plan file, or REV:path in git")


def _add_diff(sub: Subparsers) -> None:
    p = sub.add_parser("diff", help="what changed between two plans (exit 1 when they differ)",
                       description="Compare two plans item by item (by id, or by similarity), with target numbers.\n"
                                   "OLD and NEW are files or REV:path read from git.\n"
                                   "Example: plangen diff plans/2021-logistics.yaml plans/2022-logistics.yaml\n"
                                   "Example: plangen diff HEAD~1:plans/2022-logistics.yaml plans/2022-logistics.yaml",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _old_new(p)
    p.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    p.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    p.add_argument("--lang", choices=["zh", "en"], default=None,
                   help="the language of the text and Markdown report (default: NEW's document language)")
    p.set_defaults(func=cmd_diff)


def _add_redline(sub: Subparsers) -> None:
    p = sub.add_parser("redline", help="NEW as a document with OLD's changes tracked (.docx) or marked (.pdf)",
                       description="Write NEW with the changes since OLD: a .docx with tracked changes to accept or\n"
                                   "reject, or a .pdf (or .html) with insertions underlined, deletions struck through and\n"
                                   "a first page summarising the changes. OLD and NEW are files or REV:path.\n"
                                   "Example: plangen redline plans/2021-logistics.yaml plans/2022-logistics.yaml -o output/changes.docx",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _old_new(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="FILE.docx, FILE.pdf or FILE.html")
    p.add_argument("--author", default="plangen", help="the author of the tracked changes (default: plangen)")
    p.add_argument("--templates", metavar="DIR")
    p.set_defaults(func=cmd_redline)


def _add_new(sub: Subparsers) -> None:
    p = sub.add_parser("new", help="next year's plan from this year's, keeping comments and layout",
                       description="Write next year's plan: the year in titles and text updated, the number advanced,\n"
                                   "dates moved, statuses set back to planned, a cover date removed (the cover's\n"
                                   "text values kept), ids and comments kept.\n"
                                   "Example: plangen new --from plans/2021-logistics.yaml --year 2022",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--from", dest="source", required=True, metavar="PLAN")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("-o", "--output", metavar="PATH", help="where to write (default: the source's name with the new year; - for stdout)")
    p.add_argument("--number", help="the new document number (default: the last digits of the old one plus one)")
    p.add_argument("--number-format", metavar="FORMAT", help="the new number from {year} and {seq}, e.g. 'YK-JH-{seq:04d}'")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=cmd_new)


def _add_textconv(sub: Subparsers) -> None:
    p = sub.add_parser("textconv", help="a plan as numbered text, for git diff (textconv)",
                       description="Print a plan as numbered text, one paragraph a line, for git's textconv.\n"
                                   "Example: git config diff.plangen.textconv 'plangen textconv'")
    p.add_argument("path", metavar="FILE")
    p.set_defaults(func=cmd_textconv)


def _add_check(sub: Subparsers) -> None:
    p = sub.add_parser("check", help="validate plan files; report every error as path:line:col",
                       description="Validate plan files (default: plans/*.yaml) and report every problem at once.\n"
                                   "Example: plangen check plans/2021-logistics.yaml")
    p.add_argument("paths", nargs="*", metavar="PLAN", help=f"plan files or folders of plans (default: {DEFAULT_GLOB})")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_check)


def _add_progress(sub: Subparsers) -> None:
    p = sub.add_parser("progress", help="plan against actual: planned / done / %% per target and unit at a date",
                       description="Print each target's planned, done and % per unit and in total, money spent, and\n"
                                   "what is overdue, from PLAN's progress file (PLAN with .progress.yaml).\n"
                                   "The date is --as-of or the latest entry's date, never today's.\n"
                                   "Example: plangen progress plans/2021-logistics.yaml --as-of 2021-06-30 --format csv",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("plan", metavar="PLAN", help="a plan file, or a folder holding one plan")
    p.add_argument("--as-of", metavar="DATE", help="YYYY-MM-DD (default: the latest entry's date)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--unit", metavar="UNIT", help="only this unit's targets (its id or name)")
    p.set_defaults(func=cmd_progress)


def _add_report(sub: Subparsers) -> None:
    p = sub.add_parser("report", help="the progress report (完成情况) of a plan, as .docx, .pdf or .html",
                       description="Write the mid-year or year-end report: the plan's numbering with each item's status\n"
                                   "and what was done, completion tables, a unit x target matrix, what is not done,\n"
                                   "and a timeline chart. The date is --as-of or the latest entry's date.\n"
                                   "Example: plangen report plans/2021-logistics.yaml -o output/2021-logistics.report.pdf",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("plan", metavar="PLAN", help="a plan file, or a folder holding one plan")
    p.add_argument("--as-of", metavar="DATE", help="YYYY-MM-DD (default: the latest entry's date)")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="FILE.docx, FILE.pdf or FILE.html")
    p.add_argument("--templates", metavar="DIR")
    p.set_defaults(func=cmd_report)


def _add_schema(sub: Subparsers) -> None:
    p = sub.add_parser("schema", help="print the plan format's JSON Schema",
                       description="Print the JSON Schema (draft-07) of the plan format.\n"
                                   "Example: plangen schema > schema/plan.schema.json\n"
                                   "Example: plangen schema --progress > schema/progress.schema.json")
    p.add_argument("--progress", action="store_true", help="the schema of progress files instead")
    p.set_defaults(func=cmd_schema)


COMMANDS: list[Callable[[Subparsers], None]] = [_add_check, _add_build, _add_targets, _add_diff, _add_redline, _add_new, _add_textconv, _add_watch,
                            _add_preview, _add_schema, _add_init, _add_fill, _add_progress, _add_report]


def parser() -> argparse.ArgumentParser:
    p = Parser(prog="plangen", description="Yearly work plans as YAML, rendered to numbered A4 documents.",
               formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"plangen {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    return p


def _terminate_as_interrupt(_signum: int, _frame: object) -> NoReturn:
    raise KeyboardInterrupt


def main(argv: Optional[list[str]] = None) -> int:
    import signal
    if hasattr(signal, "SIGTERM"):  # kill: clean up like Ctrl-C
        signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    args = parser().parse_args(argv)
    if not getattr(args, "func", None):
        parser().print_help(sys.stderr)
        return EXIT_USAGE
    try:
        code: int = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except BaseException as exc:  # noqa: B036 - every ending is mapped to a message and a code here
        return _report(exc, args.command)


def _report(exc: BaseException, command: str) -> int:
    """The one place an error becomes what the user sees; the code comes from errors.exit_code."""
    if isinstance(exc, SystemExit):
        raise exc
    if isinstance(exc, BrokenPipeError):  # `plangen check --format json | head -1`: quiet
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes at exit
    elif isinstance(exc, PlanError):
        for d in exc.diagnostics:
            print(d, file=sys.stderr)
    elif isinstance(exc, PlangenError):
        print(f"plangen: {exc}", file=sys.stderr)
    elif isinstance(exc, KeyboardInterrupt):
        print("plangen: interrupted", file=sys.stderr)
    elif os.environ.get("PLANGEN_DEBUG"):
        raise exc
    elif isinstance(exc, Exception):  # a bug: one line, not a traceback
        print(f"plangen: internal error ({type(exc).__name__}: {exc}); please report it "
              "(PLANGEN_DEBUG=1 shows the traceback)", file=sys.stderr)
    else:
        raise exc
    return exit_code(exc, command)


if __name__ == "__main__":
    sys.exit(main())
