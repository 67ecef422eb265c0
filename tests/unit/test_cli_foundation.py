"""The foundation commands of ``gongkai`` (SPEC §15): exit codes, Chinese errors, permissions."""

from __future__ import annotations

import sqlite3
import unicodedata

from support import ADMIN_PASSWORD

NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日放假，共3天。
二、春节：2月6日（周六）至13日（周六）放假调休，共8天。2月14日（周日）上班。
"""


def _init(run_cli):  # type: ignore[no-untyped-def]
    code, out, err = run_cli("init", "--unit", "测试局", "--admin", "boss", password=ADMIN_PASSWORD)
    assert code == 0, err
    return out


def test_workday_after_examples_of_the_acceptance_list(run_cli):
    """The two documented examples: a Sunday make-up day and a count across New Year."""
    _init(run_cli)
    assert run_cli("calendar", "workday-after", "2021-09-24", "1")[1].strip() == "2021-09-26"
    assert run_cli("calendar", "workday-after", "2021-12-31", "20")[1].strip() == "2022-01-29"


def test_year_without_arrangement_fails_then_works_after_notice_import(run_cli, tmp_path, notice_text):
    """A 2027 date exits 1 naming 2027 until the 2027 notice is imported, then it computes."""
    _init(run_cli)
    code, out, err = run_cli("calendar", "workday-after", "2027-02-04", "1")
    assert code == 1 and "2027" in err and out == ""
    notice = tmp_path / "notice.txt"
    notice.write_text(notice_text("notice-2027"), encoding="utf-8")
    code, out, err = run_cli("--as", "boss", "calendar", "import-notice", str(notice), "--year",
                             "2027", password=ADMIN_PASSWORD)
    assert code == 0, err
    assert "2027-02-20" in out
    # Thursday 4 Feb 2027 -> the holiday runs 5–13 Feb; Saturday 20 Feb is a make-up working day.
    assert run_cli("calendar", "workday-after", "2027-02-04", "1")[1].strip() == "2027-02-15"
    assert run_cli("calendar", "workday-after", "2027-02-19", "1")[1].strip() == "2027-02-20"


def test_notice_missing_festivals_exits_1_naming_them(run_cli, tmp_path):
    """A notice of two festivals exits 1 naming the five missing ones, and stores nothing."""
    _init(run_cli)
    notice = tmp_path / "notice.txt"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    code, _out, err = run_cli("--as", "boss", "calendar", "import-notice", str(notice), "--year",
                              "2027", password=ADMIN_PASSWORD)
    assert code == 1
    assert "清明节、劳动节、端午节、中秋节、国庆节" in err
    assert run_cli("calendar", "workday-after", "2027-01-04", "1")[0] == 1


def test_notice_of_another_year_exits_1_naming_both_years(run_cli, tmp_path, notice_text):
    """The 2027 notice, its title wrapped over two lines, imported as 2021 (whose weekdays are
    2027's) exits 1 naming 2027 and 2021, and stores nothing."""
    _init(run_cli)
    notice = tmp_path / "notice.txt"
    text = notice_text("notice-2027").replace("2027年部分", "2027年\n部分", 1)
    notice.write_text(text, encoding="utf-8")
    code, out, err = run_cli("--as", "boss", "calendar", "import-notice", str(notice), "--year",
                             "2021", password=ADMIN_PASSWORD)
    assert code == 1 and out == ""
    assert "这份通知是2027年的节假日安排，而导入的年份是2021年" in err
    con = sqlite3.connect(tmp_path / "data" / "gongkai.db")
    assert con.execute("SELECT count(*) FROM holiday_notice").fetchone() == (0,)
    con.close()


def test_notice_file_with_format_characters_is_stored_without_them(run_cli, tmp_path, notice_text):
    """Bidi controls and zero-width spaces in the file, even inside 春节 and a date, are taken
    out: the notice is read as printed and neither its title, its text nor a day keeps them."""
    _init(run_cli)
    text = notice_text("notice-2027")
    for clean, dirty in [("国务院办公厅关于", "\u2066国务院办公厅关于\u2069"),
                         ("二、春节", "二、春\u202e节"), ("2月20日", "2\u200b月20日"),
                         ("五、端午节", "五、\ufeff端午\u200f节")]:
        text = text.replace(clean, dirty, 1)
    notice = tmp_path / "notice.txt"
    notice.write_text(text, encoding="utf-8")
    code, out, err = run_cli("--as", "boss", "calendar", "import-notice", str(notice), "--year",
                             "2027", password=ADMIN_PASSWORD)
    assert code == 0, err
    assert "放假：春节\t2027-02-05 至 2027-02-13" in out and "调休上班：2027-02-20" in out
    con = sqlite3.connect(tmp_path / "data" / "gongkai.db")
    title, source = con.execute("SELECT title, source FROM holiday_notice").fetchone()
    names = [n for (n,) in con.execute("SELECT DISTINCT name FROM holiday_notice_day")]
    (year_source,) = con.execute("SELECT source FROM holiday_year").fetchone()
    con.close()
    assert title == "国务院办公厅关于2027年部分节假日安排的通知"
    assert "二、春节：2月5日" in source and "春节" in names and "端午节" in names
    stored = [title, source, year_source, *names]
    assert not [ch for s in stored for ch in s if unicodedata.category(ch) == "Cf"]


def test_amendment_is_stored_and_survives_reimport_of_the_notice(run_cli, tmp_path, notice_text):
    """The 2020 extension imported with --amendment stays after the 2020 notice is re-imported."""
    _init(run_cli)
    notice, amendment = tmp_path / "notice.txt", tmp_path / "amendment.txt"
    notice.write_text(notice_text("notice-2020"), encoding="utf-8")
    amendment.write_text(notice_text("amendment-2020"), encoding="utf-8")
    args = ("--as", "boss", "calendar", "import-notice")
    assert run_cli(*args, str(notice), "--year", "2020", password=ADMIN_PASSWORD)[0] == 0
    code, out, err = run_cli(*args, str(amendment), "--year", "2020", "--amendment",
                             password=ADMIN_PASSWORD)
    assert code == 0, err
    assert "2020-01-31 至 2020-02-02" in out and "未使用（不产生日期）：二、各类高校" in out
    assert run_cli(*args, str(notice), "--year", "2020", password=ADMIN_PASSWORD)[0] == 0
    # 23 January 2020 (Thursday, the last day before 春节) + 1 working day: 3 February, not 31 January.
    assert run_cli("calendar", "workday-after", "2020-01-23", "1")[1].strip() == "2020-02-03"


def test_notice_import_is_refused_to_a_liaison(run_cli, tmp_path, notice_text):
    """Only an admin stores a holiday arrangement; the liaison's attempt exits 1 and is audited."""
    _init(run_cli)
    assert run_cli("--as", "boss", "division", "add", "开发指导处", password=ADMIN_PASSWORD)[0] == 0
    assert run_cli("--as", "boss", "user", "add", "lly", "--division", "开发指导处", "--role",
                   "liaison", password=ADMIN_PASSWORD, new_password="lly-pass-1")[0] == 0
    notice = tmp_path / "notice.txt"
    notice.write_text(notice_text("notice-2027"), encoding="utf-8")
    code, _out, err = run_cli("--as", "lly", "calendar", "import-notice", str(notice), "--year",
                              "2027", password="lly-pass-1")
    assert code == 1 and "管理员" in err
    assert run_cli("calendar", "workday-after", "2027-02-05", "1")[0] == 1
    con = sqlite3.connect(tmp_path / "data" / "gongkai.db")
    rows = con.execute(
        "SELECT username, outcome FROM audit_log WHERE action='calendar.import_notice'"
    ).fetchall()
    assert rows == [("lly", "denied")]


def test_liaison_refused_admin_operations_and_nothing_changes(run_cli, tmp_path):
    """division add and user add by a liaison exit 1 with a Chinese reason; both are audited."""
    _init(run_cli)
    run_cli("--as", "boss", "division", "add", "开发指导处", password=ADMIN_PASSWORD)
    run_cli("--as", "boss", "user", "add", "lly", "--division", "开发指导处", "--role", "liaison",
            password=ADMIN_PASSWORD, new_password="lly-pass-1")
    code, _, err = run_cli("--as", "lly", "division", "add", "新处室", password="lly-pass-1")
    assert code == 1 and "只有管理员" in err
    code, _, err = run_cli("--as", "lly", "user", "add", "x", "--division", "综合处", "--role",
                           "admin", password="lly-pass-1", new_password="x-pass-123")
    assert code == 1
    con = sqlite3.connect(tmp_path / "data" / "gongkai.db")
    assert con.execute("SELECT count(*) FROM division WHERE name='新处室'").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM app_user WHERE username='x'").fetchone()[0] == 0
    denied = con.execute("SELECT action FROM audit_log WHERE outcome='denied' ORDER BY id").fetchall()
    assert denied == [("division.add",), ("user.add",)]


def test_audit_verify_detects_a_row_altered_in_the_file(run_cli, tmp_path):
    """An untouched database verifies; editing one audit row directly makes verify exit 1."""
    _init(run_cli)
    run_cli("--as", "boss", "division", "add", "开发指导处", password=ADMIN_PASSWORD)
    code, out, _ = run_cli("audit", "verify")
    assert code == 0 and "完整" in out
    con = sqlite3.connect(tmp_path / "data" / "gongkai.db")
    # The table refuses UPDATE by trigger; a tamperer with the file can drop it first.
    try:
        con.execute("UPDATE audit_log SET detail='x' WHERE id=2")
        raise AssertionError("the append-only trigger did not fire")
    except sqlite3.DatabaseError as exc:
        assert "只允许追加" in str(exc)
    con.execute("DROP TRIGGER audit_log_no_update")
    con.execute("UPDATE audit_log SET username='someone' WHERE id=2")
    con.commit()
    con.close()
    code, _, err = run_cli("audit", "verify")
    assert code == 1 and "第 2 条" in err


def test_wrong_password_exits_1_and_usage_error_exits_2(run_cli):
    """A failed login is an error (1); a malformed command line is a usage error (2)."""
    _init(run_cli)
    code, _, err = run_cli("--as", "boss", "division", "add", "X处", password="wrong-pass-1")
    assert code == 1 and "密码错误" in err
    assert run_cli("calendar", "workday-after", "2021-13-45", "1")[0] == 2
    assert run_cli("calendar")[0] == 2


def test_backup_check_and_restore_round_trip(run_cli, tmp_path):
    """A backup taken before a change restores the database as it was; check reports integrity."""
    _init(run_cli)
    target = tmp_path / "manual.db"
    code, _, err = run_cli("--as", "boss", "backup", "-o", str(target), password=ADMIN_PASSWORD)
    assert code == 0, err and target.exists()
    run_cli("--as", "boss", "division", "add", "后加处室", password=ADMIN_PASSWORD)
    code, out, err = run_cli("--as", "boss", "restore", str(target), password=ADMIN_PASSWORD)
    assert code == 0, err
    con = sqlite3.connect(tmp_path / "data" / "gongkai.db")
    assert con.execute("SELECT count(*) FROM division WHERE name='后加处室'").fetchone()[0] == 0
    backups = list((tmp_path / "data" / "backups").glob("*-before-restore.db"))
    assert len(backups) == 1
    code, out, _ = run_cli("check")
    assert code == 0 and "哈希链完整" in out


def test_init_twice_is_refused(run_cli):
    """A second init refuses and leaves the first admin in place."""
    _init(run_cli)
    code, _, err = run_cli("init", "--unit", "另一个", "--admin", "other", password=ADMIN_PASSWORD)
    assert code == 1 and "已经初始化" in err


def test_demo_creates_divisions_and_one_account_per_role(run_cli, tmp_path):
    """demo on an empty folder creates the unit, business divisions, admin, leader and liaisons."""
    code, out, err = run_cli("demo", "--year", "2021", "--scale", "0")
    assert code == 0, err
    con = sqlite3.connect(tmp_path / "data" / "gongkai.db")
    roles = dict(con.execute("SELECT role, count(*) FROM app_user GROUP BY role").fetchall())
    divisions = con.execute("SELECT count(*) FROM division").fetchone()[0]
    assert roles["admin"] == 1 and roles["leader"] == 1 and roles["liaison"] == divisions
    assert con.execute("SELECT count(*) FROM division WHERE kind='business'").fetchone()[0] >= 4


def test_out_of_range_year_and_internal_errors_give_chinese_messages(run_cli, monkeypatch):  # type: ignore[no-untyped-def]
    """--year 0 exits 1 with a Chinese message; an unexpected error or a full disk is told in
    Chinese with exit 1 and its traceback goes to the log file, not to the terminal."""
    import errno

    from gongkai_desktop.cli import foundation

    code, _, err = run_cli("init", "--unit", "测试局", "--admin", "admin", password="admin-pass-123")
    assert code == 0, err
    for args in (("export", "requests", "-o", "x.xlsx"), ("report", "annual", "-o", "a.docx")):
        code, _, err = run_cli("--as", "admin", *args, "--year", "0", password="admin-pass-123")
        assert code == 1 and "年度 0 不在 1900—2100 的范围内" in err and "Traceback" not in err

    def full_disk(ctx):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "No space left on device", "/backups/x.db")

    monkeypatch.setattr(foundation, "cmd_check", full_disk)
    code, _, err = run_cli("--as", "admin", "check", password="admin-pass-123")
    assert code == 1 and "磁盘空间不足" in err and "Traceback" not in err

    def defect(ctx):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError

    monkeypatch.setattr(foundation, "cmd_check", defect)
    code, _, err = run_cli("--as", "admin", "check", password="admin-pass-123")
    assert code == 1 and "程序内部出错" in err and "Traceback" not in err
