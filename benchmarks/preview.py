"""`plangen preview`: time from saving a plan to the updated page in a real browser.

    .venv/bin/python benchmarks/preview.py        # Chromium from Debian, Playwright's Python API

For the seed plan and a generated plan of about 155 pages: start the preview, open the page,
then save an edit N times and measure save -> the page's DOM carries the new version (polled
every 2 ms). Prints a Markdown table of medians. No assertions: numbers are for people.
"""
from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import SEED, plan_yaml  # noqa: E402 - the benchmark's plan generator

ROUNDS = 7


def _server(plan: Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "plangen", "preview", str(plan), "--port", "0", "--no-open",
                             "--out", str(plan.parent / "out")], stderr=subprocess.PIPE, text=True)
    match = re.search(r"http://127\.0\.0\.1:\d+/", proc.stderr.readline())
    assert match, "the preview did not start"
    return proc, match.group(0)


def save_to_dom(page, plan: Path, rounds: int) -> list[float]:
    times = []
    text = plan.read_text(encoding="utf-8")
    for i in range(rounds):
        version = page.evaluate("document.body.dataset.version")
        start = time.perf_counter()
        plan.write_text(text.replace("基准测试工作计划", f"基准测试工作计划{i}") if "基准" in text
                        else text.replace("不截留、不克扣。", f"不截留、不克扣{'。' * (i + 2)}"), encoding="utf-8")
        while page.evaluate("document.body.dataset.version") == version:
            if time.perf_counter() - start > 60:
                raise SystemExit("no update within 60 s")
            time.sleep(0.002)
        times.append(time.perf_counter() - start)
        time.sleep(1.5)  # let the background .docx/PDF build settle, as a person would
    return times


def main() -> None:
    from playwright.sync_api import sync_playwright
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("needs Chromium (bash scripts/setup test installs it)")
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for name, text in (("seed plan (8 pages)", SEED.read_text(encoding="utf-8")), ("155-page plan", plan_yaml(50))):
            plan = Path(tmp) / f"{len(rows)}" / "plan.yaml"
            plan.parent.mkdir()
            plan.write_text(text, encoding="utf-8")
            proc, url = _server(plan)
            try:
                page = browser.new_page()
                page.goto(url + "plan/0")
                times = save_to_dom(page, plan, ROUNDS)
            finally:
                proc.terminate()
                proc.wait(timeout=30)
            rows.append((name, statistics.median(times), min(times), max(times)))
        browser.close()
    print("| plan | save → updated DOM, median | min | max |")
    print("| --- | ---: | ---: | ---: |")
    for name, med, lo, hi in rows:
        print(f"| {name} | {med * 1000:.0f} ms | {lo * 1000:.0f} ms | {hi * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
