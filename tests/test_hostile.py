"""Hostile input: bad plans and templates get a one-line error naming the file (and line),
exit 1 (2 for usage), no traceback, bounded time, and an output folder left as it was."""
from __future__ import annotations

import os
import re
import shutil
import stat
import time
from pathlib import Path

import pytest

from conftest import ROOT, digests, pdftotext, requires, run, squash
from plangen.render.theme import BUILTIN_TEMPLATES

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
    ("bidi-and-emoji", "\u202e反向\u202c 😀 𠮷"),
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
    assert squash(text) in shown or name == "bidi-and-emoji"
    from pypdf import PdfReader
    reader = PdfReader(pdf)
    assert "/EmbeddedFiles" not in str(reader.trailer["/Root"].get("/Names", {}))
    assert all("/FileAttachment" not in str(a.get_object().get("/Subtype")) for p in reader.pages for a in p.get("/Annots", []) or [])
    import docx
    body = "".join(p.text for p in docx.Document(str(tmp_path / "out" / "plan.docx")).paragraphs)
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
    from plangen.errors import RenderError
    from plangen.build.write import atomic_write
    import plangen.build.write as w
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
