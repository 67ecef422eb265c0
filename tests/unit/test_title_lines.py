"""Titles broken into lines between words, evenly, as GB/T 9704 (7.3.3) asks."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from gongkai_desktop.reports.word import OfficialDocument
from gongkai_desktop.reports.word.title_lines import CLOSING, OPENING, break_title, display_width

CAPACITY = 20.0

# Real titles of provincial documents (10–60 characters) with the words a line must not split.
TITLES: list[tuple[str, tuple[str, ...]]] = [
    ("关于《某省优化营商环境若干措施》的政策解读", ("营商环境", "若干措施", "政策解读")),
    ("某省发展和改革委员会2025年政府信息公开工作年度报告",
     ("某省发展和改革委员会", "2025年", "政府信息公开", "年度报告")),
    ("关于《某省促进数字经济高质量发展的实施意见（征求意见稿）》意见收集和采纳情况的说明",
     ("数字经济", "高质量发展", "实施意见", "征求意见稿", "意见收集", "采纳情况", "说明")),
    ("关于《某省推进乡村振兴战略实施方案》的政策解读", ("乡村振兴", "实施方案", "政策解读")),
    ("某省人力资源和社会保障厅关于2025年第三季度政务公开工作要点落实情况的通报",
     ("人力资源", "社会保障", "2025年", "第三季度", "政务公开", "工作要点", "通报")),
    ("关于《某省行政规范性文件管理办法》的政策解读", ("规范性文件", "管理办法", "政策解读")),
    ("某省生态环境厅2024年政府信息公开工作年度报告", ("生态环境厅", "政府信息公开", "年度报告")),
    ("关于《某省城镇老旧小区改造实施细则》的政策解读", ("老旧小区", "实施细则", "政策解读")),
    ("关于《某省科技创新券管理暂行办法》的政策解读", ("科技创新", "暂行办法", "政策解读")),
    ("关于《某省中小企业发展专项资金管理办法（征求意见稿）》意见收集和采纳情况的说明",
     ("中小企业", "专项资金", "管理办法", "征求意见稿", "采纳情况")),
    ("某省教育厅关于进一步加强中小学生作业管理的通知", ("教育厅", "中小学生", "作业", "通知")),
    ("某省交通运输厅2025年政务公开工作要点", ("交通运输厅", "政务公开", "工作要点")),
    ("关于《某省农村集体经营性建设用地入市试点办法》的政策解读",
     ("农村", "集体", "建设用地", "试点", "政策解读")),
    ("某省市场监督管理局关于印发《某省食品安全抽检监测工作方案》的通知",
     ("市场监督管理局", "食品安全", "工作方案", "通知")),
    ("关于《某省促进民营经济发展壮大若干措施》的政策解读", ("民营经济", "若干措施", "政策解读")),
    ("关于2025年第四季度政务公开工作要点落实情况的通报", ("第四季度", "政务公开", "工作要点", "通报")),
    ("某省住房和城乡建设厅2025年政府信息公开工作年度报告",
     ("住房和城乡建设厅", "政府信息公开", "年度报告")),
    ("关于《某省养老服务体系建设“十四五”规划》的政策解读",
     ("养老服务", "体系建设", "“十四五”", "规划", "政策解读")),
    ("关于《某省基本医疗保险门诊共济保障机制实施办法》的政策解读",
     ("基本医疗保险", "门诊", "共济", "保障机制", "实施办法", "政策解读")),
    ("关于《某省数据要素市场化配置改革实施意见》意见收集和采纳情况的说明",
     ("数据要素", "市场化", "实施意见", "意见收集", "采纳情况")),
    ("某省财政厅关于做好2026年预决算公开工作的通知", ("财政厅", "2026年", "预决算", "通知")),
    ("关于《某省安全生产责任保险实施办法》的政策解读", ("安全生产", "责任保险", "实施办法", "政策解读")),
]  # fmt: skip


def _spans(lines: list[str]) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in lines:
        spans.append((start, start + len(line)))
        start += len(line)
    return spans


@pytest.mark.parametrize(("title", "protected"), TITLES, ids=[t for t, _ in TITLES])
def test_title_breaks_between_words_into_even_lines(title: str, protected: tuple[str, ...]) -> None:
    """Every line fits, no protected word is split, no line starts with 的/closing marks or ends
    with an opening mark, and the lines differ by at most a third of a line."""
    assert 10 <= len(title) <= 60
    lines = break_title(title, CAPACITY, keep=("某省发展和改革委员会",))
    assert "".join(lines) == title
    widths = [display_width(line) for line in lines]
    assert all(w <= CAPACITY for w in widths)
    breaks = {end for _, end in _spans(lines)[:-1]}
    for word in protected:
        at = title.index(word)
        inside = set(range(at + 1, at + len(word)))
        assert not (breaks & inside), f"「{word}」被断开：{lines}"
    for line in lines[1:]:
        assert line[0] not in CLOSING and not line.startswith("的"), lines
    for line in lines[:-1]:
        assert line[-1] not in OPENING, lines
    if len(lines) > 1:
        assert max(widths) - min(widths) <= CAPACITY / 3 + 1, lines


def test_a_title_that_fits_stays_on_one_line() -> None:
    """A 20-character title is not broken."""
    title = "某省某局2025年政府信息公开工作年度报告"
    assert display_width(title) <= CAPACITY
    assert break_title(title, CAPACITY) == [title]


def test_writer_breaks_long_titles_and_keeps_given_breaks(tmp_path: Path) -> None:
    """OfficialDocument.title breaks a long title with line breaks; a typed \\n is kept."""
    doc = OfficialDocument()
    doc.title("关于《某省推进乡村振兴战略实施方案》的政策解读")
    doc.title("第一行\n第二行")
    path = doc.save(tmp_path / "t.docx")
    titles = [p for p in Document(str(path)).paragraphs if p.style.style_id == "Title"]
    assert titles[0].text.split("\n") == break_title(
        "关于《某省推进乡村振兴战略实施方案》的政策解读", CAPACITY
    )
    assert len(titles[0].text.split("\n")) == 2
    assert titles[1].text.split("\n") == ["第一行", "第二行"]
