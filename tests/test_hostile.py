"""Hostile input: bad plans and templates get a one-line error naming the file (and line),
exit 1 (2 for usage), no traceback, bounded time, and an output folder left as it was."""
from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, digests, pdftotext, requires, run, squash
from plangen.render.theme import BUILTIN_TEMPLATES

SEED_PLAN = ROOT / "plans" / "2021-logistics.yaml"
MINIMAL = (ROOT / "tests" / "data" / "minimal.yaml").read_text(encoding="utf-8")
TIME_LIMIT = 60  # seconds any single case may take, start-up included


def with_title(title_yaml: str) -> str:
    return MINIMAL.replace("  title: 测试计划", f"  title: {title_yaml}")


def with_text(text_yaml: str) -> str:
    return MINIMAL.replace("        text: 各校采购50套新课桌。", f"        text: {text_yaml}")


def with_quantity(q: str) -> str:
    return MINIMAL.replace("            quantity: 50", f"            quantity: {q}")


BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))

# (id, file bytes, expected piece of the one-line message, line or None)
PLAN_CASES = [
    ("alias-bomb", (MINIMAL + "x-bomb:\n" + "".join("  " + l + "\n" for l in BOMB.splitlines())).encode(),
     "aliases expand to more than", None),
    ("deep-nesting-1000", ("plangen: 1\nx: " + "[" * 1000 + "]" * 1000 + "\n").encode(), "nesting", 2),
    ("deep-nesting-mappings", ("plangen: 1\n" + "".join("  " * i + f"k{i}:\n" for i in range(60)) + "  " * 60 + "v: 1\n").encode(),
     "nesting is deeper than 40 levels", None),
    ("many-aliases", (MINIMAL + "x: &x 1\ny: [" + ",".join(["*x"] * 300) + "]\n").encode(), "more than 200 aliases", 23),
    ("duplicate-key", MINIMAL.replace("  year: 2021\n", "  year: 2021\n  year: 2022\n").encode(), "duplicate key 'year'", 6),
    ("python-object", with_title("!!python/object/apply:os.system [echo pwned]").encode(), "!!python/object/apply:os.system is not allowed", 4),
    ("python-name", with_title("!!python/name:os.system").encode(), "!!python/name:os.system is not allowed", 4),
    ("binary-tag", with_title("!!binary aGVsbG8=").encode(), "!!binary is not allowed", 4),
    ("set-tag", with_title("!!set {a, b}").encode(), "!!set is not allowed", 4),
    ("custom-tag", with_title("!include /etc/passwd").encode(), "the tag !include is not allowed", 4),
    ("huge-integer", with_quantity("9" * 5000).encode(), "expected a number", 20),
    ("huge-file", (MINIMAL + "# " + "x" * 2_100_000 + "\n").encode(), "file is too large", None),
    ("utf16", MINIMAL.encode("utf-16"), "not valid UTF-8", 1),
    ("latin1", MINIMAL.replace("测试计划", "caf\u00e9").encode("latin-1", errors="replace"), "not valid UTF-8", 4),
    ("nul-byte", MINIMAL.replace("测试计划", "测试\x00计划").encode(), "not allowed", 4),
    ("raw-control-char", MINIMAL.replace("测试计划", "测试\x07计划").encode(), "not allowed", 4),
    ("escaped-vertical-tab", with_title('"测试\\x0b计划"').encode(), "U+000B is not allowed", 4),
    ("escaped-nul", with_text('"各校\\0采购"').encode(), "U+0000 is not allowed", 17),
    ("escaped-surrogate", with_title('"测试\\ud800"').encode(), "YAML syntax error", 4),
    ("non-character", with_title('"测试\\ufffe"').encode(), "U+FFFE is not allowed", 4),
    ("c1-control", with_title('"测试\\x85计划"').encode(), "U+0085 is not allowed", 4),
    ("yes-as-boolean", MINIMAL.replace("    title: 目标\n", "    title: 目标\n    skip_level: yes\n").encode(), "yes/no/on/off are read as text", 15),
    ("sexagesimal", with_quantity("8:30").encode(), "expected a number (found: '8:30')", 20),
    ("octal-looking", with_quantity("010").encode(), "without quotes or leading zeros", 20),
    ("infinity", with_quantity(".inf").encode(), "expected a number", 20),
    ("merge-key", MINIMAL.replace("  - id: b\n    name: 乙校\n", "  - <<: {id: b}\n    name: 乙校\n").encode(), "merge keys (<<)", 10),
    ("path-like-unit-id", MINIMAL.replace("  - id: b\n", "  - id: ../../etc/b\n").encode(), "units[1].id", 10),
    ("absolute-unit-id", MINIMAL.replace("  - id: b\n", "  - id: /tmp/b\n").encode(), "units[1].id", 10),
    ("empty", b"", "the file is empty", 1),
    ("only-comments", b"# nothing here\n", "the file is empty", 1),
    ("multiple-documents", (MINIMAL + "---\nplangen: 1\n").encode(), "YAML syntax error", None),
    ("a-list", b"- 1\n- 2\n", "a plan is a mapping", 1),
    ("a-scalar", b"hello\n", "a plan is a mapping", 1),
    ("key-not-text", MINIMAL.replace("  year: 2021\n", "  year: 2021\n  [a, b]: 1\n").encode(), "mapping keys must be plain text", 6),
]


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "output"
    folder.mkdir()
    (folder / "previous.pdf").write_bytes(b"%PDF-1.7 previous output\n%%EOF\n")
    return folder


def check_failure(proc, elapsed, out_before, out, path, expected, line, code=1):
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    assert proc.returncode == code, proc.stderr
    assert elapsed < TIME_LIMIT
    assert digests(out) == out_before
    first = proc.stderr.splitlines()[0]
    assert expected in first, proc.stderr
    assert first.startswith(f"{path}:" if line is None else f"{path}:{line}:"), first


@pytest.mark.parametrize("name,data,expected,line", PLAN_CASES, ids=[c[0] for c in PLAN_CASES])
def test_hostile_plan(tmp_path, out, name, data, expected, line):
    plan = tmp_path / "plan.yaml"
    plan.write_bytes(data)
    before = digests(out)
    start = time.monotonic()
    proc = run("build", str(plan), "--out", str(out), "--format", "docx,pdf", timeout=TIME_LIMIT * 2)
    check_failure(proc, time.monotonic() - start, before, out, plan, expected, line)


# Text that must come out literally: data, never markup or template code.
LITERAL_TEXTS = [
    ("markup", '<link rel="attachment" href="file:///etc/passwd">'),
    ("script", "<script>alert(1)</script><b>粗</b>&amp;"),
    ("template-expression", "{{ 7*7 }} {{ ''.__class__.__mro__ }}"),
    ("template-statement", "{% for x in range(10**9) %}x{% endfor %}"),
    ("file-url", "file:///etc/shadow and http://127.0.0.1:9/x.png"),
    ("css-injection", "</style><style>@import url(file:///etc/passwd);</style>"),
    ("bidi-and-rare-cjk", "\u202e反向\u202c 𠮷"),  # an emoji no theme font has is an error (test_layout)
    ("long-word", "长" * 3000),
]


@requires("pdftotext")
@pytest.mark.parametrize("name,text", LITERAL_TEXTS, ids=[c[0] for c in LITERAL_TEXTS])
def test_plan_text_is_data(tmp_path, name, text):
    import json
    plan = tmp_path / "plan.yaml"
    plan.write_text(with_text(json.dumps(text, ensure_ascii=False)), encoding="utf-8")
    start = time.monotonic()
    proc = run("build", str(plan), "--out", str(tmp_path / "out"), "--format", "docx,pdf,html", "-q", timeout=TIME_LIMIT * 2)
    assert proc.returncode == 0, proc.stderr
    assert time.monotonic() - start < TIME_LIMIT
    pdf = tmp_path / "out" / "plan.pdf"
    shown = re.sub(r"—\d+—", "", squash(pdftotext(pdf)))  # page numbers interrupt text that spans pages
    assert squash(text) in shown or name == "bidi-and-rare-cjk"
    from pypdf import PdfReader
    reader = PdfReader(pdf)
    assert "/EmbeddedFiles" not in str(reader.trailer["/Root"].get("/Names", {}))
    assert all("/FileAttachment" not in str(a.get_object().get("/Subtype")) for p in reader.pages for a in p.get("/Annots", []) or [])
    import docx

    from plangen.outline.breaks import unglued  # codes (9/x) are held with word joiners
    body = unglued("".join(p.text for p in docx.Document(str(tmp_path / "out" / "plan.docx")).paragraphs))
    assert text in body


@requires("pdftotext")
def test_attachment_markup_in_text_embeds_nothing(tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text(with_text("'<link rel=attachment href=\"file:///etc/passwd\">'"), encoding="utf-8")
    proc = run("build", str(plan), "--out", str(tmp_path), "--format", "pdf", "-q")
    assert proc.returncode == 0, proc.stderr
    data = (tmp_path / "plan.pdf").read_bytes()
    assert b"/EmbeddedFile" not in data and b"root:x:0:0" not in data
    assert '<link rel=attachment href="file:///etc/passwd">' in pdftotext(tmp_path / "plan.pdf")


# --- templates from another office ------------------------------------------------------------

TEMPLATE_CASES = [
    ("sandbox-subclasses", "plan.html.j2", "{{ ''.__class__.__mro__[1].__subclasses__() }}", "plan.html.j2:", "template error"),
    ("sandbox-globals", "plan.html.j2", "{{ cycler.__init__.__globals__.os.popen('id').read() }}", "plan.html.j2:", "template error"),
    ("sandbox-format", "plan.html.j2", "{{ '{0.__class__.__base__.__subclasses__}'.format(doc) }}", "plan.html.j2:", "template error"),
    ("undefined-name", "cover.html.j2", "{{ no_such_name }}", "cover.html.j2:", "no_such_name"),
    ("syntax-error", "table.html.j2", "{% if %}", "table.html.j2:", "template error"),
    ("include-outside", "plan.html.j2", '{% include "../../../../../../etc/passwd" %}', "plan.html.j2:", "template error"),
    ("attachment-link", "plan.html.j2", '<link rel="attachment" href="file:///etc/passwd">', "", "refused to fetch file:///etc/passwd"),
    ("network-image", "cover.html.j2", '<img src="http://127.0.0.1:9/logo.png">', "", "refused to fetch http://127.0.0.1:9/logo.png"),
    ("css-import", "fonts.css", "@import url(file:///etc/passwd);", "", "refused to fetch file:///etc/passwd"),
    ("css-background", "plan.css", "body { background: url(file:///etc/hostname); }", "", "refused to fetch file:///etc/hostname"),
    ("css-font-outside", "fonts.css", '@font-face { font-family: X; src: url(file:///etc/passwd); }', "", "refused to fetch file:///etc/passwd"),
    ("css-network-font", "fonts.css", '@font-face { font-family: X; src: url(https://fonts.example/x.woff2); }', "", "refused to fetch https://fonts.example/x.woff2"),
    ("missing-font", "fonts.css", ':root { --song: "No Such Font 123"; }', "fonts.css", "font not installed: No Such Font 123"),
]


@pytest.mark.parametrize("name,filename,payload,where,expected", TEMPLATE_CASES, ids=[c[0] for c in TEMPLATE_CASES])
def test_hostile_template(tmp_path, out, name, filename, payload, where, expected):
    templates = tmp_path / "templates"
    shutil.copytree(BUILTIN_TEMPLATES, templates)
    target = templates / filename
    if filename.endswith(".css"):  # @import must come first; a later :root wins
        old = target.read_text(encoding="utf-8")
        target.write_text(payload + "\n" + old if payload.startswith("@") else old + "\n" + payload, encoding="utf-8")
    else:
        text = target.read_text(encoding="utf-8")
        target.write_text(text.replace("</section>", payload + "\n</section>", 1) if "</section>" in text
                          else text.replace("<table", payload + "\n<table", 1), encoding="utf-8")
    before = digests(out)
    start = time.monotonic()
    proc = run("build", str(ROOT / "plans" / "2021-logistics.yaml"), "--templates", str(templates),
               "--out", str(out), "--format", "docx,pdf", timeout=TIME_LIMIT * 2)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1, proc.stderr
    assert time.monotonic() - start < TIME_LIMIT
    assert digests(out) == before
    message = proc.stderr.splitlines()[0]
    assert message.startswith(str(ROOT / "plans" / "2021-logistics.yaml") + ": "), message
    assert where in message and expected in message, message
    assert "/etc/passwd" not in proc.stdout and "root:x:0:0" not in proc.stderr


def test_corrupt_reference_docx(tmp_path, out):
    templates = tmp_path / "templates"
    shutil.copytree(BUILTIN_TEMPLATES, templates)
    (templates / "reference.docx").write_bytes(os.urandom(4096))
    before = digests(out)
    proc = run("build", str(ROOT / "plans" / "2021-logistics.yaml"), "--templates", str(templates),
               "--out", str(out), "--format", "docx")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "reference.docx: not a usable reference .docx" in proc.stderr.splitlines()[0]
    assert digests(out) == before


def test_oversized_reference_docx(tmp_path, out):
    templates = tmp_path / "templates"
    shutil.copytree(BUILTIN_TEMPLATES, templates)
    with open(templates / "reference.docx", "ab") as handle:
        handle.truncate(25_000_000)
    proc = run("build", str(ROOT / "plans" / "2021-logistics.yaml"), "--templates", str(templates),
               "--out", str(out), "--format", "docx")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "reference document is larger than" in proc.stderr


def test_missing_template_folder_is_a_usage_error(tmp_path):
    proc = run("build", str(ROOT / "plans" / "2021-logistics.yaml"), "--templates", str(tmp_path / "nope"), "--out", str(tmp_path))
    assert proc.returncode == 1 and "template folder not found" in proc.stderr and "Traceback" not in proc.stderr


# --- writing --------------------------------------------------------------------------------

def test_read_only_output_folder(tmp_path):
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(out, os.W_OK):  # root writes anywhere: use a folder nobody can write in
            out = Path("/proc/plangen-read-only/output")
        proc = run("build", str(ROOT / "plans" / "2025-it-services.yaml"), "--out", str(out), "--format", "docx")
        assert proc.returncode == 1 and "Traceback" not in proc.stderr
        assert proc.stderr.startswith(f"{ROOT / 'plans' / '2025-it-services.yaml'}: cannot write {out}"), proc.stderr
    finally:
        (tmp_path / "ro").chmod(stat.S_IRWXU)


def test_output_folder_that_is_a_file(tmp_path):
    out = tmp_path / "file"
    out.write_text("x")
    proc = run("build", str(ROOT / "plans" / "2025-it-services.yaml"), "--out", str(out), "--format", "docx")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "cannot write" in proc.stderr
    assert out.read_text() == "x"


def test_full_disk_is_a_clear_error(tmp_path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    import plangen.build.write as w
    from plangen.build.write import atomic_write
    from plangen.errors import RenderError
    real = w.tempfile.mkstemp

    def full_mkstemp(prefix, suffix, dir):  # a temp file on a device that is always full
        fd = os.open("/dev/full", os.O_WRONLY)
        name = Path(dir) / f"{prefix}full{suffix}"
        name.write_bytes(b"")
        return fd, str(name)
    w.tempfile.mkstemp = full_mkstemp
    try:
        with pytest.raises(RenderError, match="No space left on device"):
            atomic_write(tmp_path / "x.pdf", b"data")
    finally:
        w.tempfile.mkstemp = real
    assert not (tmp_path / "x.pdf").exists()
    assert not list(tmp_path.glob("*.tmp"))


def test_units_whose_names_fold_together(tmp_path, out):
    plan = tmp_path / "plan.yaml"
    plan.write_text(MINIMAL.replace("  - id: a\n", "  - id: Ab\n").replace("  - id: b\n", "  - id: aB\n"), encoding="utf-8")
    before = digests(out)
    proc = run("build", str(plan), "--per-unit", "--out", str(out), "--format", "docx")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "units[1].id: unit id 'aB' differs from 'Ab' only in case" in proc.stderr  # check says so, before any build
    assert digests(out) == before


def test_reserved_unit_name_is_written_safely(tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text(MINIMAL.replace("  - id: a\n", "  - id: con\n"), encoding="utf-8")
    proc = run("build", str(plan), "--per-unit", "--out", str(tmp_path / "o"), "--format", "html", "-q")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "o" / "plan" / "_con.html").exists()


def test_check_survives_every_hostile_plan_in_one_run(tmp_path):
    """All hostile plans given to one `plangen check`: one process, each file reported with its
    message (a bad file does not stop the others), exit 1, no traceback, bounded time."""
    paths = []
    for name, data, _expected, _line in PLAN_CASES:
        paths.append(tmp_path / f"{name}.yaml")
        paths[-1].write_bytes(data)
    start = time.monotonic()
    proc = run("check", *map(str, paths), timeout=TIME_LIMIT * 2)
    assert time.monotonic() - start < TIME_LIMIT
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.splitlines()
    unreported = [name for path, (name, _d, expected, _l) in zip(paths, PLAN_CASES)
                  if not any(line.startswith(f"{path}:") and expected in line for line in lines)]
    assert unreported == [], proc.stderr


def test_hostile_corpus_is_large_enough():
    assert len(PLAN_CASES) + len(LITERAL_TEXTS) + len(TEMPLATE_CASES) + 7 >= 40


# --- round two (issue 16): what a second attack got through -----------------------------------

def run_bounded(*args: str, cwd: Path = ROOT, memory_mb: int = 2048, timeout: float = 90, env: dict | None = None,
                **kw) -> subprocess.CompletedProcess:
    """The command line in a fresh process with an address-space limit, so that a regression
    (reading /dev/zero, a zip bomb) fails the test instead of the machine."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024 ** 2, memory_mb * 1024 ** 2))
    full_env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "plangen", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=full_env, preexec_fn=limit, **kw)


def no_internal_error(proc) -> None:
    text = proc.stderr + proc.stdout
    assert "Traceback" not in text and "internal error" not in text, text


def templates_copy(tmp_path: Path) -> Path:
    templates = tmp_path / "templates"
    shutil.copytree(BUILTIN_TEMPLATES, templates)
    return templates


# 1. devices, FIFOs and sockets are refused by name, before a byte is read

@pytest.mark.parametrize("device,kind", [("/dev/zero", "character device"), ("/dev/urandom", "character device")])
def test_plan_linked_to_a_device_is_refused(tmp_path, out, device, kind):
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "plan.yaml").symlink_to(device)
    before = digests(out)
    for args in (["check"], ["build", "--out", str(out), "--format", "html"]):  # the default glob plans/*.yaml
        proc = run_bounded(*args, cwd=tmp_path, memory_mb=1024, timeout=60)
        no_internal_error(proc)
        assert proc.returncode == 1, proc.stderr
        assert proc.stderr.startswith("plans/plan.yaml: "), proc.stderr
        assert "outside" in proc.stderr.splitlines()[0] or kind in proc.stderr
    assert digests(out) == before


def test_device_inside_the_plan_folder_is_named(tmp_path):
    plan = tmp_path / "fifo.yaml"
    os.mkfifo(plan)  # nobody writes: reading it would block forever
    proc = run_bounded("check", str(plan), timeout=30)
    assert proc.returncode == 1 and f"{plan}: is a FIFO (named pipe), not a regular file" in proc.stderr, proc.stderr
    sock_path = tmp_path / "sock.yaml"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        proc = run_bounded("check", str(sock_path), timeout=30)
    assert proc.returncode == 1 and f"{sock_path}: is a socket, not a regular file" in proc.stderr, proc.stderr


def test_fifo_and_device_in_a_template_folder(tmp_path, out):
    templates = templates_copy(tmp_path)
    (templates / "reference.docx").unlink()
    (templates / "reference.docx").symlink_to("/dev/zero")
    proc = run_bounded("build", str(SEED_PLAN), "--templates", str(templates), "--out", str(out), "--format", "docx",
                       "--timeout", "30", memory_mb=2048, timeout=90)
    no_internal_error(proc)
    assert proc.returncode == 1 and "reference.docx: is a link to /dev/zero, outside" in proc.stderr, proc.stderr
    (templates / "reference.docx").unlink()
    os.mkfifo(templates / "reference.docx")
    proc = run_bounded("build", str(SEED_PLAN), "--templates", str(templates), "--out", str(out), "--format", "docx",
                       "--force", timeout=90)
    assert proc.returncode == 1 and "reference.docx: is a FIFO (named pipe), not a regular file" in proc.stderr, proc.stderr


# 2. zip parts are capped by what they expand to; parts the output does not need are not copied

def rebuilt_reference(templates: Path, extra: dict[str, bytes], rels_extra: str = "") -> None:
    """templates/reference.docx with parts replaced or added, and relationships added to _rels/.rels."""
    path = templates / "reference.docx"
    with zipfile.ZipFile(path) as src:
        parts = {name: src.read(name) for name in src.namelist()}
    parts.update(extra)
    if rels_extra:
        parts["_rels/.rels"] = parts["_rels/.rels"].replace(b"</Relationships>", rels_extra.encode() + b"</Relationships>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for name, data in parts.items():
            dst.writestr(name, data)


def test_zip_bomb_part_the_output_does_not_need_is_not_copied(tmp_path, out):
    templates = templates_copy(tmp_path)
    rel = ('<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'custom-properties" Target="docProps/bomb.xml"/>')
    rebuilt_reference(templates, {"docProps/bomb.xml": b"\0" * 300_000_000}, rel)
    assert (templates / "reference.docx").stat().st_size < 2_000_000
    proc = run_bounded("build", str(SEED_PLAN), "--templates", str(templates), "--out", str(out), "--format", "docx",
                       "-j", "1", memory_mb=1500, timeout=120)
    no_internal_error(proc)
    assert proc.returncode == 0, proc.stderr
    built = out / "2021-logistics.docx"
    assert built.stat().st_size < 200_000
    with zipfile.ZipFile(built) as docx_zip:
        assert "docProps/bomb.xml" not in docx_zip.namelist()
        assert "bomb" not in docx_zip.read("_rels/.rels").decode()


def test_zip_bomb_part_the_output_needs_is_refused(tmp_path, out):
    templates = templates_copy(tmp_path)
    with zipfile.ZipFile(templates / "reference.docx") as src:
        styles = src.read("word/styles.xml")
    padded = styles.replace(b"<w:docDefaults>", b"<w:docDefaults>" + b" " * 30_000_000, 1)  # valid XML, 30 MB
    rebuilt_reference(templates, {"word/styles.xml": padded})
    before = digests(out)
    proc = run_bounded("build", str(SEED_PLAN), "--templates", str(templates), "--out", str(out), "--format", "docx",
                       memory_mb=1500, timeout=120)
    no_internal_error(proc)
    assert proc.returncode == 1, proc.stderr
    assert "reference.docx: not a usable reference .docx: part word/styles.xml expands to more than" in proc.stderr
    assert digests(out) == before


def test_memory_limit_holds_for_a_single_document(tmp_path, out):
    """One document renders in a worker with the address-space limit (here lowered to 700 MB)."""
    templates = templates_copy(tmp_path)
    cover = templates / "cover.html.j2"
    cover.write_text(cover.read_text(encoding="utf-8") + "{{ ('x' * 900000000) | length }}\n", encoding="utf-8")
    proc = run_bounded("build", str(SEED_PLAN), "--templates", str(templates), "--out", str(out), "--format", "html",
                       "-j", "1", memory_mb=2500, env={"PLANGEN_WORKER_MEMORY_MB": "700"}, timeout=120)
    no_internal_error(proc)
    assert proc.returncode == 1, proc.stderr
    assert "ran out of memory" in proc.stderr


# 3. links in a template folder may not leave it

@pytest.mark.parametrize("case", ["file-link", "folder-link", "css-link", "wording-link"])
def test_template_links_out_of_the_folder(tmp_path, out, case):
    templates = templates_copy(tmp_path)
    fmt = "html"
    if case == "file-link":
        (templates / "evil.txt").symlink_to("/etc/passwd")
        payload, named = '{% include "evil.txt" %}', "evil.txt"
    elif case == "folder-link":
        (templates / "sub").symlink_to("/etc")
        payload, named = '{% include "sub/passwd" %}', "sub/passwd"
    else:
        named = "plan.css" if case == "css-link" else "strings/zh.yaml"
        (templates / named).unlink()
        (templates / named).symlink_to("/etc/passwd")
        payload = ""
    if payload:
        cover = templates / "cover.html.j2"
        cover.write_text(cover.read_text(encoding="utf-8") + payload + "\n", encoding="utf-8")
    proc = run_bounded("build", str(SEED_PLAN), "--templates", str(templates), "--out", str(out), "--format", fmt)
    no_internal_error(proc)
    assert proc.returncode == 1, proc.stderr
    assert f"{templates / named}: is a link to /etc" in proc.stderr and "outside" in proc.stderr, proc.stderr
    assert "root:" not in proc.stderr and not (out / "2021-logistics.html").exists()


def test_link_inside_the_template_folder_is_fine(tmp_path, out):
    templates = templates_copy(tmp_path)
    (templates / "plan.css").rename(templates / "house.css")
    (templates / "plan.css").symlink_to("house.css")
    proc = run_bounded("build", str(SEED_PLAN), "--templates", str(templates), "--out", str(out), "--format", "html")
    assert proc.returncode == 0, proc.stderr


# 4. output names: distinct and readable, or an error naming both plans before anything is written

def test_chinese_plan_names_keep_their_characters(tmp_path, out):
    for name in ("计划.yaml", "方案.yaml"):
        (tmp_path / name).write_text(MINIMAL, encoding="utf-8")
    proc = run_bounded("build", "计划.yaml", "方案.yaml", "--out", str(out), "--format", "html", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (out / "计划.html").is_file() and (out / "方案.html").is_file()
    assert "2 file(s) written" in proc.stderr


@pytest.mark.parametrize("names", [("a/plan.yaml", "b/plan.yaml"), ("a b.yaml", "a-b.yaml"), ("Plan.yaml", "plan.yaml")])
def test_colliding_output_names_are_an_error(tmp_path, out, names):
    for name in names:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(MINIMAL, encoding="utf-8")
    if names[0] == "Plan.yaml" and len(list(tmp_path.glob("*.yaml"))) < 2:
        pytest.skip("case-insensitive file system")
    before = digests(out)
    proc = run_bounded("build", *names, "--out", str(out), "--format", "html", cwd=tmp_path)
    no_internal_error(proc)
    assert proc.returncode == 1, proc.stderr
    first = proc.stderr.splitlines()[0]
    assert first.startswith(f"{names[1]}: ") and names[0] in first and "same output name" in first, proc.stderr
    assert digests(out) == before


# 5. workers die with their parent and never keep its pipes open

@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc to find the workers")
def test_kill_9_of_a_parallel_build_leaves_no_process_holding_the_pipes(tmp_path):
    plans = [ROOT / "plans" / "2021-logistics.yaml", ROOT / "plans" / "2022-logistics.yaml"]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "plangen", "build", *map(str, plans), "-j", "2", "--format", "pdf",
                             "--out", str(tmp_path / "out")], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env)
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(seen) < 3:  # two workers and the resource tracker
            seen |= children(proc.pid)
            time.sleep(0.1)
        assert len(seen) >= 2, "the build started no worker processes"
        os.kill(proc.pid, signal.SIGKILL)
        try:
            proc.communicate(timeout=20)  # returns once nobody holds the pipes
        except subprocess.TimeoutExpired:
            pytest.fail(f"processes still hold the pipes 20 s after kill -9: {sorted(alive(seen))}")
        time.sleep(1)
        assert not alive(seen), f"still running after kill -9 of their parent: {sorted(alive(seen))}"
    finally:
        for pid in alive(seen | {proc.pid}):
            os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=10)


def children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            found |= {int(x) for x in task.read_text().split()}
    return found


def alive(pids: set[int]) -> set[int]:
    living = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.add(pid)
    return living



def test_timeout_is_per_document_and_kills_only_that_worker(tmp_path, out):
    """--timeout bounds each document: a template that never ends for one plan stops that
    document after the limit (its worker killed and replaced); the plans before and after it
    still build, and nothing of the slow one is written."""
    templates = templates_copy(tmp_path)
    cover = templates / "cover.html.j2"
    endless = "{% if doc.title == '慢' %}{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}{% endif %}"
    cover.write_text(cover.read_text(encoding="utf-8") + endless + "\n", encoding="utf-8")
    for name, title in (("a.yaml", "快一"), ("b.yaml", "慢"), ("c.yaml", "快二")):
        (tmp_path / name).write_text(with_title(title), encoding="utf-8")
    started = time.monotonic()
    proc = run_bounded("build", "a.yaml", "b.yaml", "c.yaml", "--templates", str(templates), "--out", str(out),
                       "--format", "html", "-j", "1", "--timeout", "8", cwd=tmp_path, timeout=90)
    no_internal_error(proc)
    assert proc.returncode == 1, proc.stderr
    # 8 s: a fresh worker's short document stays under it on a loaded machine (3 s did not)
    assert "b.yaml: html: took longer than 8 s (--timeout)" in proc.stderr.splitlines(), proc.stderr
    assert (out / "a.html").is_file() and (out / "c.html").is_file() and not (out / "b.html").exists()
    assert "2 file(s) written" in proc.stderr and not list(out.glob(".plangen-*.tmp"))
    assert time.monotonic() - started < 60  # the limit, not the endless loop, ended the build

# 6. numbers are finite and bounded: what `check` accepts, `build` and `targets` can print

@pytest.mark.parametrize("quantity,expected", [
    ("1e309", "must be at most 1 000 000 000 000"),
    ("1e308", "must be at most 1 000 000 000 000"),
    ("1e-400", "a non-zero number must be at least 0.000001"),
    ("-0.5", "must be >= 0"),
])
def test_numbers_out_of_bounds(tmp_path, quantity, expected):
    plan = tmp_path / "plan.yaml"
    plan.write_text(with_quantity(quantity), encoding="utf-8")
    for args in (["check", str(plan)], ["targets", str(plan), "--format", "json"]):
        proc = run_bounded(*args)
        no_internal_error(proc)
        assert proc.returncode == 1, proc.stderr
        assert proc.stderr.startswith(f"{plan}:20:23: sections[0].items[0].targets[0].quantity: {expected}"), proc.stderr
        assert "Infinity" not in proc.stdout and "inf" not in proc.stdout


def test_largest_numbers_give_valid_json_totals(tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text(with_quantity("1e12"), encoding="utf-8")
    proc = run_bounded("targets", str(plan), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    json.loads(proc.stdout, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))
    assert "2000000000000" in proc.stdout.replace(",", "").replace(" ", "") or "2e+12" in proc.stdout


def test_schema_states_the_bounds():
    from plangen.source.schema import plan_schema
    target = plan_schema()["definitions"]["Target"]["properties"]["quantity"]
    assert target["minimum"] == 0 and target["maximum"] == 10 ** 12


# 7. and 9. metadata lengths: `check` refuses what `build` could not write

@pytest.mark.parametrize("field,value,expected", [
    ("title", "长" * 300, "document.title: title and subtitle together are too long (300 characters; at most 255)"),
    ("title", "长" * 100_000, "document.title: title and subtitle together are too long (100000 characters"),
    ("organization", "校" * 256, "document.organization: too long (256 characters; at most 120)"),
    ("number", "N" * 256, "document.number: too long (256 characters; at most 64)"),
    ("kind", "类" * 250, "document.kind: too long (250 characters; at most 60)"),
])
def test_metadata_too_long(tmp_path, out, field, value, expected):
    plan = tmp_path / "plan.yaml"
    old = {"title": "  title: 测试计划", "organization": "  organization: 测试学校", "number": "  number: T-1",
           "kind": "  year: 2021"}[field]
    plan.write_text(MINIMAL.replace(old, f"  {field}: {value}" + ("\n" + old if field == "kind" else "")), encoding="utf-8")
    for args in (["check", str(plan)], ["build", str(plan), "--out", str(out), "--format", "docx"]):
        proc = run_bounded(*args)
        no_internal_error(proc)
        assert proc.returncode == 1, proc.stderr
        assert expected in proc.stderr.splitlines()[0], proc.stderr
        assert len(proc.stderr) < 2000  # not the 100k title back


# 8. and 9. and 10. wording from a template folder is data: checked, located, bounded

WORDING_CASES = [
    ("huge-width", "kind_format: （{kind:>999999999}）", "kind_format: placeholder {kind} may not have a format or conversion"),
    ("width-1e20", "kind_format: （{kind:>100000000000000000000}）", "may not have a format or conversion"),
    ("unknown-key", "kind_format: （{nope}）", "kind_format: unknown placeholder {nope} (allowed: {kind})"),
    ("lone-brace", "kind_format: （{kind", "kind_format: bad placeholder"),
    ("attribute", "recipient: 分送：{unit.__class__}", "recipient: unknown placeholder {unit.__class__}"),
]


@pytest.mark.parametrize("name,line,expected", WORDING_CASES, ids=[c[0] for c in WORDING_CASES])
def test_hostile_wording(tmp_path, out, name, line, expected):
    templates = templates_copy(tmp_path)
    wording = templates / "strings" / "zh.yaml"
    key = line.split(":")[0]
    text = wording.read_text(encoding="utf-8")
    lines = text.splitlines()
    number = next(i for i, l in enumerate(lines, 1) if l.startswith(key + ":"))
    wording.write_text(text.replace(lines[number - 1], line), encoding="utf-8")
    before = digests(out)
    proc = run_bounded("build", str(SEED_PLAN), "--templates", str(templates), "--out", str(out), "--format", "docx,html",
                       memory_mb=1024)
    no_internal_error(proc)
    assert proc.returncode == 1, proc.stderr
    first = proc.stderr.splitlines()[0]
    assert first.startswith(f"{wording}:{number}:"), first
    assert expected in first, first
    assert digests(out) == before


def test_wording_with_a_missing_name_uses_the_built_in_one(tmp_path, out):
    templates = templates_copy(tmp_path)
    wording = templates / "strings" / "zh.yaml"
    wording.write_text("\n".join(l.replace("分送", "抄送") for l in wording.read_text(encoding="utf-8").splitlines()
                                 if not l.startswith("kind_format:")) + "\n", encoding="utf-8")
    proc = run_bounded("build", str(SEED_PLAN), "--templates", str(templates), "--out", str(out), "--format", "html",
                       "--per-unit")
    no_internal_error(proc)
    assert proc.returncode == 0, proc.stderr
    html = next(out.glob("2021-logistics/*.html")).read_text(encoding="utf-8")
    assert "（工作计划）" in html and "抄送" in html


def test_wording_that_is_a_list_says_so(tmp_path, out):
    templates = templates_copy(tmp_path)
    wording = templates / "strings" / "zh.yaml"
    wording.write_text("- a\n- b\n", encoding="utf-8")
    proc = run_bounded("build", str(SEED_PLAN), "--templates", str(templates), "--out", str(out), "--format", "html")
    no_internal_error(proc)
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[0] == f"{wording}:1:1: wording must be a mapping of key: text"


# 9. templates that overflow or recurse get a located template error

TEMPLATE_ERRORS = [
    ("huge-range", "{% for i in range(10**9) %}{% endfor %}", "cover.html.j2:", "template error"),
    ("self-include", '{% include "cover.html.j2" %}', "cover.html.j2:", "template error"),
    ("recursive-macro", "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "cover.html.j2:", "template error"),
    ("division-by-zero", "{{ 1 // 0 }}", "cover.html.j2:", "template error"),
]


@pytest.mark.parametrize("name,payload,where,expected", TEMPLATE_ERRORS, ids=[c[0] for c in TEMPLATE_ERRORS])
def test_template_overflow_and_recursion(tmp_path, out, name, payload, where, expected):
    templates = templates_copy(tmp_path)
    cover = templates / "cover.html.j2"
    cover.write_text(cover.read_text(encoding="utf-8") + payload + "\n", encoding="utf-8")
    proc = run_bounded("build", str(SEED_PLAN), "--templates", str(templates), "--out", str(out), "--format", "html",
                       memory_mb=2048)
    no_internal_error(proc)
    assert proc.returncode == 1, proc.stderr
    first = proc.stderr.splitlines()[0]
    assert where in first and expected in first, first


@pytest.mark.parametrize("command", ["diff", "redline"])
def test_git_path_outside_the_repository(tmp_path, command):
    extra = ["-o", str(tmp_path / "r.docx")] if command == "redline" else []
    proc = run_bounded(command, "HEAD:/etc/passwd", str(SEED_PLAN), *extra)
    no_internal_error(proc)
    assert proc.returncode in (1, 2), proc.stderr
    assert "HEAD:/etc/passwd: the path is outside the git repository" in proc.stderr.splitlines()[0], proc.stderr
    assert not (tmp_path / "r.docx").exists()


@pytest.mark.parametrize("manifest", [
    '{"version": 1, "outputs": {}, "plans": {"PLAN": "x"}}',
    '{"version": 1, "outputs": {}, "plans": {"PLAN": {"key": "k", "outputs": "x"}}}',
    '{"version": 1, "outputs": NaN, "plans": {}}',
    '{"version": 1, "outputs": {"2021-logistics.html": 5}, "plans": {"x": {"key": 1, "outputs": []}}}',
    '[1, 2]',
])
def test_malformed_manifest_means_rebuild(tmp_path, manifest):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".plangen-manifest.json").write_text(manifest.replace("PLAN", str(SEED_PLAN)), encoding="utf-8")
    proc = run_bounded("build", str(SEED_PLAN), "--out", str(out), "--format", "html")
    no_internal_error(proc)
    assert proc.returncode == 0, proc.stderr
    assert (out / "2021-logistics.html").is_file()
    json.loads((out / ".plangen-manifest.json").read_text(encoding="utf-8"))


def test_manifest_linked_to_a_device_is_not_read(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".plangen-manifest.json").symlink_to("/dev/zero")
    proc = run_bounded("build", str(SEED_PLAN), "--out", str(out), "--format", "html", memory_mb=1024, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert not (out / ".plangen-manifest.json").is_symlink()


# 11. and 9. smaller things

@pytest.mark.parametrize("value", ["inf", "nan", "-1", "0", "1e400"])
def test_timeout_must_be_a_positive_finite_number(tmp_path, value):
    proc = run_bounded("build", str(SEED_PLAN), "--out", str(tmp_path), "--format", "html", "--timeout", value)
    no_internal_error(proc)
    assert proc.returncode == 2, proc.stderr
    assert "argument --timeout: must be a finite number of seconds above 0" in proc.stderr, proc.stderr
    assert not list(tmp_path.iterdir())


def test_a_huge_finite_timeout_is_no_limit_not_a_crash(tmp_path):
    proc = run_bounded("build", str(SEED_PLAN), "--out", str(tmp_path), "--format", "html", "--timeout", "1e300")
    no_internal_error(proc)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "2021-logistics.html").is_file()


def test_unit_id_error_in_words(tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text(MINIMAL.replace("  - id: b\n", "  - id: b/c\n"), encoding="utf-8")
    proc = run_bounded("check", str(plan))
    assert proc.returncode == 1
    first = proc.stderr.splitlines()[0]
    assert first.startswith(f"{plan}:10:9: units[1].id: an id is made of letters, digits") and "^" not in first, first


def test_empty_revision_is_named_as_such(tmp_path):
    proc = run_bounded("diff", ":plans/2021-logistics.yaml", str(SEED_PLAN))
    no_internal_error(proc)
    assert proc.returncode == 2 and "give a revision before the colon" in proc.stderr, proc.stderr


def test_full_disk_writes_no_partial_output_set(tmp_path):
    """The .docx fits, the PDF does not (a file-size limit stands in for a full disk): neither is
    written, an earlier set stays whole, and the summary says so."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "2021-logistics.docx").write_bytes(b"old docx")

    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (120_000, 120_000))  # the .docx is ~27 KB, the PDF ~530 KB
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run([sys.executable, "-m", "plangen", "build", str(SEED_PLAN), "--out", str(out), "--format",
                           "docx,pdf"], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env,
                          preexec_fn=small_files)
    no_internal_error(proc)
    assert proc.returncode == 1, proc.stderr
    assert "File too large" in proc.stderr
    assert (out / "2021-logistics.docx").read_bytes() == b"old docx"
    assert not (out / "2021-logistics.pdf").exists()
    assert "0 file(s) written" in proc.stderr
    assert not list(out.glob(".plangen-*.tmp"))


def test_output_set_is_all_or_nothing(tmp_path):
    """A second file that cannot be written leaves the first one as it was (11.)."""
    from plangen.build.write import atomic_write_set
    from plangen.errors import RenderError
    (tmp_path / "a.docx").write_bytes(b"old docx")
    (tmp_path / "sub").write_text("a file where a folder should be")
    with pytest.raises(RenderError, match="cannot write"):
        atomic_write_set([(tmp_path / "a.docx", b"new docx"), (tmp_path / "sub" / "a.pdf", b"pdf")])
    assert (tmp_path / "a.docx").read_bytes() == b"old docx"
    (tmp_path / "b.pdf").mkdir()  # the rename of the second file fails: the first is put back
    (tmp_path / "b.pdf" / "x").write_text("x")
    with pytest.raises(RenderError, match="cannot write"):
        atomic_write_set([(tmp_path / "a.docx", b"new docx"), (tmp_path / "b.pdf", b"pdf")])
    assert (tmp_path / "a.docx").read_bytes() == b"old docx"
    assert not list(tmp_path.glob(".plangen-*"))
