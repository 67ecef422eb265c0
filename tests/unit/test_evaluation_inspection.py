"""The quarterly 督查通报 (SPEC §13): ``gongkai report inspection`` writes the Word document of a
quarter with every missed or at-risk indicator of each division and its records, dated as asked
and counted up to the quarter's last day; only the admin may write it."""

from __future__ import annotations

import json

from docx import Document
from sqlalchemy import select
from support import ADMIN_PASSWORD, LIAISON_PASSWORD

from gongkai_desktop.db.models import AuditEntry


def test_inspection_lists_each_divisions_missed_indicators_with_records(
    app_ctx, admin, scored, run_cli, tmp_path
):
    """The third quarter's bulletin, as of 30 September: 开发指导处's late item, its item
    without the portal, its late request are named, a report sent after that day is not
    counted; the date line is the --date given."""
    out_file = tmp_path / "通报.docx"
    code, out, err = run_cli(
        "--as",
        "admin",
        "report",
        "inspection",
        "--year",
        "2025",
        "--quarter",
        "3",
        "-o",
        str(out_file),
        "--date",
        "2025-10-15",
        "--json",
        password=ADMIN_PASSWORD,
    )
    assert code == 0, err
    doc = json.loads(out)
    assert (doc["period"], doc["as_of"], doc["issued"]) == ("2025Q3", "2025-09-30", "2025-10-15")
    kf = next(d for d in doc["divisions"] if d["division"] == "开发指导处")
    missed = {i["code"]: [r["title"] for r in i["missed"]] for i in kf["indicators"]}
    assert missed["ZD1"] == ["年度计划"] and missed["ZD2"] == ["培训通知"]
    assert missed["YSQ1"] == ["2025-002"] and missed["RW1"] == []
    # Its third-quarter report was sent on 20 November: on 30 September it was still owed.
    rw1 = next(i for i in kf["indicators"] if i["code"] == "RW1")
    assert [r["title"] for r in rw1["at_risk"]] == ["第1项 加大决策公开（第三季度）"]
    # Applicable as of 30 September: ZD1 12, ZD2 4, ZD3 4, JD1 8, JD2 5, JD3 2, YSQ1 10, JC1 10,
    # FB1 5 (Σ 60); the third quarter's report came in on 20 November, so neither it nor its
    # review is counted yet: (6 + 2 + 4 + 10 + 5) × 100 / 60 = 45.
    assert (kf["total"], kf["grade"]) == (45.0, "不合格")
    text = "\n".join(p.text for p in Document(str(out_file)).paragraphs)
    assert "关于2025年第三季度政务公开工作" in text and "数据截至2025年9月30日" in text
    assert "（一）综合处" not in text and "开发指导处" in text
    assert "1.季度进展按时报送（尚未计量）。有风险1条：第1项 加大决策公开（第三季度）" in text
    assert "2.主动公开按时（达标1/2）。未达标1条：年度计划" in text
    assert text.rstrip().endswith("2025年10月15日")
    table = Document(str(out_file)).tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "序号",
        "处室",
        "得分",
        "等次",
        "排名",
        "未达标项",
        "有风险项",
    ]


def test_at_risk_records_are_those_still_open_before_their_deadline(
    app_ctx, admin, scored, run_cli, tmp_path
):
    """In the fourth quarter, as of 31 December, the message received in November and never
    answered is at risk, not missed: the quarter is not over on its last day."""
    code, out, err = run_cli(
        "--as",
        "admin",
        "report",
        "inspection",
        "--year",
        "2025",
        "--quarter",
        "4",
        "-o",
        str(tmp_path / "q4.docx"),
        "--json",
        password=ADMIN_PASSWORD,
    )
    assert code == 0, err
    kf = next(d for d in json.loads(out)["divisions"] if d["division"] == "开发指导处")
    hy1 = next(i for i in kf["indicators"] if i["code"] == "HY1")
    assert [r["title"] for r in hy1["at_risk"]] == ["留言：咨询帮扶政策"] and hy1["missed"] == []


def test_liaison_cannot_write_the_bulletin(app_ctx, admin, scored, liaison, run_cli, tmp_path):
    """A liaison's request exits 1, writes no file, and the refusal is audited."""
    out_file = tmp_path / "通报.docx"
    code, _, err = run_cli(
        "--as",
        "lly_kf",
        "report",
        "inspection",
        "--year",
        "2025",
        "--quarter",
        "3",
        "-o",
        str(out_file),
        password=LIAISON_PASSWORD,
    )
    assert code == 1 and "管理员" in err and not out_file.exists()
    with app_ctx.db.read() as s:
        assert s.scalars(select(AuditEntry.action).where(AuditEntry.outcome == "denied")).all() == [
            "evaluation.inspection"
        ]


def test_a_running_quarter_is_counted_up_to_today(app_ctx, admin, scored, tmp_path):
    """Written on 20 November, the fourth quarter counts up to that day: the message received
    on 10 November is at risk and nothing dated after the day is judged."""
    from datetime import date

    from gongkai_desktop.domain.evaluation import Period
    from gongkai_desktop.progress import run_job
    from gongkai_desktop.reports.inspection import inspection_job

    data_ = run_job(
        inspection_job(
            app_ctx.db,
            admin,
            Period(2025, 4),
            date(2025, 11, 20),
            tmp_path / "q4.docx",
            today=date(2025, 11, 20),
        )
    )
    assert data_.as_of == date(2025, 11, 20)
    kf = next(d for d in data_.divisions if d.division == "开发指导处")
    hy1 = next(f for f in kf.findings if f.code == "HY1")
    assert [r.title for r in hy1.at_risk] == ["留言：咨询帮扶政策"]
    assert all(
        f.code != "PX1" for f in kf.findings
    )  # it took part in the one training held by then
