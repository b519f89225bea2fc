"""The layout corpus built as a user builds it, on both cores: the generated plans written
as YAML and built to PDF and .docx by plangen's own orchestrator (`plangen build -j 2`: warm
render workers), the .docx converted to PDF by two LibreOffice processes at once, and every
PDF read once (one `pdftotext -bbox-layout` and one `pdffonts` each) for all the checks."""
from __future__ import annotations

import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

import layout_checks as check
import plangen_corpus
from plangen.build import workers
from plangen.build.orchestrator import Options, build
from plangen.outline.outline import Outline, build_outline
from plangen.render import fieldfont
from plangen.render.theme import load_theme, pdf_font_families
from plangen.source.load import load_plan

CORES = 2  # what CI has; more would only make the processes wait for each other


@dataclass
class Read:
    """One PDF as the checks see it."""

    path: Path
    pages: list[list[check.Line]]
    fonts: list[str]


@dataclass
class Built:
    seed: int
    name: str
    language: str
    outline: Outline
    families: list[str]  # the theme's families for the PDF, and the cover fields' typing font
    ours: Read | None = None
    lo: Read | None = None  # LibreOffice's PDF of our .docx, when LibreOffice is installed
    failed: str = ""  # plangen's message when the plan did not build


def write_plans(seeds: list[int], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed in seeds:
        path = folder / f"gen-{seed:04d}.yaml"
        path.write_text(yaml.safe_dump(plangen_corpus.plan(seed), allow_unicode=True, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths


def build_corpus(seeds: list[int], folder: Path, libreoffice: str | None) -> list[Built]:
    """Every seed's plan built, converted and read back; a plan that fails to build carries
    plangen's message in `failed`."""
    paths = write_plans(seeds, folder / "plans")
    out = folder / "out"
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1767225600"  # no git lookup per plan (each sets its date anyway)
    try:
        result = build([str(p) for p in paths], Options(out=out, jobs=CORES, force=True, timeout=600))
        workers.shutdown()
        copies = unit_copies([(s, p) for s, p in zip(seeds, paths) if s in unit_seeds(seeds)], folder, out)
    finally:
        workers.shutdown()
        if saved is None:  # the rest of the session sees the environment it had
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
    failed = {Path(plan).stem: str(exc) for plan, exc in result.failed}
    corpus = [_built(seed, path, failed.get(path.stem, "")) for seed, path in zip(seeds, paths)] + copies
    docx = [out / f"{b.name}.docx" for b in corpus if not b.failed]
    if libreoffice and docx:
        convert(docx, folder / "lo", libreoffice)
    _read_all(corpus, out, folder / "lo")
    return corpus


def _built(seed: int, path: Path, failed: str, unit: str | None = None, name: str = "") -> Built:
    loaded = load_plan(path)
    theme = load_theme()
    language = loaded.plan.document.language
    families = list(pdf_font_families(theme).values()) + list(fieldfont.FACES)
    outline = build_outline(loaded.plan, theme.wording(language), unit)
    return Built(seed, name or path.stem, language, outline, families, failed=failed)


UNIT_COPIES = 12  # plans of a slice whose one unit's own copy (--per-unit) is checked too


def unit_seeds(seeds: list[int]) -> list[int]:
    """The seeds whose plans also get a unit's own copy checked: of 2 to 8 units (--per-unit
    builds every unit's copy), spread over the slice, both languages."""
    fit = [s for s in seeds if 2 <= len(plangen_corpus.plan(s)["units"]) <= 8]
    step = max(1, len(fit) // UNIT_COPIES)
    return fit[::step][:UNIT_COPIES]


def unit_copies(plans: list[tuple[int, Path]], folder: Path, out: Path) -> list[Built]:
    """`plangen build --per-unit` of PLANS; of each, the copy of the unit with the longest name
    is checked like a plan (its PDF and .docx copied into OUT as <plan>--<unit>)."""
    if not plans:
        return []
    units_out = folder / "out-units"
    result = build([str(p) for _, p in plans], Options(out=units_out, jobs=CORES, force=True, per_unit=True, timeout=600))
    failed = {Path(plan).stem: str(exc) for plan, exc in result.failed}
    copies = []
    for seed, path in plans:
        units = load_plan(path).plan.units
        unit = max(units, key=lambda u: (len(u.name), u.id))
        name = f"{path.stem}--{unit.id}"
        for ext in ("pdf", "docx"):
            made = units_out / path.stem / f"{unit.id}.{ext}"
            if made.exists():
                shutil.copyfile(made, out / f"{name}.{ext}")
        copies.append(_built(seed, path, failed.get(path.stem, ""), unit.id, name))
    return copies


def convert(files: list[Path], outdir: Path, soffice: str) -> None:
    """.docx to PDF by CORES LibreOffice processes, each with its own profile and half of the
    files (by size, largest first, so both end about together)."""
    lanes: list[list[Path]] = [[] for _ in range(CORES)]
    sizes = [0] * CORES
    for f in sorted(files, key=lambda f: -f.stat().st_size):
        lane = sizes.index(min(sizes))
        lanes[lane].append(f)
        sizes[lane] += f.stat().st_size
    with ThreadPoolExecutor(CORES) as pool:
        for proc in pool.map(lambda i: _soffice(soffice, lanes[i], outdir, outdir / f"profile-{i}"), range(CORES)):
            assert proc.returncode == 0, proc.stderr


def _soffice(soffice: str, files: list[Path], outdir: Path, profile: Path) -> subprocess.CompletedProcess:
    if not files:
        return subprocess.CompletedProcess([], 0, "", "")
    return subprocess.run([soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore",
                           "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)],
                          capture_output=True, text=True, timeout=1800)


def _read_all(corpus: list[Built], out: Path, lo: Path) -> None:
    jobs = [(b, "ours", out / f"{b.name}.pdf") for b in corpus if not b.failed]
    jobs += [(b, "lo", lo / f"{b.name}.pdf") for b in corpus if not b.failed and (lo / f"{b.name}.pdf").exists()]
    with ThreadPoolExecutor(CORES) as pool:  # the work is in poppler's processes
        for (b, who, _path), read in zip(jobs, pool.map(lambda job: read_pdf(job[2]), jobs)):
            setattr(b, who, read)


def read_pdf(path: Path) -> Read:
    return Read(path, check.pages(path), check.fonts(path))


def libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")
