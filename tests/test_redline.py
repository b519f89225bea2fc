"""Redlines: NEW with OLD's changes as Word tracked changes, and as a marked-up PDF."""
from __future__ import annotations

import re
import zipfile

import docx
import pytest

import revision
from conftest import ENGLISH, NEXT, SEED, pdftotext, requires, run, soffice_convert, squash
from docs import accept_all, document_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# a row's tracked insertion or deletion: w:trPr holds cantSplit and tblHeader before it
TRACKED_ROW = r"<w:trPr>(?:<w:cantSplit/>)?(?:<w:tblHeader/>)?<w:(ins|del) "


@pytest.fixture(scope="module")
def redline(tmp_path_factory):
    out = tmp_path_factory.mktemp("redline")
    for suffix in ("docx", "pdf", "html"):
        # paths relative to the checkout, so the summary's line breaks do not depend on where it is
        proc = run("redline", "plans/2021-logistics.yaml", "plans/2022-logistics.yaml", "-o", str(out / f"changes.{suffix}"),
                   "--author", "后勤处")
        assert proc.returncode == 0, proc.stderr
    proc = run("build", str(NEXT), "--format", "docx", "--out", str(out), "-q")
    assert proc.returncode == 0, proc.stderr
    return out


def test_redline_docx_has_tracked_changes_with_author_and_date(redline):
    with zipfile.ZipFile(redline / "changes.docx") as z:
        xml = z.read("word/document.xml").decode()
    ins = re.findall(r'<w:ins w:id="\d+" w:author="([^"]+)" w:date="([^"]+)"', xml)
    dels = re.findall(r'<w:del w:id="\d+" w:author="([^"]+)" w:date="([^"]+)"', xml)
    assert len(ins) > 10 and len(dels) > 5
    assert {a for a, _ in ins + dels} == {"后勤处"}
    assert {d for _, d in ins + dels} == {"2022-02-18T00:00:00Z"}
    assert "<w:moveFrom " not in xml  # nothing moved between 2021 and 2022
    assert "<w:delText xml:space=\"preserve\">逐步</w:delText>" in xml
    assert re.search(r"<w:ins [^>]*><w:r><w:t xml:space=\"preserve\">加快</w:t>", xml)


def test_accepting_all_changes_gives_the_new_document(redline):
    red = docx.Document(str(redline / "changes.docx"))
    accept_all(red)
    new = docx.Document(str(redline / "2022-logistics.docx"))
    # Word keeps the inserted guards before tables (render.docx.xml.Revisions.guard_tables):
    # empty, unnumbered paragraphs 1 pt high, one before each item or caption inserted with its table
    guards = [p for p in red.element.body.iterchildren(f"{W}p") if _is_guard(p)]
    assert len(guards) == 2 and all(not "".join(p.itertext()) for p in guards)
    for p in guards:
        p.getparent().remove(p)
    assert document_text(red) == document_text(new)


def _is_guard(p) -> bool:
    spacing, num = p.find(f"{W}pPr/{W}spacing"), p.find(f"{W}pPr/{W}numPr/{W}numId")
    return (spacing is not None and spacing.get(f"{W}line") == "20" and spacing.get(f"{W}lineRule") == "exact"
            and num is not None and num.get(f"{W}val") == "0")


def test_rejecting_is_possible_too(redline):
    """Rejecting every change gives back the old words (the tracked runs carry them)."""
    red = docx.Document(str(redline / "changes.docx"))
    deleted = "".join(t.text for t in red.element.body.iter(f"{W}delText"))
    assert "逐步" in deleted and "争取对中学、示范和箐门老教学楼的改造维修。" in deleted
    assert "0025" in deleted


@requires("soffice")
def test_libreoffice_sees_the_tracked_changes(redline, tmp_path):
    soffice_convert([redline / "changes.docx"], "odt", tmp_path)
    with zipfile.ZipFile(tmp_path / "changes.odt") as z:
        content = z.read("content.xml").decode()
    assert "<text:tracked-changes" in content
    regions = re.findall(r"<text:changed-region ", content)
    assert len(regions) > 15
    assert "<text:deletion>" in content and "<text:insertion>" in content
    assert "后勤处" in content


@requires("pdftotext")
def test_redline_pdf_summary_and_marks(redline):
    first = squash(pdftotext(redline / "changes.pdf", "-f", "1", "-l", "1"))
    assert first.startswith("修订对照：《新学期后勤总务2021年工作计划（新编版）》（YK-JH-0025，")
    assert "《新学期后勤总务2022年工作计划（新编版）》（YK-JH-0026，" in first
    assert "插入·删除" in first and "新课桌·黄竹林小学：50→60套" in first and "新课桌·合计：250→260套" in first
    for english in ("Document", "Items", "Targets", "text:", "total", "budget", "inserted", "deleted"):
        assert english not in first
    body = squash(pdftotext(redline / "changes.pdf", "-f", "2"))
    assert "逐步加快推进" in body  # the deleted words stay visible, struck through
    html = (redline / "changes.html").read_text(encoding="utf-8")
    assert "<del>逐步</del><ins>加快</ins>" in html
    assert '<div class="h h2 ins" id=' in html  # the added goal
    assert '<span class="label"><del>2、</del></span><del>争取对中学' in html  # a removed item keeps its old label


def test_redline_of_identical_plans_has_no_changes(tmp_path):
    proc = run("redline", str(ENGLISH), str(ENGLISH), "-o", str(tmp_path / "same.docx"))
    assert proc.returncode == 0
    with zipfile.ZipFile(tmp_path / "same.docx") as z:
        xml = z.read("word/document.xml").decode()
    assert "<w:ins " not in xml and "<w:del " not in xml


def test_redline_needs_a_known_suffix(tmp_path):
    proc = run("redline", str(SEED), str(NEXT), "-o", str(tmp_path / "x.odt"))
    assert proc.returncode == 2 and "must end in .docx, .pdf or .html" in proc.stderr


@pytest.fixture(scope="module")
def quantity(tmp_path_factory):
    """A redline of one target change: 档案柜 for 水塘坝小学 1 → 2."""
    out = tmp_path_factory.mktemp("quantity")
    changed = revision.quantity_change(out / "changed.yaml")
    for suffix in ("docx", "pdf", "html"):
        proc = run("redline", str(NEXT), str(changed), "-o", str(out / f"q.{suffix}"))
        assert proc.returncode == 0, proc.stderr
    return out


def _changed_cells(xml: str) -> list[tuple[str, str]]:
    """(deleted, inserted) text of every table cell with a tracked change."""
    cells = []
    for cell in re.findall(r"<w:tc>.*?</w:tc>", xml):
        if "<w:ins " in cell or "<w:del " in cell:
            cells.append(("".join(re.findall(r"<w:delText[^>]*>([^<]*)<", cell)),
                          "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", cell))))
    return cells


@requires("pdftotext")
def test_a_target_change_marks_exactly_the_changed_cells(quantity):
    with zipfile.ZipFile(quantity / "q.docx") as z:
        xml = z.read("word/document.xml").decode()
    assert not re.search(TRACKED_ROW, xml)  # no row inserted or deleted
    # the item's table: each and total (the budget is money per school: unchanged); the appendix:
    # the school's cell and the item's total
    assert _changed_cells(xml) == [("1", "2")] * 4
    # the struck value ends in 4 pt of spacing, so "1" and "2" don't read as "12" (no added character)
    assert len(re.findall(r'<w:rPr><w:spacing w:val="80"/><w:sz w:val="\d+"/></w:rPr><w:delText[^>]*>1<', xml)) == 4
    html = (quantity / "q.html").read_text(encoding="utf-8")
    assert html.count('<td class="num"><del>1</del><ins>2</ins></td>') == 4
    assert html.count("<del>") == html.count("<ins>") == 4 + 1  # + the legend
    body = squash(pdftotext(quantity / "q.pdf", "-f", "2"))
    # the item's table: struck 1 and inserted 2 in the quantity's cell (read as laid out: with
    # deadline/owner columns its header wraps, and raw order reads the cells column-wise)
    assert "档案柜12" in squash(pdftotext(quantity / "q.pdf", "-layout", "-f", "2"))
    # the appendix (its last part holds 水塘坝小学 and the totals): only the school's cell and the total
    assert "水塘坝小学合计" in body and "档案柜组1212监控摄像头台420" in body


@pytest.fixture(scope="module")
def revised(tmp_path_factory):
    out = tmp_path_factory.mktemp("revised")
    changed = revision.revision(out / "revised.yaml")
    for suffix in ("docx", "html"):
        proc = run("redline", str(NEXT), str(changed), "-o", str(out / f"r.{suffix}"))
        assert proc.returncode == 0, proc.stderr
    return out


def test_a_moved_item_is_shown_at_both_places(revised):
    with zipfile.ZipFile(revised / "r.docx") as z:
        xml = z.read("word/document.xml").decode()
    start_from = re.findall(r'<w:moveFromRangeStart w:id="(\d+)"[^>]* w:name="([^"]+)"/>', xml)
    start_to = re.findall(r'<w:moveToRangeStart w:id="(\d+)"[^>]* w:name="([^"]+)"/>', xml)
    assert [n for _, n in start_from] == [n for _, n in start_to] == ["move1"]
    assert f'<w:moveFromRangeEnd w:id="{start_from[0][0]}"/>' in xml
    assert f'<w:moveToRangeEnd w:id="{start_to[0][0]}"/>' in xml
    assert xml.index("<w:moveFrom ") < xml.index("<w:moveTo ")  # moved down: the old place comes first
    assert re.search(r"<w:moveFrom [^>]*><w:r><w:delText[^>]*>进一步抓好各中小学的绿化", xml)
    assert re.search(r"<w:moveTo [^>]*><w:r><w:t[^>]*>进一步抓好各中小学的绿化", xml)
    html = (revised / "r.html").read_text(encoding="utf-8")
    assert '<span class="move-note">（移至二、（五））</span>' in html
    assert '<span class="move-note">（原二、（二））</span>' in html


def test_a_removed_unit_replaces_the_appendix_table_whole(revised):
    """A column less: one Word table, OLD's rows deleted and NEW's inserted (LibreOffice cannot
    accept a tracked column deletion)."""
    with zipfile.ZipFile(revised / "r.docx") as z:
        xml = z.read("word/document.xml").decode()
    appendix = xml[xml.index("附表"):]
    table = appendix[appendix.index("<w:tbl>"):appendix.index("</w:tbl>")]
    rows = re.findall(r"<w:tr>.*?</w:tr>", table)
    kinds = [(m.group(1) if (m := re.search(TRACKED_ROW, r)) else "kept") for r in rows]
    assert "kept" not in kinds and kinds.index("ins") == kinds.count("del")
    assert "箐门小学" in "".join(rows[:kinds.count("del")]) and "箐门小学" not in "".join(rows[kinds.count("del"):])


def test_a_replaced_table_says_why_in_the_plans_language(tmp_path):
    """Next year's plan has no statuses (`new` sets them back to planned; here they are then
    deleted by hand): each target table lost its status column and is replaced whole; the
    HTML/PDF redline says so above it, the .docx cannot (render.docx)."""
    old = revision.with_statuses(tmp_path / "2022-status.yaml")
    proc = run("new", "--from", str(old), "--year", "2023", "-o", str(tmp_path / "2023.yaml"))
    assert proc.returncode == 0, proc.stderr
    rolled = (tmp_path / "2023.yaml").read_text(encoding="utf-8")
    (tmp_path / "2023.yaml").write_text(re.sub(r",\s*status: planned", "", rolled), encoding="utf-8")
    assert "status:" not in (tmp_path / "2023.yaml").read_text(encoding="utf-8")
    proc = run("redline", str(old), str(tmp_path / "2023.yaml"), "-o", str(tmp_path / "r.html"))
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    note = '<p class="replaced-note">状态栏已删除，原表删除，新表插入</p><table class="targets'
    assert html.count(note) == 4 and html.count('class="replaced-note"') == 4


def _summary(html_file) -> str:
    """The redline summary's text as it reads on its page (the HTML's first section)."""
    import html as html_lib
    page = html_file.read_text(encoding="utf-8")
    section = page[page.index('<section class="redline-summary">'):page.index("</section>")]
    return html_lib.unescape(re.sub(r"<[^>]+>", "", section))


@requires("pdftotext")
def test_the_summary_names_items_by_label_and_words_not_ids_or_paths(redline, revised):
    """An office reads the summary: items by their printed labels and (shortened) words, schools
    by name, both plans by title, number and date; never an item's id, a unit's id or a path."""
    first = squash(pdftotext(redline / "changes.pdf", "-f", "1", "-l", "1"))
    assert "《新学期后勤总务2021年工作计划（新编版）》（YK-JH-0025，2021年2月20日）" in first
    assert "（YK-JH-0026，2022年2月18日）" in first and "日期：2021年2月20日→2022年2月18日" in first
    assert "修改二、（一）2、各校采购50套新课桌，一台电脑；黄竹林小学学生增多…" in first
    assert "新增二、（四）进一步加强校园安全设施建设" in first
    assert "删除二、（一）2、争取对中学、示范和箐门老教学楼的改造维修。" in first
    for machine in ("[", "facilities", "plans/", ".yaml", "guiding", "~", "+二"):
        assert machine not in first, machine
    # two revisions of one plan (same title, number and date) say which file each is
    summary = _summary(revised / "r.html")
    assert "（YK-JH-0026，2022年2月18日、2022-logistics.yaml） → " in summary
    assert "  删除 箐门小学\n" in summary and "qingmen" not in summary
    assert "  移动 二、（五）进一步抓好各中小学的绿化、美化工作。实现校园的香…（原二、（二））\n" in summary


def test_an_english_summary_names_items_as_printed(tmp_path):
    changed = tmp_path / "changed.yaml"
    text = ENGLISH.read_text(encoding="utf-8")
    text = text.replace("Survey coverage in each building", "Survey coverage and signal strength in each building")
    changed.write_text(text.replace("  - {id: hillcrest, name: Hillcrest Middle School}\n", "")
                       .replace("for: [lakeside, hillcrest]", "for: [lakeside]"), encoding="utf-8")
    proc = run("redline", str(ENGLISH), str(changed), "-o", str(tmp_path / "r.html"))
    assert proc.returncode == 0, proc.stderr
    summary = _summary(tmp_path / "r.html")
    assert summary.strip().startswith("Changes: District IT Services Plan 2025 (RSD-IT-2025-01, 15 Jan 2025, 2025-it-services.yaml)")
    assert "  removed Hillcrest Middle School\n" in summary and "hillcrest" not in summary
    assert "  changed 1.1 a) Survey coverage and signal strength in each…\n" in summary
    assert "aims.network" not in summary


def _front_matter_revision(tmp_path):
    """The English plan with its document-level text revised: a preface paragraph reworded
    (the change past the 80th character), one removed and one added, a subtitle and a tagline added."""
    text = ENGLISH.read_text(encoding="utf-8")
    old_preface = ("    - This plan sets out what IT Services will deliver to the district's schools in 2025.\n"
                   "    - Every target is per school unless a list of schools is given.\n")
    assert old_preface in text
    new_preface = ("    - This plan sets out what IT Services will deliver to the district's schools in the 2026 school year.\n"
                   "    - Questions go to the IT Services helpdesk.\n")
    text = text.replace(old_preface, new_preface).replace(
        "  title: District IT Services Plan 2025\n",
        "  title: District IT Services Plan 2025\n  subtitle: (Revised edition)\n  tagline: Reliable IT for every classroom.\n")
    new = tmp_path / "revised.yaml"
    new.write_text(text, encoding="utf-8")
    return new


def test_preface_subtitle_and_tagline_changes_are_marked(tmp_path):
    new = _front_matter_revision(tmp_path)
    for suffix in ("html", "docx"):
        proc = run("redline", str(ENGLISH), str(new), "-o", str(tmp_path / f"red.{suffix}"))
        assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "red.html").read_text(encoding="utf-8")
    # the space before a change is an element of its own (html.apart: WeasyPrint's first-word break)
    assert 'district&#39;s schools in<span class="gap"> </span><del>2025</del><ins>the 2026 school year</ins>.' in html
    assert '<p class="preface del"><del>Every target is per school unless a list of schools is given.</del></p>' in html
    assert '<p class="preface ins"><ins>Questions go to the IT Services helpdesk.</ins></p>' in html
    assert "<ins><br>(Revised edition)</ins>" in html
    # the summary's title keeps the document numbers whole (no line break at their hyphens)
    heading = re.search(r'<section class="redline-summary">\s*<h1>(.*?)</h1>', html, re.S).group(1)
    assert heading.count('<span class="nobr">RSD-IT-2025-01</span>') == 2
    body = docx.Document(str(tmp_path / "red.docx")).element.body
    texts = lambda tag: ["".join(t.text or "" for t in p.iter(f"{W}{tag}")) for p in body.iter(f"{W}p")]  # noqa: E731
    assert "Every target is per school unless a list of schools is given." in texts("delText")
    assert any(t.endswith("2025") and "district's schools in" in "".join(p.itertext())
               for t, p in zip(texts("delText"), body.iter(f"{W}p")))
    inserted = ["".join(t.text or "" for t in ins.iter(f"{W}t")) for ins in body.iter(f"{W}ins")]
    assert "the 2026 school year" in inserted and "Reliable IT for every classroom." in inserted
    assert "(Revised edition)" in inserted
    # the added subtitle's line break is inserted with it; the added preface paragraph's mark too
    assert any(ins.find(f"{W}r/{W}br") is not None for ins in body.iter(f"{W}ins"))
    added = next(p for p in body.iter(f"{W}p") if "Questions go to" in "".join(p.itertext()))
    assert added.find(f"{W}pPr/{W}rPr/{W}ins") is not None
    # and nothing in the redline claims a paragraph's properties or numbering changed
    assert not list(body.iter(f"{W}pPrChange")) and not list(body.iter(f"{W}numberingChange"))


def test_a_removed_item_comes_before_the_one_inserted_in_its_place():
    """OLD: 1、2、3、; NEW: an item in place of 1、, then 2、3、 — the deleted 1、 stands first, where
    it stood, then the inserted one (a stranger saw the removed （一） after the new （一） and
    its table)."""
    from plangen.compare.redline import build_redline
    from plangen.render.theme import load_theme
    from plangen.source.load import load_plan_text
    head = "plangen: 1\ndocument: {number: T-1, title: 测试计划, year: 2021, organization: 测试学校}\nsections:\n" \
           "  - id: s1\n    title: 目标\n    items:\n"
    old = head + "".join(f"      - {{id: i{k}, text: 第{k}项旧工作。}}\n" for k in (1, 2, 3))
    new = head + "      - {id: fresh, text: 全新的工作。}\n" + "".join(f"      - {{id: i{k}, text: 第{k}项旧工作。}}\n" for k in (2, 3))
    w = load_theme().wording("zh")
    outline = build_redline(load_plan_text(old, "old.yaml").plan, load_plan_text(new, "new.yaml").plan, w, w, "old", "new")
    order = [(block.text, mark.change if mark else None) for block, mark in zip(outline.blocks, outline.redline.blocks)
             if getattr(block, "text", "") and "工作。" in block.text]
    assert order == [("第1项旧工作。", "del"), ("全新的工作。", "ins"), ("第2项旧工作。", None),
                     ("第3项旧工作。", None)], order
