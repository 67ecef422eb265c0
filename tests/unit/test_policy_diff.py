"""新旧政策差异: two versions of a policy compared paragraph by paragraph and character by character."""

from __future__ import annotations

from gongkai_desktop.domain.policy_diff import (
    DiffRow,
    changes_outline,
    compare_versions,
    diff_summary,
)

OLD = [
    "××省政务公开工作办法",
    "第一条 为规范政务公开工作，制定本办法。",
    "第二条 本办法适用于本省各级行政机关。",
    "第三条 行政机关应当在信息形成之日起二十个工作日内予以公开。",
    "第四条 本办法自2020年1月1日起施行。",
]
NEW = [
    "××省政务公开工作办法",
    "第一条 为规范政务公开工作，制定本办法。",
    "第二条 行政机关应当在信息形成或者变更之日起十五个工作日内予以公开。",
    "第三条 行政机关应当建立政策解读机制，做到文件与解读同步起草、同步审签、同步发布。",
    "第四条 本办法自2024年3月1日起施行。",
]


def _marked(text: str, spans: tuple[tuple[int, int], ...]) -> list[str]:
    return [text[start:end] for start, end in spans]


def test_rows_pair_revised_paragraphs_and_list_added_and_removed() -> None:
    """Unchanged paragraphs are same; a revised one is changed; the rest removed or added."""
    rows = compare_versions(OLD, NEW)
    assert [(r.kind, r.old[:3], r.new[:3]) for r in rows] == [
        ("same", "××省", "××省"),
        ("same", "第一条", "第一条"),
        ("removed", "第二条", ""),
        ("changed", "第三条", "第二条"),
        ("added", "", "第三条"),
        ("changed", "第四条", "第四条"),
    ]
    assert all(not r.old_spans and not r.new_spans for r in rows if r.kind != "changed")


def test_spans_point_at_the_changed_characters() -> None:
    """Inside a changed pair, the spans mark exactly the characters that differ on each side."""
    rows = [r for r in compare_versions(OLD, NEW) if r.kind == "changed"]
    deadline, commencement = rows
    assert _marked(deadline.new, deadline.new_spans) == ["二", "或者变更", "五"]
    assert _marked(deadline.old, deadline.old_spans) == ["三", "二"]
    assert _marked(commencement.old, commencement.old_spans) == ["0", "1"]
    assert _marked(commencement.new, commencement.new_spans) == ["4", "3"]
    assert commencement.old_spans == ((11, 12), (13, 14))


def test_rewritten_clause_is_one_mark_not_a_comb() -> None:
    """A shared single character inside a rewritten stretch does not split its highlight."""
    rows = compare_versions(
        ["各单位要加强和改进政务公开工作，确保取得实效。"],
        ["各单位要完善和提升政务公开工作，确保取得实效。"],
    )
    assert rows[0].kind == "changed"
    assert _marked(rows[0].old, rows[0].old_spans) == ["加强和改进"]
    assert _marked(rows[0].new, rows[0].new_spans) == ["完善和提升"]


def test_dissimilar_replacement_is_removed_and_added() -> None:
    """A paragraph replaced by an unrelated one is not paired as a revision."""
    rows = compare_versions(
        ["第一条 总则。", "第二条 本办法由省政府办公厅负责解释。"],
        ["第一条 总则。", "附件：政务公开事项标准目录"],
    )
    assert [r.kind for r in rows] == ["same", "removed", "added"]


def test_alignment_picks_the_matching_paragraph_in_a_replaced_run() -> None:
    """In a run of two old and three new paragraphs, each old one pairs with its revision."""
    old = ["一、加强主动公开工作，全面梳理公开事项。", "二、规范依申请公开，按时答复申请人。"]
    new = [
        "一、新增：建立公开事项动态调整机制。",
        "二、加强主动公开工作，全面梳理公开事项清单。",
        "三、规范依申请公开，依法按时答复申请人。",
    ]
    rows = compare_versions(old, new)
    assert [(r.kind, r.new[:2]) for r in rows] == [
        ("added", "一、"),
        ("changed", "二、"),
        ("changed", "三、"),
    ]
    assert rows[1].old == old[0] and rows[2].old == old[1]


def test_identical_versions() -> None:
    """Equal versions give only same rows, the "same" summary and an empty outline."""
    rows = compare_versions(OLD, list(OLD))
    assert {r.kind for r in rows} == {"same"}
    assert diff_summary(rows) == "两个版本内容相同"
    assert changes_outline(rows) == ""
    assert compare_versions([], []) == []


def test_everything_added_or_removed() -> None:
    """Against an empty version every paragraph is added (or removed)."""
    assert [r.kind for r in compare_versions([], ["甲", "乙"])] == ["added", "added"]
    assert compare_versions(["甲"], []) == [DiffRow("removed", "甲", "")]


def test_summary_counts() -> None:
    """The summary names each kind of change with its count, leaving out kinds with none."""
    rows = compare_versions(OLD, NEW)
    assert diff_summary(rows) == "修改 2 段，新增 1 段，删除 1 段"
    assert diff_summary(compare_versions(["甲"], ["甲", "乙"])) == "新增 1 段"


def test_outline_lists_the_changes_in_order() -> None:
    """The outline starts with the counts and numbers each change in Chinese."""
    outline = changes_outline(compare_versions(OLD, NEW))
    assert outline.splitlines() == [
        "与原政策相比，修改 2 段，新增 1 段，删除 1 段。主要变化如下：",
        "1. 删除：第二条 本办法适用于本省各级行政机关。",
        "2. 修改：原为“第三条 行政机关应当在信息形成之日起二十个工作日内予以公开。”，"
        "现为“第二条 行政机关应当在信息形成或者变更之日起十五个工作日内予以公开。”",
        "3. 新增：第三条 行政机关应当建立政策解读机制，做到文件与解读同步起草、同步审签、同步发布。",
        "4. 修改：原为“第四条 本办法自2020年1月1日起施行。”，现为“第四条 本办法自2024年3月1日起施行。”",
    ]


def test_outline_shortens_long_paragraphs_around_the_change() -> None:
    """Long added paragraphs are cut with ……; a long revision quotes the clause that changed."""
    clause = "各级行政机关要高度重视政务公开工作，"
    added = clause * 10 + "确保取得实效。"
    old = clause * 5 + "每年三月底前报送年度报告，" + clause * 5 + "确保取得实效。"
    new = clause * 5 + "每年一月底前报送年度报告，" + clause * 5 + "确保取得实效。"
    outline = changes_outline(compare_versions(["标题", old], ["标题", new, added]))
    lines = outline.splitlines()
    assert (
        lines[1]
        == "1. 修改：原为“……每年三月底前报送年度报告……”，现为“……每年一月底前报送年度报告……”"
    )
    assert lines[2].startswith("2. 新增：" + clause)
    assert lines[2].endswith("……")
    assert len(lines[2]) < 100


def test_outline_limit() -> None:
    """Past the limit the outline says how many more changes there are."""
    old = [f"第{n}条 原文内容第{n}段。" for n in range(1, 6)]
    outline = changes_outline(compare_versions(old, []), limit=2)
    assert outline.splitlines()[1:] == [
        "1. 删除：第1条 原文内容第1段。",
        "2. 删除：第2条 原文内容第2段。",
        "另有 3 处变化，详见新旧版本对照。",
    ]
