"""``gongkai plan`` and ``gongkai export tasks``: the command line of the annual plan."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import docx
import openpyxl
from support import assert_official_page

SEED = Path(__file__).resolve().parents[2] / "resources" / "samples" / "plan-2021.txt"
ADMIN_PASSWORD = "admin-pass-123"
LIAISON_PASSWORD = "lly-pass-123"


def _db(tmp_path: Path) -> sqlite3.Connection:
    return sqlite3.connect(tmp_path / "data" / "gongkai.db")


def _setup(run_cli, *business: str) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run_cli("init", "--unit", "测试局", "--admin", "boss", password=ADMIN_PASSWORD)
    assert code == 0, err
    for name in business:
        assert run_cli("--as", "boss", "division", "add", name, password=ADMIN_PASSWORD)[0] == 0


def _admin(run_cli, *args: str):  # type: ignore[no-untyped-def]
    return run_cli("--as", "boss", *args, password=ADMIN_PASSWORD)


def _add_liaison(run_cli, username: str, division: str) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run_cli(
        "--as", "boss", "user", "add", username, "--division", division, "--role", "liaison",
        password=ADMIN_PASSWORD, new_password=LIAISON_PASSWORD,
    )  # fmt: skip
    assert code == 0, err


def test_dry_run_json_gives_the_17_seed_tasks_with_names_as_written(run_cli, tmp_path):
    """--dry-run --json prints SPEC §15's JSON (group words kept) and stores nothing."""
    code, out, err = run_cli("plan", "import", str(SEED), "--year", "2021", "--dry-run", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["year"] == 2021 and len(data["tasks"]) == 17
    first = data["tasks"][0]
    assert first["no"] == 1 and first["section"] == "二、加大公开力度"
    assert first["title"] == "加大决策公开"
    assert (first["lead"], first["responsible"]) == (["政法处"], ["各业务处"])
    assert data["tasks"][13]["responsible"] == ["相关业务处"]
    assert _db(tmp_path).execute("SELECT count(*) FROM plan_task").fetchone()[0] == 0


def test_dry_run_on_a_set_up_database_shows_the_resolved_divisions(run_cli):
    """Without --json the dry run lists each task with group words expanded to divisions."""
    _setup(run_cli, "开发指导处", "社会帮扶处")
    code, out, err = run_cli("plan", "import", str(SEED), "--year", "2021", "--dry-run")
    assert code == 0, err
    first = out.splitlines()[0]
    assert "牵头：政法处" in first and "责任：开发指导处、社会帮扶处" in first
    assert "共识别 17 项任务（新增 17" in out and "试运行" in out


def test_import_twice_leaves_17_tasks(run_cli, tmp_path):
    """Importing the seed twice stores 17 tasks and the same assignments, not duplicates."""
    _setup(run_cli, "开发指导处", "社会帮扶处")
    code, out, err = _admin(run_cli, "plan", "import", str(SEED), "--year", "2021")
    assert code == 0, err
    assert "共 17 项任务（新增 17" in out
    con = _db(tmp_path)
    assignments = con.execute("SELECT count(*) FROM plan_assignment").fetchone()[0]
    code, out, err = _admin(run_cli, "plan", "import", str(SEED), "--year", "2021", "--json")
    assert code == 0, err
    assert len(json.loads(out)["tasks"]) == 17 and "未变 17" in err
    assert con.execute("SELECT count(*) FROM plan_task").fetchone()[0] == 17
    assert con.execute("SELECT count(*) FROM plan_assignment").fetchone()[0] == assignments


def test_unknown_division_exits_1_and_stores_nothing(run_cli, tmp_path):
    """An unknown name is listed in Chinese with the options; exit 1, no task stored."""
    _setup(run_cli, "开发指导处")
    plan = tmp_path / "plan.txt"
    plan.write_text(SEED.read_text(encoding="utf-8").replace("稽查处", "督查处"), encoding="utf-8")
    code, out, err = _admin(run_cli, "plan", "import", str(plan), "--year", "2021")
    assert code == 1 and out == ""
    assert "“督查处”（第2、9项任务）" in err and "--map" in err and "--add-unknown" in err
    assert _db(tmp_path).execute("SELECT count(*) FROM plan_task").fetchone()[0] == 0


def test_map_and_add_unknown_resolve_unknown_names(run_cli, tmp_path):
    """--map assigns the tasks to the named division; --add-unknown creates a 业务处."""
    _setup(run_cli, "开发指导处")
    plan = tmp_path / "plan.txt"
    text = SEED.read_text(encoding="utf-8").replace("稽查处", "督查处")
    plan.write_text(text.replace("机关纪委", "纪检组"), encoding="utf-8")
    code, out, err = _admin(
        run_cli, "plan", "import", str(plan), "--year", "2021", "--map", "督查处=稽查处",
        "--add-unknown",
    )  # fmt: skip
    assert code == 0, err
    assert "新增处室：纪检组" in out
    con = _db(tmp_path)
    assert con.execute("SELECT kind FROM division WHERE name='纪检组'").fetchone() == ("business",)
    rows = con.execute(
        "SELECT d.name, a.written_as FROM plan_assignment a JOIN plan_task t ON t.id=a.task_id "
        "JOIN division d ON d.id=a.division_id WHERE t.no=2 AND a.role='lead' ORDER BY d.sort_order"
    ).fetchall()
    assert rows == [("综合处", "综合处"), ("稽查处", "督查处")]
    assert _admin(run_cli, "plan", "import", str(plan), "--year", "2021", "--map", "bad")[0] == 2


def test_import_by_a_liaison_is_refused_and_audited(run_cli, tmp_path):
    """A liaison's import exits 1 with a Chinese reason and a denied audit row; nothing stored."""
    _setup(run_cli, "开发指导处")
    _add_liaison(run_cli, "lly", "开发指导处")
    code, _, err = run_cli(
        "--as", "lly", "plan", "import", str(SEED), "--year", "2021", password=LIAISON_PASSWORD
    )
    assert code == 1 and "管理员" in err
    con = _db(tmp_path)
    assert con.execute("SELECT count(*) FROM plan_task").fetchone()[0] == 0
    assert con.execute(
        "SELECT username, outcome FROM audit_log WHERE action='plan.import'"
    ).fetchall() == [("lly", "denied")]


def test_liaison_reports_own_division_only_via_cli(run_cli, tmp_path):
    """plan report: the liaison's own division works (with a link and a file); another
    division's assignment exits 1, is audited, and stores nothing."""
    _setup(run_cli, "开发指导处", "社会帮扶处")
    _add_liaison(run_cli, "lly", "开发指导处")
    assert _admin(run_cli, "plan", "import", str(SEED), "--year", "2021")[0] == 0
    evidence = tmp_path / "纪要.txt"
    evidence.write_text("会议纪要", encoding="utf-8")
    code, out, err = run_cli(
        "--as", "lly", "plan", "report", "--year", "2021", "--task", "1", "--quarter", "1",
        "--status", "推进中", "--progress", "已制定方案", "--link", "https://example.org/1",
        "--file", str(evidence), password=LIAISON_PASSWORD,
    )  # fmt: skip
    assert code == 0, err
    assert "开发指导处" in out and "佐证文件 1 个、链接 1 个" in out
    code, _, err = run_cli(
        "--as", "lly", "plan", "report", "--year", "2021", "--task", "1", "--quarter", "1",
        "--status", "已完成", "--progress", "代政法处报送", "--division", "政法处",
        password=LIAISON_PASSWORD,
    )  # fmt: skip
    assert code == 1 and "只能编辑本处室" in err
    con = _db(tmp_path)
    assert con.execute("SELECT progress FROM task_report").fetchall() == [("已制定方案",)]
    assert con.execute(
        "SELECT username, outcome FROM audit_log WHERE action='plan.report' ORDER BY id"
    ).fetchall() == [("lly", "denied")]
    assert con.execute("SELECT filename FROM attachment WHERE entity='task_report'").fetchall() == [
        ("纪要.txt",)
    ]


def test_review_list_and_bulletin_via_cli(run_cli, tmp_path):
    """The admin reviews a report, list --json shows it, a liaison may not review or write the
    bulletin, and the admin's bulletin names the 需整改 task."""
    _setup(run_cli, "开发指导处")
    _add_liaison(run_cli, "lly", "开发指导处")
    assert _admin(run_cli, "plan", "import", str(SEED), "--year", "2021")[0] == 0
    run_cli(
        "--as", "lly", "plan", "report", "--year", "2021", "--task", "5", "--quarter", "2",
        "--status", "推进中", "--progress", "预算已公开", password=LIAISON_PASSWORD,
    )  # fmt: skip
    review = ("plan", "review", "--year", "2021", "--task", "5", "--division", "开发指导处",
              "--quarter", "2", "--result", "需整改", "--comment", "请补充决算公开链接")  # fmt: skip
    code, _, err = run_cli("--as", "lly", *review, password=LIAISON_PASSWORD)
    assert code == 1 and "管理员" in err
    code, out, err = _admin(run_cli, *review)
    assert code == 0 and "结论：需整改" in out, err
    code, out, err = _admin(
        run_cli, "plan", "list", "--year", "2021", "--division", "开发指导处", "--json"
    )
    assert code == 0, err
    task5 = next(t for t in json.loads(out)["tasks"] if t["no"] == 5)
    assert task5["assignments"][0]["quarters"]["2"]["review"] == "需整改"
    target = tmp_path / "通报.docx"
    code, _, err = run_cli(
        "--as", "lly", "plan", "bulletin", "--year", "2021", "--quarter", "2", "-o", str(target),
        password=LIAISON_PASSWORD,
    )  # fmt: skip
    assert code == 1 and not target.exists()
    # The report was entered today: by the quarter's due date (the default 截至) it was missing.
    code, out, err = _admin(
        run_cli, "plan", "bulletin", "--year", "2021", "--quarter", "2", "-o", str(target)
    )
    assert code == 0, err
    paragraphs = [p.text for p in docx.Document(str(target)).paragraphs if p.text]
    text = "\n".join(paragraphs)
    assert "截至2021年" in text and "报送第二季度进展" in text
    assert "请补充决算公开链接" not in text
    today = date.today()
    code, out, err = _admin(
        run_cli, "plan", "bulletin", "--year", "2021", "--quarter", "2", "-o", str(target),
        "--as-of", today.isoformat(), "--date", "2021-07-20",
    )  # fmt: skip
    assert code == 0, err
    paragraphs = [p.text for p in docx.Document(str(target)).paragraphs if p.text]
    text = "\n".join(paragraphs)
    assert f"截至{today.year}年{today.month}月{today.day}日" in text
    assert "第5项“推进重点领域信息特别是财政资金使用信息公开”（责任）" in text
    assert "请补充决算公开链接" in text
    assert paragraphs[-1] == "2021年7月20日"
    assert_official_page(target)


def test_export_tasks_writes_the_breakdown(run_cli, tmp_path):
    """export tasks -o FILE.xlsx --year writes one row per task × division."""
    _setup(run_cli, "开发指导处", "社会帮扶处")
    target = tmp_path / "任务分解表.xlsx"
    code, _, err = _admin(run_cli, "export", "tasks", "-o", str(target), "--year", "2021")
    assert code == 1 and "还没有导入工作要点" in err and not target.exists()
    assert _admin(run_cli, "plan", "import", str(SEED), "--year", "2021")[0] == 0
    code, out, err = _admin(run_cli, "export", "tasks", "-o", str(target), "--year", "2021")
    assert code == 0, err
    con = _db(tmp_path)
    expected = con.execute("SELECT count(*) FROM plan_assignment").fetchone()[0]
    assert f"任务分解表 {expected} 行" in out
    ws = openpyxl.load_workbook(target)["任务分解表"]
    assert ws.max_row == expected + 1


def test_report_over_a_reviewed_report_is_refused_without_replace(run_cli, tmp_path):
    """plan report over a reviewed report exits 1 and keeps the reviewed text and result until
    --replace-reviewed is given; a missing --file exits 1 before anything is stored."""
    _setup(run_cli, "开发指导处")
    _add_liaison(run_cli, "lly", "开发指导处")
    assert _admin(run_cli, "plan", "import", str(SEED), "--year", "2021")[0] == 0
    report = ("--as", "lly", "plan", "report", "--year", "2021", "--task", "5", "--quarter", "2",
              "--status", "推进中")  # fmt: skip
    assert run_cli(*report, "--progress", "预算已公开", password=LIAISON_PASSWORD)[0] == 0
    review = ("plan", "review", "--year", "2021", "--task", "5", "--division", "开发指导处",
              "--quarter", "2", "--result", "合格")  # fmt: skip
    assert _admin(run_cli, *review)[0] == 0
    code, _, err = run_cli(*report, "--progress", "改写的进展", password=LIAISON_PASSWORD)
    assert code == 1 and "已审核" in err and "--replace-reviewed" in err
    con = _db(tmp_path)
    assert con.execute("SELECT progress, review_result FROM task_report").fetchall() == [
        ("预算已公开", "pass")
    ]
    code, _, err = run_cli(
        *report, "--progress", "又一版", "--file", str(tmp_path / "missing.pdf"),
        "--replace-reviewed", password=LIAISON_PASSWORD,
    )  # fmt: skip
    assert code == 1 and "missing.pdf" in err
    assert con.execute("SELECT progress, review_result FROM task_report").fetchall() == [
        ("预算已公开", "pass")
    ]
    code, _, err = run_cli(
        *report, "--progress", "改写的进展", "--replace-reviewed", password=LIAISON_PASSWORD
    )
    assert code == 0, err
    assert con.execute("SELECT progress, review_result FROM task_report").fetchall() == [
        ("改写的进展", None)
    ]
