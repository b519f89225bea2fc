"""The orchestrator: plan files in, documents out. Reads top to bottom:

    build(): check that no two plans write the same output name; for each plan, skip it
             if the manifest says its outputs are current; otherwise load it and make one
             job per document (the plan, and each unit with --per-unit); keep this shard's
             jobs; run them in worker processes (build/workers.py: time and memory limits,
             one document too); record what was written in the manifest.
    run_job(): load the plan -> build the outline (numbering) -> render each format ->
               write all formats or none.

A plan that fails is reported with its path and the others still build.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

from plangen.build.manifest import MANIFEST, Manifest, environment_key, sha256
from plangen.build.workers import picklable, report_stage, run_in_process, run_in_workers
from plangen.build.write import TEMP_PREFIX, atomic_write, atomic_write_set, inside, plan_stems, unique_names
from plangen.errors import PlanError, PlangenError, RenderError, UsageError
from plangen.render import DEFAULT_FORMATS, RenderOptions, renderer
from plangen.render.theme import load_theme
from plangen.source.yamlsafe import read_file


@dataclass(frozen=True)
class Options:
    formats: tuple[str, ...] = DEFAULT_FORMATS
    out: Path = Path("output")
    templates: Optional[Path] = None
    per_unit: bool = False
    pdf_variant: Optional[str] = None
    force: bool = False
    jobs: int = 1
    shard: tuple[int, int] = (1, 1)  # I of N, 1-based
    timeout: float = 300.0  # seconds a document may take
    prune: bool = False  # remove per-unit outputs a build no longer produces

    @property
    def render_options(self) -> RenderOptions:
        return RenderOptions(pdf_variant=self.pdf_variant)

    def key_text(self) -> str:
        """Options every output depends on (none: formats, --per-unit and the PDF variant
        are keyed per output, so toggling them rebuilds only what they change)."""
        return ""

    def mode(self) -> str:
        """What a build of a plan produces: its outputs are current only for the same mode."""
        return f"{','.join(self.formats)}|{self.per_unit}|{self.pdf_variant}"


@dataclass(frozen=True)
class Job:
    """One document (a plan, or one unit's copy) in every requested format."""

    plan: str
    unit: Optional[str]
    stem: str  # relative to the output folder, without suffix
    key: str
    date: Optional[str]
    options: Options
    report: bool = False  # the progress report (from the progress file beside the plan)
    formats: tuple[str, ...] = ()  # the formats to render; default: every requested one

    def output_keys(self) -> dict[str, str]:
        """Each output and its key: the document's key and what of the options it depends on."""
        return {f"{self.stem}.{fmt}": sha256(f"{self.key}|{fmt}|{self.options.pdf_variant if fmt == 'pdf' else ''}"
                                             .encode()) for fmt in self.formats or self.options.formats}

    def outputs(self) -> list[str]:
        return list(self.output_keys())


@dataclass
class Result:
    written: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # outputs that were current
    failed: list[tuple[str, PlangenError]] = field(default_factory=list)
    warnings: list = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # per-unit outputs this build no longer produces
    pruned: list[str] = field(default_factory=list)  # stale outputs removed (--prune)


def build(paths: list[str], options: Options, progress: Optional[Callable] = None) -> Result:
    """Build the plans; progress(job, outcome, done, total) is called as each document ends."""
    paths = list(dict.fromkeys(paths))
    plan_stems(paths)  # colliding output names: an error before anything is written
    theme = load_theme(options.templates)
    env_key = environment_key(theme, options.key_text())
    sweep_temporaries(options.out)
    manifest = Manifest.load(options.out)
    result = Result()
    jobs, plan_keys = _plan_all(paths, options, env_key, manifest, result)
    _run_jobs(jobs, options, manifest, result, progress)
    _save_manifest(jobs, plan_keys, options, manifest, result)
    return result


def _plan_all(paths: list[str], options: Options, env_key: str, manifest: Manifest,
              result: Result) -> tuple[list[Job], dict[str, str]]:
    """The jobs of every plan not current in the manifest, and each plan's key; plans that
    fail to read go to result.failed, current ones' outputs to result.skipped."""
    jobs: list[Job] = []
    plan_keys: dict[str, str] = {}
    for path in paths:
        try:
            plan_key, date = _plan_key(path, env_key)
        except PlanError as exc:
            result.failed.append((path, exc))
            continue
        plan_keys[path] = with_progress(path, plan_key)  # a new progress entry makes the plan not fresh
        if not options.force and options.shard == (1, 1) and manifest.plan_fresh(path, plan_keys[path], options.mode()):
            result.skipped += list(manifest.plans[path]["outputs"])
            continue
        try:
            from plangen.source.load import load_plan  # pydantic: imported only when a plan is read
            loaded = load_plan(path)
            result.warnings += loaded.warnings
            jobs += plan_jobs(path, loaded, options, plan_key, date)
        except (PlanError, RenderError) as exc:
            result.failed.append((path, exc))
    return jobs, plan_keys


def _run_jobs(jobs: list[Job], options: Options, manifest: Manifest, result: Result,
              progress: Optional[Callable]) -> None:
    """Run this shard's jobs whose outputs are not current, recording each output written."""
    mine = shard(jobs, *options.shard)
    todo = [t for t in (_stale_part(j, manifest, options.force) for j in mine) if t is not None]
    result.skipped += [o for j in mine for o in j.outputs() if o not in {x for t in todo for x in t.outputs()}]
    for done, (job, outcome) in enumerate(_run_all(todo, options), 1):
        if progress:
            progress(job, outcome, done, len(todo))
        if isinstance(outcome, PlangenError):
            result.failed.append((job.plan, outcome))
            continue
        keys = job.output_keys()
        for rel, digest in outcome:
            manifest.record(rel, keys[rel], digest)
            result.written.append(options.out / rel)


def _save_manifest(jobs: list[Job], plan_keys: dict[str, str], options: Options, manifest: Manifest,
                   result: Result) -> None:
    """Record each plan that built whole (unsharded), and write the manifest if anything changed."""
    failed_plans = {p for p, _ in result.failed}
    before = manifest.text()
    for path in dict.fromkeys(j.plan for j in jobs):
        if path not in failed_plans and options.shard == (1, 1):
            manifest.plans[path] = {"key": plan_keys[path], "mode": options.mode(), "outputs": {
                o: k for j in jobs if j.plan == path for o, k in j.output_keys().items()}}
    if options.shard == (1, 1):
        _stale(jobs, failed_plans, manifest, options, result)
    if result.written or manifest.text() != before:  # a failed build leaves the folder as it was
        atomic_write(inside(options.out, MANIFEST), manifest.text().encode("utf-8"))


def _stale_part(job: Job, manifest: Manifest, force: bool) -> Optional[Job]:
    """The job with only its outputs that are not current; None when all are."""
    stale = [rel.rsplit(".", 1)[1] for rel, key in job.output_keys().items() if force or not manifest.output_fresh(rel, key)]
    return replace(job, formats=tuple(stale)) if stale else None


def _stale(jobs: list[Job], failed: set, manifest: Manifest, options: Options, result: Result) -> None:
    """Per-unit outputs of an earlier build that this one no longer produces (built without
    --per-unit, or for a unit that is gone): reported, or removed with --prune."""
    produced = {o for j in jobs for o in j.outputs()}
    folders = {Path(j.stem).parts[0] + "/" for j in jobs if j.unit is None and j.plan not in failed}
    for rel in sorted(manifest.outputs):
        if rel in produced or not any(rel.startswith(f) for f in folders) or not (options.out / rel).exists():
            continue
        if options.prune:
            (options.out / rel).unlink()
            del manifest.outputs[rel]
            result.pruned.append(rel)
        else:
            result.stale.append(rel)


def plan_jobs(path: str, loaded, options: Options, plan_key: str, date: Optional[str],
              stem: Optional[str] = None) -> list[Job]:
    """A job for the plan's own document, one per unit with --per-unit, and the progress
    report (<plan>.report.*) when a progress file is beside the plan."""
    from plangen.source.progress import progress_path
    stem = stem or plan_stems([path])[path]
    jobs = [Job(path, None, stem, plan_key, date, options)]
    if progress_path(path).exists():
        jobs.append(Job(path, None, f"{stem}.report", sha256(f"{with_progress(path, plan_key)}|report".encode()),
                        date, options, True))
    if options.per_unit:
        names = unique_names([u.id for u in loaded.plan.units])
        jobs += [Job(path, u.id, f"{stem}/{names[u.id]}", sha256(f"{plan_key}|{u.id}".encode()), date, options)
                 for u in loaded.plan.units]
    return jobs


def shard(jobs: list[Job], index: int, count: int) -> list[Job]:
    """The index-th (1-based) of count slices: every job in exactly one slice."""
    ordered = sorted(jobs, key=lambda j: (j.plan, j.stem))
    return ordered[index - 1::count]


def parse_shard(text: str) -> tuple[int, int]:
    try:
        index, count = (int(x) for x in text.split("/"))
    except ValueError:
        raise UsageError(f"--shard takes I/N, e.g. 1/4 (found: {text!r})") from None
    if not 1 <= index <= count:
        raise UsageError(f"--shard {text}: I must be between 1 and N")
    return index, count


def with_progress(path: str, plan_key: str) -> str:
    """The plan's key and its progress file's bytes, if it has one: the report's inputs."""
    from plangen.source.progress import progress_path
    progress = progress_path(path)
    return sha256(plan_key.encode() + b"\0" + read_file(progress)) if progress.exists() else plan_key


def _plan_key(path: str, env_key: str) -> tuple[str, Optional[str]]:
    data = read_file(path)
    date = document_date(path)
    return sha256(env_key.encode() + b"\0" + (date or "").encode() + b"\0" + data), date


def document_date(path: str) -> Optional[str]:
    """The date for a plan without document.date: SOURCE_DATE_EPOCH, else the plan's last
    git commit, else none (the renderers then use 1 January of the plan's year)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date().isoformat()
    try:
        proc = subprocess.run(["git", "log", "-1", "--format=%cs", "--", Path(path).name], cwd=Path(path).parent or ".",
                              capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    text = proc.stdout.strip()
    return text if proc.returncode == 0 and len(text) == 10 else None


# --- running jobs ---------------------------------------------------------------------------

def run_job(job: Job) -> list[tuple[str, str]]:
    """Render one document in every format and write it. Returns (relative path, sha256)."""
    from plangen.outline.outline import build_outline
    from plangen.render.coverage import CoverageError, located
    formats = job.formats or job.options.formats
    report_stage(formats[0])  # a document stopped by --timeout is reported with the format it was at
    theme = load_theme(job.options.templates)
    loaded, text = _load(job.plan)
    outline = _report_outline(job, loaded, theme) if job.report else \
        build_outline(loaded.plan, theme.wording(loaded.plan.document.language), job.unit)
    if outline.date is None and job.date:
        outline.date = job.date
    rendered = {}
    for fmt in formats:  # every format first: a failure writes nothing
        report_stage(fmt)
        try:
            options = dataclasses.replace(job.options.render_options, characters=text)
            rendered[f"{job.stem}.{fmt}"] = renderer(fmt).render(outline, theme, options)
        except CoverageError as exc:  # the plan's line that holds the character
            raise RenderError(located(exc, loaded)) from None
        except RenderError as exc:
            raise RenderError(f"{job.plan}: {exc}") from None
    atomic_write_set([(inside(job.options.out, rel), data) for rel, data in rendered.items()])  # all or none
    return [(rel, sha256(data)) for rel, data in rendered.items()]


def _report_outline(job: Job, loaded, theme):
    from plangen.outline.progress import compute
    from plangen.outline.report import build_report
    from plangen.source.progress import progress_path
    from plangen.source.progress_load import load_progress
    progress = load_progress(progress_path(job.plan), loaded)
    return build_report(progress, compute(progress), theme.wording(loaded.plan.document.language))


_LOADED: dict[str, tuple[str, object, str]] = {}  # plan path -> (sha256 of its bytes, loaded plan, text)


def _load(path: str):
    """The plan, validated once per process for as long as its bytes stay the same (a
    worker renders a district's hundred documents from one parse)."""
    from plangen.source.load import load_plan_text
    from plangen.source.yamlsafe import decode
    data = read_file(path)
    digest = sha256(data)
    if path not in _LOADED or _LOADED[path][0] != digest:
        text, diags = decode(data, path)
        if text is None:
            raise PlanError(diags)
        _LOADED.clear()  # one plan at a time: a build's jobs come plan by plan
        _LOADED[path] = (digest, load_plan_text(text, path), text)
    return _LOADED[path][1], _LOADED[path][2]


def _run_all(jobs: list[Job], options: Options):
    if not jobs:
        return
    renderers = [renderer(fmt) for fmt in options.formats]
    try:
        if picklable(renderers):  # every built-in format, and any renderer a worker can import
            yield from run_in_workers(run_job, jobs, options.jobs, options.timeout, renderers)
        else:  # a renderer defined at run time (a function of the caller's): only here
            yield from run_in_process(run_job, jobs, options.timeout)
    finally:  # interrupted or not: no half-written file stays behind
        sweep_temporaries(options.out)


def sweep_temporaries(out: Path) -> None:
    """Remove temporary files a killed build left in the output folder."""
    if out.is_dir():
        for tmp in out.rglob(f"{TEMP_PREFIX}*.tmp"):
            with contextlib.suppress(OSError):
                tmp.unlink()
