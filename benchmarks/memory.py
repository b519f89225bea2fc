"""Peak memory of one render worker for large plans (issue 16: at most 300 MB per worker).

    PYTHONPATH=src python benchmarks/memory.py [--formats docx,pdf] [--keep DIR]

Generates a plan of 10,000 short items and a plan of about 155 pages (benchmarks/run.py's
generator), builds each with -j 1 (one worker) in a fresh process, and prints the peak
resident set of the largest process (the worker; the parent is smaller) and the wall time,
per format. No assertions: numbers for people and for the README.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import MEASURE, PY, ROOT, pages, plan_yaml  # noqa: E402


def items_plan(count: int = 10_000, per_section: int = 100) -> str:
    lines = ["plangen: 1", "document:", "  number: MEM-1", "  title: 一万项工作计划", "  year: 2024",
             "  organization: 基准测试中心学校", "  date: 2024-01-01", "units:",
             "  - {id: u1, name: 第一学校}", "  - {id: u2, name: 第二学校}", "sections:"]
    sections = count // per_section
    for s in range(1, sections + 1):
        lines += [f"  - id: s{s}", f"    title: 第{s}部分", "    items:"]
        for i in range(1, per_section):  # the section itself is the hundredth item
            lines.append(f"      - {{id: s{s}.{i}, text: 第{s}部分第{i}项工作按计划完成。}}")
    return "\n".join(lines) + "\n"


def measure(plan: Path, fmt: str, out: Path) -> tuple[float, float, int]:
    cmd = [PY, "-m", "plangen", "build", str(plan), "--format", fmt, "--out", str(out), "-j", "1", "--force", "-q",
           "--timeout", "3600"]  # a loaded machine takes minutes for 456 pages; the default 300 s would stop it
    env = {**os.environ, "PLANGEN_DAEMON": "0"}  # the worker under this command, not the render server's
    text = subprocess.run([PY, "-c", MEASURE, *cmd], cwd=ROOT, capture_output=True, text=True, check=True, env=env).stdout
    seconds, kb, rc = text.split()
    return float(seconds), int(kb) / 1024, int(rc)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--formats", default="docx,pdf,html")
    parser.add_argument("--keep", help="a folder for the plans and outputs (default: a temporary one)")
    args = parser.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="plangen-mem-"))
    folder.mkdir(parents=True, exist_ok=True)
    plans = {"10,000 items": folder / "items.yaml", "~155 pages": folder / "pages.yaml"}
    plans["10,000 items"].write_text(items_plan(), encoding="utf-8")
    plans["~155 pages"].write_text(plan_yaml(50), encoding="utf-8")
    print("| plan | format | peak RSS (MB) | time (s) | pages |\n|---|---|---|---|---|")
    for name, plan in plans.items():
        for fmt in args.formats.split(","):
            seconds, mb, rc = measure(plan, fmt, folder / "out")
            pdf = folder / "out" / f"{plan.stem}.pdf"
            count = pages(pdf) if fmt == "pdf" and pdf.exists() else ""
            status = "" if rc == 0 else f" (exit {rc})"
            print(f"| {name} | {fmt} | {mb:.0f}{status} | {seconds:.1f} | {count} |", flush=True)


if __name__ == "__main__":
    main()
