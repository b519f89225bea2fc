"""Where lines may not break, in our PDF and in LibreOffice's PDF of our .docx (a new user's plan,
issue B2/B6: "海康威视DS-2CD3T46WDV3-" / "I3型", "预算（万" / "元）", "阀门检测（次/" / "日）",
"2027年6月" / "30日"). One small Chinese plan, rendered once: a paragraph puts a model number at
every place of a line's end (a paragraph each), so some copy of it ends a line at each of its hyphens; target
tables carry a currency, deadlines and a measure with a slash."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import need, soffice_convert
from docs import pdf_pages, pdf_words
from plangen.outline import breaks, columns
from plangen.outline.outline import build_outline
from plangen.render import renderer
from plangen.render.theme import load_theme
from plangen.source.load import load_plan_text

pytestmark = [pytest.mark.poppler, pytest.mark.libreoffice]  # pdftotext and soffice read what we wrote

CODE = "DS-2CD3T46WDV3-I3"
PHONE = "0571-87654321"
NAMES = ["幸福里社区居民委员会", "东湖高新技术产业园区管理委员会第二社区", "中国移动5G基站运维保障中心（城东片区）", "A区智慧园区物业服务有限公司", "金桥社区居民委员会", "滨江花园社区居民委员会",
         "新华路社区居民委员会", "万达广场商业管理有限公司", "杭州华工新材料科技股份有限公司", "城东天然气储配站（B2号站）", "某市第三人民医院东院区后勤保障部", "某区实验小学教育集团东湖校区",
         "供销合作社农贸市场管理办公室", "顺丰速运（城东）物流分拨中心", "中建三局第二建设工程有限公司CBD项目部"]


def _plan() -> str:
    paragraphs = ["测" * k + CODE + "型。" for k in range(10, 28)] + ["测" * k + PHONE + "。" for k in range(16, 28, 2)]
    text = "[" + ", ".join(paragraphs) + "]"
    target = ("          - {{what: {what}, quantity: {q}, unit: {unit}, budget: {b}, deadline: {d}, owner: {o}}}\n")
    targets = "".join(target.format(what=w, q=q, unit=u, b=b, d=d, o=o) for w, q, u, b, d, o in (
        ("独立式烟感报警器", 120, "只", 0.07, "2027-06-30", "王建国"),
        ("阀门检测", 0.5, "次/日", 1.2, "2027-12-31", "张三丰"),
        ("电动自行车集中充电桩", 2, "处", 4.3125, "2027-09-30", "李梅（城建科）"),
        ("灭火器", 35.5, "具", 0.09, "2027-05-31", "王建国"), ("可燃气体探测报警装置", 8, "套", 0.5, "2027-08-31", "赵六"),
        ("高清网络摄像机", 6, "台", 0.3, "2027-10-31", "赵六")))
    units = "".join(f"  - {{id: u{n}, name: {name}}}\n" for n, name in enumerate(NAMES))
    return ("plangen: 1\ndocument:\n  number: ZZ-2027-01\n  title: 安全生产工作计划\n  year: 2027\n"
            "  organization: 综合治理办公室\n  language: zh\n  currency: 万元\n  unit_noun: 社区\n"
            f"units:\n{units}sections:\n  - title: 工作目标\n    text: {text}\n    items:\n"
            f"      - title: 消防安全\n        targets:\n{targets}")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("breaks")
    theme = load_theme()
    outline = build_outline(load_plan_text(_plan(), "p.yaml").plan, theme.wording("zh"))
    for suffix in ("pdf", "docx"):
        (out / f"plan.{suffix}").write_bytes(renderer(suffix).render(outline, theme))
    soffice_convert([out / "plan.docx"], "pdf", out / "lo")
    return out


def _lines(pdf: Path) -> list[str]:
    text = subprocess.run([need("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [line.strip() for line in text.splitlines()]


@pytest.mark.parametrize("pdf", ["plan.pdf", "lo/plan.pdf"])
def test_a_model_number_never_breaks_at_its_hyphens(built, pdf):
    """18 placings of the code: some reach a line's end at each hyphen. Before, our PDF broke
    "DS-2CD3T46WDV3-" / "I3" (a hyphen before a letter) and LibreOffice, with Word's non-breaking
    hyphen, anywhere inside ("DS-2CD3T4" / "6WDV3-I3", "0571-8765" / "4321")."""
    text = "\n".join(_lines(built / pdf))
    assert len(re.findall(re.escape(CODE), text)) == 18
    assert len(re.findall(re.escape(PHONE), text)) == 6


@pytest.mark.parametrize("pdf", ["plan.pdf", "lo/plan.pdf"])
def test_table_headers_and_dates_keep_their_brackets_and_days(built, pdf):
    """预算（万元） wraps before its bracket, never inside it; a deadline stays on one line."""
    lines = _lines(built / pdf)
    assert any("（万元）" in line for line in lines), [line for line in lines if "万" in line]
    for date in ("2027年6月30日", "2027年12月31日", "2027年9月30日"):
        assert any(date in line for line in lines), date
    assert not any(line.endswith(("（万", "（次/", "年6月", "年9月")) for line in lines)


@pytest.mark.parametrize("pdf", ["plan.pdf", "lo/plan.pdf"])
def test_no_appendix_name_leaves_one_character_alone(built, pdf):
    """"A区智慧园区物业服务有限公" / "司": a text cell's last two CJK characters stay together."""
    path = built / pdf
    first = next(n for n in range(2, pdf_pages(path) + 1) if any(w[4].startswith("附表") for w in pdf_words(path, n)))
    words = [w[4] for n in range(first, pdf_pages(path) + 1) for w in pdf_words(path, n)]
    assert sum(any(name.startswith(w) for name in NAMES) for w in words) >= len(NAMES), words  # names are there
    lone = [w for w in words if len(w.rstrip("）")) == 1 and not w.rstrip("）").isascii() and w != "—"]  # — 9 —
    assert lone == [], lone


def test_a_tables_min_content_holds_codes_dates_and_header_notes():
    """columns._WORD (cells) and _HEAD_WORD (headers) as the renderers hold them (breaks.held_pieces);
    a plain word still breaks after its hyphen before a letter."""
    assert columns._WORD.findall("海康威视DS-2CD3T46WDV3-I3型") == ["海", "康", "威", "视", CODE, "型"]
    assert columns._WORD.findall("2027年6月30日前") == ["2027年6月30日", "前"]
    assert columns._WORD.findall("Hay-on-Wye x86-64") == ["Hay-", "on-", "Wye", "x86-64"]
    assert columns._HEAD_WORD.findall("预算（万元）") == ["预", "算", "（万元）"]
    assert breaks.held_pieces("预算（万元）", head=True) == [("预算", False), ("（万元）", True)]
    assert breaks.held_pieces("李梅（城建科）") == [("李梅（城建科）", False)]  # a cell's note may wrap
    assert breaks.held_pieces("A区智慧园区物业服务有限公司", last=True) == [("A区智慧园区物业服务有限", False), ("公司", True)]


def test_the_cover_keeps_the_units_name_on_one_line(tmp_path):
    """A unit's own copy: "分送：各社区（本件送城东天然气储配站（B2号" / "站））" in the PDF; now the bracket
    with the name is held (Cover.recipient_held), or the name alone where that is too long."""
    from plangen.outline.outline import held_part
    assert held_part("分送：各社区（本件送城东天然气储配站（B2号站））", "城东天然气储配站（B2号站）", "zh") == \
        "（本件送城东天然气储配站（B2号站））"
    assert held_part("分送：各社区（本件送中国移动5G基站运维保障中心（城东片区））", "中国移动5G基站运维保障中心（城东片区）", "zh") == \
        "中国移动5G基站运维保障中心（城东片区）"
    assert held_part("For: Queens Oncology (sent to every site)", "Queens Oncology", "en") == "Queens Oncology"
    theme = load_theme()
    plan = load_plan_text(_plan(), "p.yaml").plan
    unit = next(u.id for u in plan.units if u.name == "城东天然气储配站（B2号站）")
    (tmp_path / "unit.pdf").write_bytes(renderer("pdf").render(build_outline(plan, theme.wording("zh"), unit), theme))
    assert "（本件送城东天然气储配站（B2号站））" in _lines(tmp_path / "unit.pdf")
