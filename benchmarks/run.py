"""plangen's benchmark, side by side with pandoc and LibreOffice, in one run.

    bash scripts/setup bench          # installs pandoc too, then runs this

Generates Chinese plans of about 5, 30 and 100 pages and a district of 100 schools, then
times (wall clock, start-up included, each command in a fresh process) and measures peak
memory (the largest resident set of the command's processes):
- the seed plan to PDF, and to .docx + PDF, from the command line;
- plangen .docx vs pandoc (the same content as Markdown to .docx);
- plangen PDF vs LibreOffice (plangen's .docx to PDF) vs WeasyPrint alone on plangen's HTML
  with the fonts left to fontconfig (no plangen font handling);
- 100 per-school documents (.docx + PDF) with 1 and 2 jobs;
- a no-op rebuild of the example plans.
Prints a Markdown table of times and ratios. No assertions: numbers are for people.
"""
from __future__ import annotations

import os
import platform
import re
import shutil
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


def measure(cmd: list[str], cwd: Path = ROOT, repeat: int = 1) -> tuple[float, float]:
    """Best wall time in seconds and peak RSS in MB of a command, over `repeat` runs."""
    best, mem = float("inf"), 0.0
    for _ in range(repeat):
        out = subprocess.run([PY, "-c", MEASURE, *cmd], cwd=cwd, capture_output=True, text=True, check=True).stdout
        seconds, kb, rc = out.split()
        if rc != "0":
            raise SystemExit(f"failed ({rc}): {' '.join(cmd)}")
        best, mem = min(best, float(seconds)), max(mem, int(kb) / 1024)
    return best, mem


def plan_yaml(sections: int, units: int = 5) -> str:
    """A plan of about sections * 2 pages: each section 3 subsections of 2 items."""
    lines = ["plangen: 1", "document:", "  number: BENCH-1", "  title: 基准测试工作计划", "  year: 2024",
             "  organization: 基准测试中心学校", "  date: 2024-01-01", "units:"]
    lines += [f"  - {{id: u{i}, name: 第{i}学校}}" for i in range(1, units + 1)]
    lines.append("sections:")
    for s in range(1, sections + 1):
        lines += [f"  - id: s{s}", f"    title: 第{s}部分工作目标", f"    text: {PARAGRAPH}", "    items:"]
        for k in range(1, 4):
            lines += [f"      - id: s{s}.{k}", f"        title: 进一步加强第{k}项工作", f"        text: {PARAGRAPH}",
                      "        items:"]
            for j in range(1, 3):
                lines += [f"          - id: s{s}.{k}.{j}", f"            text: {PARAGRAPH * 2}"]
        lines += ["    targets:", f"      - {{what: 物品{s}, quantity: {s}, unit: 套, for: all, budget: {100 * s}}}"]
    return "\n".join(lines) + "\n"


def markdown_of(plan: Path) -> str:
    """The same content as Markdown, for pandoc."""
    sys.path.insert(0, str(ROOT / "src"))
    from plangen.source.load import load_plan
    from plangen.outline.outline import build_outline
    from plangen.render.theme import load_theme
    loaded = load_plan(plan)
    o = build_outline(loaded.plan, load_theme().wording("zh"))
    out = [f"# {o.title}", ""]
    for block in o.blocks + o.appendix:
        if block.kind == "heading":
            out += [f"{'#' * min(block.level + 1, 6)} {block.label}{block.title}", ""]
        elif block.kind == "para":
            out += [f"{block.label or ''}{block.text}", ""]
        else:
            out += ["| " + " | ".join(block.header) + " |", "|" + "---|" * len(block.header)]
            out += ["| " + " | ".join(c or " " for c in row) + " |" for row in block.rows] + [""]
    return "\n".join(out)


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def main() -> None:
    plangen = [PY, "-m", "plangen"]
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pandoc = shutil.which("pandoc")
    rows: list[tuple[str, float, float, str]] = []
    work = Path(tempfile.mkdtemp(prefix="plangen-bench-"))
    profile = (work / "lo-profile").as_uri()

    def add(name, seconds, mb, note=""):
        rows.append((name, seconds, mb, note))
        print(f"  {name}: {seconds:.2f} s, {mb:.0f} MB {note}", file=sys.stderr, flush=True)

    def build(args, repeat=3):
        return measure(plangen + ["build", *args, "--force", "-q", "-j", "1"], repeat=repeat)

    t, m = build([str(SEED), "--format", "pdf", "--out", str(work / "seed")])
    add("seed plan → PDF (plangen, CLI)", t, m, f"{pages(work / 'seed' / '2021-logistics.pdf')} pages")
    t, m = build([str(SEED), "--format", "docx,pdf", "--out", str(work / "seed")])
    add("seed plan → .docx + PDF (plangen, CLI)", t, m)
    if soffice:
        t, m = measure([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(work / "seed-lo"), str(work / "seed" / "2021-logistics.docx")], repeat=3)
        add("seed .docx → PDF (LibreOffice)", t, m)

    for label, sections in (("5", 1), ("30", 10), ("100", 32)):
        plan = work / f"plan{label}.yaml"
        plan.write_text(plan_yaml(sections), encoding="utf-8")
        out = work / f"out{label}"
        t_docx, m_docx = build([str(plan), "--format", "docx", "--out", str(out)])
        t_pdf, m_pdf = build([str(plan), "--format", "pdf", "--out", str(out)])
        n = pages(out / f"plan{label}.pdf")
        add(f"~{label}-page plan → .docx (plangen)", t_docx, m_docx, f"{n} pages")
        if pandoc:
            md = work / f"plan{label}.md"
            md.write_text(markdown_of(plan), encoding="utf-8")
            t, m = measure([pandoc, str(md), "-o", str(work / f"pandoc{label}.docx")], repeat=3)
            add(f"~{label}-page plan → .docx (pandoc)", t, m, f"plangen/pandoc = {t_docx / t:.2f}")
        add(f"~{label}-page plan → PDF (plangen)", t_pdf, m_pdf, f"{n} pages")
        if soffice:
            t, m = measure([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                            "--outdir", str(work / "lo"), str(out / f"plan{label}.docx")], repeat=2)
            add(f"~{label}-page .docx → PDF (LibreOffice)", t, m, f"plangen/LibreOffice = {t_pdf / t:.2f}")
        run_html = subprocess.run(plangen + ["build", str(plan), "--format", "html", "--out", str(out), "-q", "--force"])
        assert run_html.returncode == 0
        html = (out / f"plan{label}.html").read_text(encoding="utf-8")
        plain = re.sub(r"var\(--\w+\)", "serif", re.sub(r":root \{[^}]*\}", "", html))
        (work / f"plain{label}.html").write_text(plain, encoding="utf-8")
        t, m = measure([PY, "-m", "weasyprint", str(work / f"plain{label}.html"), str(work / f"plain{label}.pdf")], repeat=2)
        add(f"~{label}-page HTML → PDF (WeasyPrint alone, fontconfig fonts)", t, m, f"plangen/WeasyPrint = {t_pdf / t:.2f}")

    district = work / "district.yaml"
    district.write_text(plan_yaml(3, units=100), encoding="utf-8")
    for jobs in (1, 2):
        t, m = measure(plangen + ["build", str(district), "--per-unit", "--format", "docx,pdf", "--force", "-q",
                                  "-j", str(jobs), "--out", str(work / f"district{jobs}")])
        add(f"district of 100 schools, 101 documents (.docx + PDF), {jobs} job(s)", t, m,
            f"{101 / t:.1f} documents/s")
    subprocess.run(plangen + ["build", "-q"], cwd=ROOT, check=True)
    t, m = measure(plangen + ["build", "-q"], repeat=5)
    add("no-op rebuild of the example plans", t, m)

    print(f"\nMachine: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.machine()}; {time.strftime('%Y-%m-%d')}\n")
    print("| case | time (s) | peak memory (MB) | note |")
    print("| --- | ---: | ---: | --- |")
    for name, seconds, mb, note in rows:
        print(f"| {name} | {seconds:.2f} | {mb:.0f} | {note} |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
