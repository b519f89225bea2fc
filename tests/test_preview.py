"""`plangen preview` in a real browser (Chromium from Debian, driven by Playwright)."""
from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import SEED, run
from docs import outline_of

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_browser = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (bash scripts/setup test installs it)")


class Server:
    def __init__(self, folder: Path, *plans: Path):
        self.proc = subprocess.Popen([sys.executable, "-m", "plangen", "preview", *map(str, plans), "--port", "0", "--no-open",
                                      "--out", str(folder / "out")], cwd=folder, stderr=subprocess.PIPE, text=True)
        line = self.proc.stderr.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, line
        self.port = int(match.group(1))
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # up once the first rendering is done
            try:
                urllib.request.urlopen(self.url + "/plan/0/doc", timeout=5).read()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("the preview did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def seed_copy(tmp_path_factory) -> Path:
    plan = tmp_path_factory.mktemp("preview") / "plan.yaml"
    plan.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    return plan


@pytest.fixture(scope="module")
def server(seed_copy):
    """One server for the module; tests that edit the plan put it back."""
    s = Server(seed_copy.parent, seed_copy)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (bash scripts/setup test installs it)")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def _wait(page, script: str, until, timeout: float = 20):
    """Poll a value in the page (the page's CSP forbids Playwright's own string predicates)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = page.evaluate(script)
        if until(value):
            return value
        time.sleep(0.02)
    raise AssertionError(f"{script} stayed {value!r}")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@needs_browser
def test_the_seed_page_shows_every_label_and_the_appendix(server, browser):
    page = browser.new_page()
    page.goto(server.url + "/plan/0")
    text = page.locator("#plangen-doc").inner_text()
    for label in outline_of(SEED).labels():
        assert label in text
    assert "附表：目标汇总表" in text
    assert page.locator("#plangen-doc main .h1").count() == 3  # 一、二、三、


@needs_browser
def test_a_save_updates_the_page_without_reload_and_errors_show_over_it(server, browser, seed_copy):
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    page.goto(server.url + "/plan/0")
    page.evaluate("window.__loaded_once = true")
    version = page.evaluate("document.body.dataset.version")
    _edit(seed_copy, "不截留、不克扣。", "不截留、不克扣、不浪费。")
    version = _wait(page, "document.body.dataset.version", lambda v: v != version)
    assert "不浪费" in page.locator("#plangen-doc").inner_text()
    assert page.evaluate("window.__loaded_once") is True  # updated in place, not reloaded
    assert page.evaluate("document.getElementById('plangen-errors').hidden") is True

    _edit(seed_copy, "  year: 2021", "  year: twenty")
    version = _wait(page, "document.body.dataset.version", lambda v: v != version)
    errors = page.locator("#plangen-errors").inner_text()
    assert re.search(r"plan\.yaml:\d+:\d+: document\.year: ", errors), errors
    assert "不浪费" in page.locator("#plangen-doc").inner_text()  # the last good page stays

    _edit(seed_copy, "  year: twenty", "  year: 2021")
    version = _wait(page, "document.body.dataset.version", lambda v: v != version)
    assert page.evaluate("document.getElementById('plangen-errors').hidden") is True
    _edit(seed_copy, "不截留、不克扣、不浪费。", "不截留、不克扣。")
    _wait(page, "document.body.dataset.version", lambda v: v != version)


@needs_browser
def test_the_edited_item_is_brought_into_view(server, browser, seed_copy):
    page = browser.new_page(viewport={"width": 1000, "height": 600})
    page.goto(server.url + "/plan/0")
    version = page.evaluate("document.body.dataset.version")
    _edit(seed_copy, "不截留、不克扣。", "不截留、不克扣、不拖延。")  # near the end of the body
    version = _wait(page, "document.body.dataset.version", lambda v: v != version)
    box = page.get_by_text("不拖延").bounding_box()
    assert box is not None and 0 <= box["y"] < 600
    _edit(seed_copy, "不截留、不克扣、不拖延。", "不截留、不克扣。")
    _wait(page, "document.body.dataset.version", lambda v: v != version)


@needs_browser
def test_the_redline_view_against_a_revision(tmp_path, browser):
    repo = tmp_path / "repo"
    repo.mkdir()
    plan = repo / "plan.yaml"
    plan.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x",
           "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for args in (["init", "-q"], ["add", "plan.yaml"], ["commit", "-qm", "2021"]):
        subprocess.run(["git", *args], cwd=repo, check=True, env=env)
    _edit(plan, "不截留、不克扣。", "不截留、不克扣、不浪费。")
    s = Server(repo, plan)
    try:
        page = browser.new_page()
        page.goto(s.url + "/plan/0?against=HEAD")
        assert page.locator("#plangen-doc ins", has_text="不浪费").count() >= 1
        page.goto(s.url + "/plan/0?against=nope")
        assert "nope: not a revision" in page.locator("#plangen-errors").inner_text()
    finally:
        s.stop()


def _status(url: str, host: str | None = None, method: str = "GET") -> int:
    request = urllib.request.Request(url, method=method, headers={"Host": host} if host else {})
    try:
        return urllib.request.urlopen(request, timeout=10).status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_foreign_host_header_and_writes_are_refused(server):
    assert _status(server.url + "/plan/0") == 200
    assert _status(server.url + "/plan/0", host=f"rebind.example:{server.port}") == 403
    assert _status(server.url + "/plan/0", host=f"localhost:{server.port}") == 200
    assert _status(server.url + "/plan/0", method="POST") == 405
    assert _status(server.url + "/plan/7") == 404
    assert _status(server.url + "/static/../../etc/passwd") == 404
    assert _status(server.url + "/plan/0/file.yaml") == 404


def _listening(port: int) -> list[str]:
    """Local addresses of the sockets listening on ``port``, from the kernel's own tables."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, _remote, state = line.split()[1:4]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.append(address)
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux's /proc/net/tcp")
def test_it_listens_on_loopback_only(server):
    assert _listening(server.port) == ["0100007F"]  # 127.0.0.1, and nothing on other interfaces or IPv6


def test_a_port_in_use_is_a_clear_usage_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = run("preview", str(SEED), "--port", str(port), "--no-open", cwd=tmp_path, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"plangen: port {port} is taken (another preview?); use --port N, or --port 0 for any free port"
