"""plangen beside LibreOffice, in one run on one machine: the table of issue 17.

    bash scripts/setup bench                 # installs what is missing, then runs this
    .venv/bin/python benchmarks/run.py [--repeat N] [--district-repeat N] [--only long,district]

Generates what it measures: the seed plan (plans/2021-logistics.yaml), a 155-page plan and a
district of 100 schools. Every timing is a whole process (start-up included), wall clock,
plangen and LibreOffice alternating run by run, and the median is printed; peak memory is the
largest resident set of the command's processes. One untimed run of each command comes
first, so both start warm (LibreOffice's profile made, plangen's prepared fonts cached).
LibreOffice converts plangen's own .docx of the same plan. WeasyPrint alone (`python -m
weasyprint` on plangen's HTML, fonts left to fontconfig) is the engine's floor.
Prints a Markdown table. No assertions: the numbers are for people.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
SEED = ROOT / "plans" / "2021-logistics.yaml"
PARAGRAPH = ("各学校要加强校园卫生的管理，制定好卫生管理制度，不允许有“脏、乱、差”出现，清洁卫生每天至少坚持两扫两查，"
             "每周一次大扫除，定期对校园进行冲洗、消毒，争创一流的校园环境。")
MEASURE = """
import resource, subprocess, sys, time
t = time.perf_counter()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
dt = time.perf_counter() - t
print(dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)
"""


def measure(cmd: list[str]) -> tuple[float, float]:
    """Wall time in seconds and peak RSS in MB of one run of a command in a fresh process."""
    out = subprocess.run([PY, "-c", MEASURE, *cmd], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    seconds, kb, rc = out.split()
    if rc != "0":
        raise SystemExit(f"failed ({rc}): {' '.join(cmd)}")
    return float(seconds), int(kb) / 1024


def alternate(commands: dict[str, list[str]], repeat: int, warm: bool = True) -> dict[str, tuple[float, float]]:
    """Each command once untimed (unless `warm` is False), then `repeat` rounds of all of them in
    turn: median time, peak memory."""
    for cmd in commands.values() if warm else ():
        measure(cmd)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, cmd in commands.items():
            runs[name].append(measure(cmd))
            print(f"  {name}: {runs[name][-1][0]:.2f} s", file=sys.stderr, flush=True)
    return {name: (statistics.median(t for t, _ in r), max(m for _, m in r)) for name, r in runs.items()}


def plan_yaml(sections: int, units: int = 5) -> str:
    """A Chinese plan of about 3.1 pages a section (50 sections: 155 pages)."""
    lines = ["plangen: 1", "document:", "  number: BENCH-1", "  title: 基准测试工作计划", "  year: 2024",
             "  organization: 基准测试中心学校", "  date: 2024-01-01", "units:"]
    lines += [f"  - {{id: u{i}, name: 第{i}学校}}" for i in range(1, units + 1)]
    lines.append("sections:")
    for s in range(1, sections + 1):
        lines += [f"  - id: s{s}", f"    title: 第{s}部分工作目标", f"    text: {PARAGRAPH}", "    items:"]
        for k in range(1, 4):
            lines += [f"      - id: s{s}.{k}", f"        title: 进一步加强第{k}项工作", f"        text: {PARAGRAPH}",
                      "        items:"]
            lines += [f"          - id: s{s}.{k}.{j}\n            text: {PARAGRAPH * 2}" for j in (1, 2)]
        lines += ["    targets:", f"      - {{what: 物品{s}, quantity: {s}, unit: 套, for: all, budget: {100 * s}}}"]
    return "\n".join(lines) + "\n"


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


class Bench:
    def __init__(self, work: Path, soffice: str):
        self.work = work
        self.soffice = [soffice, f"-env:UserInstallation={(work / 'lo-profile').as_uri()}", "--headless",
                        "--convert-to", "pdf"]
        self.plangen = [PY, "-m", "plangen"]

    def build(self, plan: Path, out: str, formats: str, *more: str) -> list[str]:
        return self.plangen + ["build", str(plan), "--format", formats, "--out", str(self.work / out), "--force", "-q",
                               *more]

    def docx_of(self, plan: Path, *more: str) -> Path:
        """plangen's .docx (and HTML) of a plan, for LibreOffice and WeasyPrint to convert."""
        subprocess.run(self.build(plan, "docx", "docx,html", *more), check=True)
        return self.work / "docx" / f"{plan.stem}.docx"

    def lo(self, out: str, *docx: Path) -> list[str]:
        return self.soffice + ["--outdir", str(self.work / out), *map(str, docx)]


def seed_rows(b: Bench, repeat: int) -> list[dict]:
    """The command as users run it (through the render server, build/daemon.py, started and
    warmed before timing), and without the server (PLANGEN_DAEMON=0: everything cold)."""
    seed = b.work / "seed-plan" / SEED.name  # without the progress file beside it in plans/: one PDF, as LibreOffice makes
    seed.parent.mkdir()
    shutil.copy(SEED, seed)
    docx = b.docx_of(seed)
    subprocess.run(b.plangen + ["--version"], env={**os.environ, "PLANGEN_DAEMON": "require"}, check=True,
                   stdout=subprocess.DEVNULL)
    cold = ["env", "PLANGEN_DAEMON=0", *b.build(seed, "seed-cold", "pdf", "-j", "1")]
    r = alternate({"plangen": b.build(seed, "seed", "pdf", "-j", "1"), "lo": b.lo("seed-lo", docx), "cold": cold}, repeat)
    return [{"work": "seed plan → PDF, cold command", "ours": r["plangen"], "lo": r["lo"], "target": 0.7,
             "pages": pages(b.work / "seed" / f"{SEED.stem}.pdf")},
            {"work": "… the same without the render server (`PLANGEN_DAEMON=0`)", "ours": r["cold"], "lo": r["lo"],
             "target": 0.7}]


def long_rows(b: Bench, repeat: int) -> list[dict]:
    plan = b.work / "long.yaml"
    plan.write_text(plan_yaml(50), encoding="utf-8")
    docx = b.docx_of(plan)
    floor = [PY, "-m", "weasyprint", str(b.work / "docx" / "long.html"), str(b.work / "floor.pdf")]
    r = alternate({"plangen": b.build(plan, "long", "pdf", "-j", "1"), "lo": b.lo("long-lo", docx), "weasyprint": floor},
                  repeat)
    n = pages(b.work / "long" / "long.pdf")
    # memory in-process: through the render server the command's own processes are only the
    # client (the work is in the server's child, which is not the command's child)
    here = measure(["env", "PLANGEN_DAEMON=0", *b.build(plan, "long-memory", "pdf", "-j", "1")])
    return [{"work": f"{n}-page plan → PDF", "ours": r["plangen"], "lo": r["lo"], "target": 2.0,
             "floor": r["weasyprint"]},
            {"work": f"peak memory, {n}-page plan (`PLANGEN_DAEMON=0`)", "ours": here, "lo": r["lo"], "memory": True,
             "target": 300}]


def district_row(b: Bench, repeat: int) -> dict:
    plan = b.work / "district.yaml"
    plan.write_text(plan_yaml(3, units=100), encoding="utf-8")
    subprocess.run(b.build(plan, "docx", "docx", "--per-unit"), check=True)
    docx = sorted((b.work / "docx").glob("district.docx")) + sorted((b.work / "docx" / "district").glob("*.docx"))
    # warm without a whole untimed round: the plan's own PDF prepares the fonts every document
    # of the plan shares; LibreOffice's profile was made by the rows before (or just below)
    subprocess.run(b.build(plan, "district-warm", "pdf"), check=True)
    if not (b.work / "lo-profile").exists():  # run alone (--only district): LibreOffice makes its profile untimed
        subprocess.run(b.lo("lo-warm", docx[0]), check=True, capture_output=True)
    r = alternate({"plangen": b.build(plan, "district", "docx,pdf", "--per-unit", "-j", "2"),
                   "lo": b.lo("district-lo", *docx)}, repeat, warm=False)
    return {"work": f"district of 100 schools, {len(docx)} documents (.docx + PDF, `-j 2`) vs LibreOffice converting "
                    f"the same {len(docx)} .docx in one process", "ours": r["plangen"], "lo": r["lo"], "target": 1.0}


def watch_row(b: Bench, repeat: int) -> dict:
    """`plangen watch` on the seed: from a save of the plan to the new PDF in place."""
    plan = b.work / "watched.yaml"
    text = SEED.read_text(encoding="utf-8")
    plan.write_text(text, encoding="utf-8")
    pdf = b.work / "watch" / "watched.pdf"
    proc = subprocess.Popen(b.plangen + ["watch", str(plan), "--format", "pdf", "--out", str(b.work / "watch"), "-q",
                                         "-j", "1"], cwd=ROOT, stderr=subprocess.DEVNULL)
    try:
        _wait_for(pdf, 0, 120)
        times = []
        for i in range(repeat + 1):
            before = pdf.stat().st_mtime_ns
            time.sleep(0.3)
            start = time.perf_counter()
            plan.write_text(text.replace("工作计划", f"工作计划{'（修订）' * (i % 2 + 1)}", 1), encoding="utf-8")
            _wait_for(pdf, before, 60)
            times.append(time.perf_counter() - start)
    finally:
        proc.terminate()
        proc.wait(10)
    seconds = statistics.median(times[1:])
    warm = subprocess.run([PY, "-c", WARM_FLOOR, str(SEED), str(repeat)], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout.split()
    return {"work": "`watch`: save → new seed PDF", "ours": (seconds, 0.0), "lo": None, "target": 0.3,
            "warm_floor": tuple(float(x) for x in warm)}


# The engine's share of `watch`: plangen's own render of the seed's PDF in one warm process (its
# prepared fonts, stylesheet and templates), WeasyPrint's layout (HTML.render) and writing
# (Document.write_pdf) timed inside it; two untimed renders first; medians of wall time (seconds):
# layout, writing, the whole render
WARM_FLOOR = """
import gc, statistics, sys, time
import weasyprint
from weasyprint.document import Document
from plangen.outline.outline import build_outline
from plangen.render import RenderOptions, pdf
from plangen.render.theme import load_theme
from plangen.source.load import load_plan
spent = {}
def timed(name, call):
    def run(*a, **k):
        t = time.perf_counter(); out = call(*a, **k); spent[name] += time.perf_counter() - t; return out
    return run
weasyprint.HTML.render = timed("layout", weasyprint.HTML.render)
Document.write_pdf = timed("write", Document.write_pdf)
theme, plan = load_theme(), load_plan(sys.argv[1]).plan
rows = []
for i in range(2 + max(3, int(sys.argv[2]))):
    spent.update(layout=0.0, write=0.0)
    gc.disable(); t = time.perf_counter()
    pdf.render(build_outline(plan, theme.wording(plan.document.language)), theme, RenderOptions())
    whole = time.perf_counter() - t; gc.enable(); gc.collect()
    rows += [(spent["layout"], spent["write"], whole)] if i >= 2 else []
print(*(statistics.median(r[k] for r in rows) for k in range(3)))
"""


def _wait_for(path: Path, newer_than: int, timeout: float) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if path.exists() and path.stat().st_mtime_ns > newer_than:
            return
        time.sleep(0.005)
    raise SystemExit(f"{path} was not written in {timeout} s")


def table(rows: list[dict]) -> str:
    out = ["| work | plangen | LibreOffice on plangen's .docx | ratio now | target |", "| --- | ---: | ---: | ---: | ---: |"]
    for r in rows:
        if r.get("memory"):
            out.append(f"| {r['work']} | {r['ours'][1]:.0f} MB | {r['lo'][1]:.0f} MB | – | ≤ {r['target']} MB |")
            continue
        lo = f"{r['lo'][0]:.2f} s" if r["lo"] else "–"
        ratio = f"{r['ours'][0] / r['lo'][0]:.2f}" if r["lo"] else "–"
        target = f"≤ {r['target']}" + (" s" if not r["lo"] else "")
        if "floor" in r:
            target += ", and ≤ 1.05 × WeasyPrint alone"
        out.append(f"| {r['work']} | {r['ours'][0]:.2f} s | {lo} | {ratio} | {target} |")
        if "floor" in r:
            out.append(f"| … WeasyPrint alone on plangen's HTML (the engine's floor) | {r['floor'][0]:.2f} s | – | "
                       f"plangen / WeasyPrint = {r['ours'][0] / r['floor'][0]:.2f} | ≤ 1.05 |")
        if "warm_floor" in r:
            layout, write, whole = r["warm_floor"]
            out.append(f"| … of it, WeasyPrint's own layout and writing in plangen's warm render of the seed "
                       f"(whole render {whole:.2f} s; the engine's floor for `watch`) | {layout:.2f} s + {write:.2f} s "
                       f"= {layout + write:.2f} s | – | – | – |")
    return "\n".join(out)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    lo = subprocess.run([shutil.which("soffice") or "soffice", "--version"], capture_output=True, text=True).stdout.strip()
    import weasyprint
    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GB, {platform.platform()}, Python {platform.python_version()}, "
            f"WeasyPrint {weasyprint.__version__}, {lo}; load average before the run "
            f"{os.getloadavg()[0]:.1f}; {time.strftime('%Y-%m-%d %H:%M %Z')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds of the short cases (default 5)")
    parser.add_argument("--district-repeat", type=int, default=3, help="timed rounds of the district (default 3)")
    parser.add_argument("--only", default="seed,long,district,watch", metavar="ROWS",
                        help="the rows to measure, of seed,long,district,watch (default: all; long includes memory)")
    args = parser.parse_args()
    only = set(args.only.split(","))
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("LibreOffice (soffice) is not installed: run `bash scripts/setup bench`")
    work = Path(tempfile.mkdtemp(prefix="plangen-bench-"))
    about = machine()
    try:
        b = Bench(work, soffice)
        rows = seed_rows(b, args.repeat) if "seed" in only else []
        long_time, long_memory = long_rows(b, max(3, args.repeat - 2)) if "long" in only else (None, None)
        rows += [long_time] if long_time else []
        rows += [district_row(b, args.district_repeat)] if "district" in only else []
        rows += [watch_row(b, args.repeat)] if "watch" in only else []
        rows += [long_memory] if long_memory else []
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nMachine: {about}; load average after it {os.getloadavg()[0]:.1f}\n")
    print(table(rows))


if __name__ == "__main__":
    main()
