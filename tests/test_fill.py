"""``plangen fill``: values into a rendered plan's PDF fields and .docx content controls,
one copy per CSV row; a bad values file is one line naming the row and writes nothing."""
from __future__ import annotations

import zipfile

import pytest
from pypdf import PdfReader

from conftest import ENGLISH, SEED, no_traceback, run

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_controls(path) -> dict[str, str]:
    from lxml import etree
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    out = {}
    for sdt in root.iter(f"{W}sdt"):
        tag = sdt.find(f"{W}sdtPr/{W}tag")
        if tag is not None:
            out[tag.get(f"{W}val")] = "".join(t.text or "" for t in sdt.iter(f"{W}t"))
    return out


def test_field_names_are_keys_and_labels_are_tooltips(built):
    fields = PdfReader(built / f"{SEED.stem}.pdf").get_fields()
    assert {n: str(f["/TU"]) for n, f in fields.items()} == {"department": "部门", "name": "姓名", "date": "日期"}
    date = PdfReader(built / f"{SEED.stem}.pdf").pages[0]["/Annots"][2].get_object()
    assert "AFDate_FormatEx" in date["/AA"]["/F"]["/JS"]
    assert "/NeedAppearances" not in PdfReader(built / f"{SEED.stem}.pdf").trailer["/Root"]["/AcroForm"]


def test_prefilled_value_is_a_field_with_its_appearance(built):
    reader = PdfReader(built / f"{ENGLISH.stem}.pdf")
    widget = next(a.get_object() for a in reader.pages[0]["/Annots"] if a.get_object()["/T"] == "department")
    assert widget["/V"] == "IT Services"
    font = widget["/AP"]["/N"]["/Resources"]["/Font"]["/PlangenValue"]
    assert "/FontFile2" in font["/DescendantFonts"][0]["/FontDescriptor"] and "/ToUnicode" in font
    assert docx_controls(built / f"{ENGLISH.stem}.docx")["department"] == "IT Services"


def test_fill_sets_values_by_label_or_key_as_utf16(built, tmp_path):
    out = tmp_path / "filled.pdf"
    proc = run("fill", str(built / f"{SEED.stem}.pdf"), "--set", "部门=后勤处（总务科）", "--set", "name=张三丰", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    fields = PdfReader(out).get_fields()
    assert fields["department"]["/V"] == "后勤处（总务科）" and fields["name"]["/V"] == "张三丰"
    assert fields["date"].get("/V") is None
    assert fields["name"]["/V"].get_original_bytes() == "\ufeff张三丰".encode("utf-16-be")  # stored as UTF-16


def test_fill_docx_keeps_the_controls(built, tmp_path):
    out = tmp_path / "filled.docx"
    proc = run("fill", str(built / f"{SEED.stem}.docx"), "--set", "姓名=张三丰", "--set", "date=2021年3月1日", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    controls = docx_controls(out)
    assert controls["name"] == "张三丰" and controls["date"] == "2021年3月1日"
    assert controls["department"] == "\u3000" * 12  # untouched blank
    flat = tmp_path / "flat.docx"
    assert run("fill", str(out), "--flatten", "-o", str(flat)).returncode == 0
    assert docx_controls(flat) == {}
    with zipfile.ZipFile(flat) as z:
        assert "张三丰" in z.read("word/document.xml").decode()


def test_fill_from_csv_writes_a_pdf_and_a_docx_per_row(built, tmp_path):
    values = tmp_path / "values.csv"
    values.write_text("file,部门,姓名,date\nzhang,后勤处,张三丰,2021年3月1日\nli,教务处,李雷,2021年3月2日\n", encoding="utf-8-sig")
    out = tmp_path / "out"
    proc = run("fill", str(built / f"{SEED.stem}.pdf"), str(built / f"{SEED.stem}.docx"), "--from", str(values), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["li.docx", "li.pdf", "zhang.docx", "zhang.pdf"]
    assert PdfReader(out / "li.pdf").get_fields()["name"]["/V"] == "李雷"
    assert docx_controls(out / "zhang.docx")["department"] == "后勤处"


@pytest.mark.parametrize("content, message", [
    ("file,部门,职务\na,后勤处,科长\n", "values.csv:1: 职务: no such field"),
    ("file,部门\n", "values.csv:2: no rows"),
    ("name,部门\nzhang,后勤处\n", "values.csv:1: file: missing column"),
    ("file,部门\na,后勤处\nb\n", "values.csv:3: 1 cell(s), the header has 2"),
    ("file,部门\na,后勤处\na,教务处\n", "values.csv:3: file: 'a' again"),
    ("file,部门\n../x,后勤处\n", "values.csv:2: file: not a usable file name"),
    ("file,日期\na,2027-02-30\n", "values.csv:2: 日期: 2027-02-30 is not a date: February 2027 has 28 days"),
    ("file,部门\na,后勤处\nb,".encode() + "教务处".encode("gbk") + b"\n", "values.csv:3: not UTF-8"),
])
def test_bad_csv_is_one_line_and_writes_nothing(built, tmp_path, content, message):
    values = tmp_path / "values.csv"
    values.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    out = tmp_path / "out"
    proc = run("fill", str(built / f"{SEED.stem}.pdf"), "--from", str(values), "-o", str(out))
    no_traceback(proc)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(str(values)) and message.split(":", 1)[1] in lines[0], proc.stderr
    assert not out.exists()


def test_fill_usage_errors(built, tmp_path):
    pdf = str(built / f"{SEED.stem}.pdf")
    proc = run("fill", pdf, "--set", "nope", "-o", str(tmp_path / "x.pdf"))
    assert proc.returncode == 2 and "FIELD=VALUE" in proc.stderr
    proc = run("fill", pdf, "--set", "职务=x", "-o", str(tmp_path / "x.pdf"))
    assert proc.returncode == 1 and "职务: no such field (fields: department (部门)" in proc.stderr
    proc = run("fill", pdf, "--set", "日期=2021-02-30", "-o", str(tmp_path / "x.pdf"))
    assert proc.returncode == 1 and "日期: 2021-02-30 is not a date: February 2021 has 28 days" in proc.stderr
    assert not (tmp_path / "x.pdf").exists()
    proc = run("fill", pdf, "--set", "姓名=x", "-o", str(tmp_path / "x.docx"))
    assert proc.returncode == 2 and not (tmp_path / "x.docx").exists()


def test_field_names_for_other_labels(tmp_path):
    from conftest import ROOT
    from docs import outline_of
    text = (ROOT / "tests" / "data" / "minimal.yaml").read_text(encoding="utf-8")
    plan = tmp_path / "p.yaml"
    plan.write_text(text.replace("  organization: 测试学校\n", "  organization: 测试学校\n  fields:\n"
                                 "    - {label: 部门}\n    - {label: 联系电话}\n    - {label: Room No.}\n"
                                 "    - {label: 'Room no'}\n    - {label: '——'}\n"), encoding="utf-8")
    assert [f.name for f in outline_of(plan).cover.fields] == ["department", "联系电话", "room-no", "room-no-4", "field5"]


def test_a_value_shrunk_below_a_readable_size_is_warned_about(built, tmp_path):
    """A value too long for its line is drawn smaller to fit; below 7 pt (a 60-character
    department is 3.6 pt) the fill still succeeds, with a warning naming the field."""
    pdf = built / f"{SEED.stem}.pdf"
    long = "后勤处" * 20
    proc = run("fill", str(pdf), "--set", f"部门={long}", "--set", "姓名=张三丰", "--flatten", "-o", str(tmp_path / "a.pdf"))
    assert proc.returncode == 0, proc.stderr
    warning, wrote = proc.stderr.splitlines()
    assert warning.startswith(f"{pdf}: warning: department: the value is too long for its line: drawn at ")
    assert warning.endswith(" pt instead of 14 pt (under 7 pt is hard to read); shorten it")
    assert float(warning.split("drawn at ")[1].split(" pt")[0]) < 7 and wrote.startswith("wrote 1 file")
    ok = run("fill", str(pdf), "--set", "部门=后勤处（总务科）", "-o", str(tmp_path / "b.pdf"))
    assert ok.returncode == 0 and "warning" not in ok.stderr
    values = tmp_path / "values.csv"
    values.write_text(f"file,部门\nzhang,后勤处\nli,{long}\n", encoding="utf-8")
    rows = run("fill", str(pdf), "--from", str(values), "-o", str(tmp_path / "out"))
    assert rows.returncode == 0 and rows.stderr.splitlines()[0].startswith(f"{values}:3: warning: department: the value is too long")


def test_filling_a_flattened_copy_says_it_was_flattened(built, tmp_path):
    for suffix, why in ((".pdf", "no fields to fill: this copy was flattened (fill --flatten); fill the copy plangen "
                                 "built, or one filled without --flatten"),
                        (".docx", "no fields to fill: the copy was flattened (fill --flatten) or has no cover form; "
                                  "fill the copy plangen built")):
        flat = tmp_path / f"flat{suffix}"
        assert run("fill", str(built / f"{SEED.stem}{suffix}"), "--set", "姓名=张三丰", "--flatten", "-o", str(flat)).returncode == 0
        proc = run("fill", str(flat), "--set", "姓名=李雷", "-o", str(tmp_path / f"again{suffix}"))
        no_traceback(proc)
        assert proc.returncode == 1 and proc.stderr.splitlines() == [f"{flat}: {why}"]
