"""Permissions on the PostgreSQL server itself: with a liaison's own database credential the
attacks that worked with the shared URL (making oneself admin, editing another division's
record, emptying or forging the audit log, reading password hashes) fail, while the app still
works for that liaison, logged in through the gate like on any PC."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import psycopg
import psycopg.rows
import pytest
from sqlalchemy.engine import make_url

from gongkai_desktop.app import open_app
from gongkai_desktop.audit import verify_chain
from gongkai_desktop.domain.labels import DivisionKind, Role
from gongkai_desktop.errors import AuthenticationFailed, PermissionDenied
from gongkai_desktop.server_setup import gate_role, login_role_name
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.auth import LOGIN_FAILED, AuthService
from gongkai_desktop.services.setup import initialize

pytestmark = pytest.mark.postgres
LIAISON_PASSWORD = "kf-liaison-7x"
ADMIN_PASSWORD = "admin-pass-1"
GATE_PASSWORD = "gate-pass-2026"


def _psycopg(url: str) -> str:
    return url.replace("+psycopg", "")


def _url(base: str, role: str, password: str) -> str:
    return make_url(base).set(username=role, password=password).render_as_string(False)


@pytest.fixture
def server(tmp_path, pg_url, run_cli, monkeypatch) -> Iterator[dict[str, object]]:  # type: ignore[no-untyped-def]
    """A set-up server: the unit, two divisions with a record each (an item, a request holding
    personal data, an interpretation with a draft), a liaison whose password IT set with
    ``server login``, and the gate's URL."""
    ctx = open_app(tmp_path / "owner", pg_url)
    admin = initialize(ctx.db, "测试局", "admin", ADMIN_PASSWORD)
    service = AdminService(ctx.db, admin)
    kf = service.add_division("开发指导处", DivisionKind.BUSINESS, "KF")
    sb = service.add_division("社会帮扶处", DivisionKind.BUSINESS, "SB")
    service.add_user("lly", "not-the-final-1", kf.id, Role.LIAISON)
    ctx.close()
    monkeypatch.setenv("GONGKAI_GATE_PASSWORD", GATE_PASSWORD)
    code, out, err = run_cli("server", "setup", "--owner-url", pg_url)
    assert code == 0 and "行级安全" in out, err
    database = str(make_url(pg_url).database)
    assert gate_role(database) in out
    for user, password in (("lly", LIAISON_PASSWORD), ("admin", ADMIN_PASSWORD)):
        code, out, err = run_cli("server", "login", user, "--owner-url", pg_url,
                                 new_password=password)  # fmt: skip
        assert code == 0, err
        assert login_role_name(database, user) in out
    role = login_role_name(database, "lly")
    with psycopg.connect(_psycopg(pg_url), autocommit=True) as con:
        for division, title in ((kf.id, "本处事项"), (sb.id, "他处事项")):
            con.execute(
                "INSERT INTO disclosure_item (uuid, division_id, title, category, attribute, "
                "formed_on, channels, link, doc_number, notes, created_at, updated_at, version) "
                "VALUES (gen_random_uuid()::text, %s, %s, '部门预算', 'proactive', '2025-01-02', "
                "0, '', '', '', now(), now(), 1)",
                (division, title),
            )
        # The plan's task for 开发指导处, and its quarterly report (not yet reviewed).
        con.execute(
            "INSERT INTO plan_task (uuid, division_id, year, no, section, title, text, "
            "sort_order, created_at, updated_at, version) VALUES (gen_random_uuid()::text, %s, "
            "2025, 1, '一、', '加大决策公开', '', 1, now(), now(), 1)",
            (kf.id,),
        )
        con.execute(
            "INSERT INTO plan_assignment (uuid, division_id, task_id, role, written_as, "
            "created_at, updated_at, version) SELECT gen_random_uuid()::text, %s, id, "
            "'responsible', '开发指导处', now(), now(), 1 FROM plan_task",
            (kf.id,),
        )
        con.execute(
            "INSERT INTO task_report (uuid, division_id, assignment_id, quarter, progress, "
            "status, links, submitted_on, review_comment, created_at, updated_at, version) "
            "SELECT gen_random_uuid()::text, %s, id, 1, '已完成', 'done', '[]', '2025-03-20', "
            "'', now(), now(), 1 FROM plan_assignment",
            (kf.id,),
        )
    # The other division's request and interpretation, written by the admin through the app.
    pc = open_app(tmp_path / "adminpc", _url(pg_url, gate_role(database), GATE_PASSWORD))
    try:
        admin_actor = AuthService(pc.db).login("admin", ADMIN_PASSWORD)
        _other_division_records(pc.db, admin_actor, sb.id)
    finally:
        pc.close()
    yield {
        "owner": pg_url,
        "liaison": _url(pg_url, role, LIAISON_PASSWORD),
        "gate": _url(pg_url, gate_role(database), GATE_PASSWORD),
        "role": role,
        "kf": kf.id,
        "sb": sb.id,
    }


def _other_division_records(db, admin, division_id: int) -> None:  # type: ignore[no-untyped-def]
    from gongkai_desktop.domain.interpretation import InterpretationFields
    from gongkai_desktop.domain.requests import ApplicantType, Channel
    from gongkai_desktop.services.interpretations import InterpretationService
    from gongkai_desktop.services.requests import RequestInput, RequestService

    RequestService(db, admin).create_request(
        RequestInput("SB-1", date(2025, 3, 3), Channel.ONLINE, ApplicantType.NATURAL_PERSON,
                     division_id, applicant="李四")  # type: ignore[arg-type]
    )  # fmt: skip
    interpretations = InterpretationService(db, admin)
    fields = InterpretationFields(title="关于他处政策的解读", document_title="关于他处的政策")
    created = interpretations.create(division_id, fields)
    interpretations.save_draft(created.row.id, created.row.version, fields)


ATTACKS = [
    "UPDATE app_user SET role = 'admin' WHERE username = 'lly'",
    "UPDATE app_user SET division_id = (SELECT max(id) FROM division) WHERE username = 'lly'",
    "UPDATE app_user SET password_hash = 'x' WHERE username = 'admin'",
    "SELECT password_hash FROM app_user WHERE username = 'admin'",
    "INSERT INTO app_user (uuid, username, display_name, password_hash, role, division_id, "
    "active, failed_logins, created_at, updated_at, version) VALUES ('u', 'evil', 'evil', "
    "'x', 'admin', 1, true, 0, now(), now(), 1)",
    "UPDATE division SET name = '被改了'",
    "TRUNCATE audit_log",
    "DELETE FROM audit_log",
    "UPDATE audit_log SET detail = 'x'",
    # A forged row: another user's name, a made-up hash linked anywhere.
    "INSERT INTO audit_log (ts, user_id, username, action, entity, entity_id, outcome, detail, "
    "prev_hash, hash) SELECT '2025-01-01T00:00:00.000000Z', 1, 'admin', 'user.update', 'user', "
    "'2', 'ok', '', max(hash), repeat('a', 64) FROM audit_log",
    "SELECT gongkai_audit_append(1, 'admin', 'user.update', 'user', '2', NULL, 'ok', NULL, "
    "NULL, '')",
    "SELECT gongkai_set_login(1, 'SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy')",
    "SELECT gongkai_set_login((SELECT id FROM app_user WHERE username = 'lly'), NULL)",
    "CREATE ROLE planted_role",
    "CREATE TABLE planted (x int)",
    "DROP TRIGGER {audit_trigger} ON audit_log",
    "ALTER TABLE disclosure_item DISABLE ROW LEVEL SECURITY",
    "INSERT INTO evaluation_indicator (year, code, name, weight_centi, method, measured, met, "
    "sort_order) VALUES (2025, 'X1', '自设指标', 9900, 'manual', '', '', 0)",
    "INSERT INTO evaluation_adjustment (uuid, year, division_id, kind, points_centi, reason, "
    "created_at, updated_at, version) VALUES ('e', 2025, {kf}, 'adjust', 1000, '自加分', now(), "
    "now(), 1)",
    "UPDATE setting SET value = '\"被改了\"'",
    "UPDATE interpretation_draft SET fields = '{{}}'",
    "DELETE FROM interpretation_draft",
    "UPDATE disclosure_request SET applicant = '改' WHERE division_id = {sb}",
    "UPDATE task_report SET review_result = 'pass', reviewed_at = now()",
    "UPDATE plan_task SET title = '改'",
    "SELECT gongkai_login_failed('admin')",
    "UPDATE app_user SET failed_logins = 99 WHERE username = 'admin'",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_liaison_credential_cannot_do_what_a_liaison_may_not(server, attack) -> None:  # type: ignore[no-untyped-def]
    """Each attack is refused by the server itself for the liaison's role (permission denied, or
    row-level security leaves it no row to touch): nothing changes."""
    before = _state(str(server["owner"]))
    with psycopg.connect(_psycopg(str(server["owner"]))) as con:
        trigger = con.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal"
        ).fetchone()[0]
    attack = attack.format(audit_trigger=f'"{trigger}"', kf=server["kf"], sb=server["sb"])
    with psycopg.connect(_psycopg(str(server["liaison"])), autocommit=True) as con:
        try:
            touched = con.execute(attack).rowcount
        except (psycopg.errors.InsufficientPrivilege, psycopg.errors.UndefinedFunction):
            touched = 0
    assert touched == 0
    assert _state(str(server["owner"])) == before


def _state(owner_url: str) -> tuple[object, ...]:
    """What the attacks aim at: users and their roles and hashes, divisions, settings, the audit
    log, the server's roles and tables, drafts, scores, the personal records."""
    with psycopg.connect(_psycopg(owner_url)) as con:
        return tuple(
            con.execute(query).fetchall()
            for query in (
                "SELECT username, role, division_id, password_hash, failed_logins, locked_until "
                "FROM app_user ORDER BY id",
                "SELECT name FROM division ORDER BY id",
                "SELECT key, value FROM setting ORDER BY key",
                "SELECT count(*), max(hash) FROM audit_log",
                "SELECT count(*) FROM pg_tables WHERE tablename = 'planted'",
                "SELECT count(*) FROM pg_roles WHERE rolname = 'planted_role'",
                "SELECT r.rolname, r.rolcanlogin, g.rolname FROM pg_roles r "
                "LEFT JOIN pg_auth_members m ON m.member = r.oid "
                "LEFT JOIN pg_roles g ON g.oid = m.roleid "
                "WHERE r.rolname LIKE 'gk\\_%' ORDER BY 1, 3",
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass",
                "SELECT relrowsecurity FROM pg_class WHERE relname = 'disclosure_item'",
                "SELECT count(*) FROM evaluation_indicator",
                "SELECT count(*) FROM evaluation_adjustment",
                "SELECT fields FROM interpretation_draft ORDER BY id",
                "SELECT applicant FROM disclosure_request ORDER BY id",
                "SELECT review_result, reviewed_at FROM task_report ORDER BY id",
                "SELECT title FROM plan_task ORDER BY id",
            )
        )


def test_row_level_security_keeps_a_liaison_to_their_division(server) -> None:  # type: ignore[no-untyped-def]
    """Another division's records can be read but not changed, deleted or added; the own
    division's can. Another division's applicants cannot even be read."""
    with psycopg.connect(_psycopg(str(server["liaison"])), autocommit=True) as con:
        assert con.execute("SELECT count(*) FROM disclosure_item").fetchone()[0] == 2
        assert con.execute("SELECT count(*) FROM disclosure_request").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM interpretation_draft").fetchone()[0] == 1
        other = con.execute(
            "UPDATE disclosure_item SET title = '改' WHERE division_id = %s", (server["sb"],)
        )
        assert other.rowcount == 0
        assert (
            con.execute(
                "DELETE FROM disclosure_item WHERE division_id = %s", (server["sb"],)
            ).rowcount
            == 0
        )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute(
                "UPDATE disclosure_item SET division_id = %s WHERE division_id = %s",
                (server["sb"], server["kf"]),
            )
        own = con.execute(
            "UPDATE disclosure_item SET notes = '本处改' WHERE division_id = %s", (server["kf"],)
        )
        assert own.rowcount == 1
        report = con.execute("UPDATE task_report SET progress = '已完成，已公开'")
        assert report.rowcount == 1
    with psycopg.connect(_psycopg(str(server["owner"]))) as con:
        titles = sorted(r[0] for r in con.execute("SELECT title FROM disclosure_item"))
    assert titles == ["他处事项", "本处事项"]


def test_the_gate_can_do_nothing_but_admit(server) -> None:  # type: ignore[no-untyped-def]
    """The PCs' shared credential reads no table and calls none of the users' functions."""
    with psycopg.connect(_psycopg(str(server["gate"])), autocommit=True) as con:
        for query in (
            "SELECT * FROM app_user",
            "SELECT * FROM disclosure_item",
            "SELECT * FROM audit_log",
            "SELECT gongkai_own_password_hash()",
            "SELECT gongkai_set_login(1, NULL)",
            "SELECT gongkai_append_audit('x', '', '', NULL, 'ok', NULL, NULL, '')",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute(query)
        initialized, unit = con.execute("SELECT * FROM gongkai_gate_info()").fetchone()
    assert initialized is True and unit == '"测试局"'


def test_the_server_writes_every_audit_row_and_keeps_the_chain(server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A row asked for by a liaison's connection is stamped by the server with that liaison and
    its own time, and hashed exactly as the app hashes, whatever characters it holds."""
    from gongkai_desktop import audit

    ctx = open_app(tmp_path / "pc", str(server["gate"]))
    try:
        AuthService(ctx.db).login("lly", LIAISON_PASSWORD)
        tricky = 'a "quoted" \\ back\nnew line\ttab \x01 ctrl \u2028 sep 😀 中文 </script>'
        with ctx.db.write() as session:
            audit.record(session, audit.AuditActor(1, "admin"), "test.forged_actor",
                         entity="x" * 80, detail=tricky, before={"k": tricky}, after=None)  # fmt: skip
        with ctx.db.read() as session:
            assert verify_chain(session).ok
    finally:
        ctx.close()
    with psycopg.connect(_psycopg(str(server["owner"]))) as con:
        user_id, username, detail, ts = con.execute(
            "SELECT user_id, username, detail, ts FROM audit_log WHERE action = 'test.forged_actor'"
        ).fetchone()
        lly = con.execute("SELECT id FROM app_user WHERE username = 'lly'").fetchone()[0]
    assert (user_id, username, detail) == (lly, "lly", tricky)
    assert ts.endswith("Z") and ts[:4] == str(date.today().year)


def test_log_in_through_the_gate(server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A PC holding only the gate's credential: an unknown name and a wrong password get the
    one answer and are counted and audited; the right password connects as the user's own
    role; 注销 goes back to the gate."""
    ctx = open_app(tmp_path / "pc", str(server["gate"]))
    try:
        assert ctx.db.on_gate
        auth = AuthService(ctx.db)
        for name, password in (("nobody", "whatever-12"), ("lly", "wrong-pass-12")):
            with pytest.raises(AuthenticationFailed) as refused:
                auth.login(name, password)
            assert str(refused.value) == LOGIN_FAILED
            assert ctx.db.on_gate
        actor = auth.login("lly", LIAISON_PASSWORD)
        assert make_url(ctx.db.url).username == server["role"]
        with pytest.raises(PermissionDenied):
            AdminService(ctx.db, actor).add_division("X处")
        auth.logout(actor)
        assert ctx.db.on_gate
    finally:
        ctx.close()
    with psycopg.connect(_psycopg(str(server["owner"]))) as con:
        rows = con.execute(
            "SELECT username, outcome FROM audit_log WHERE action = 'login' ORDER BY id"
        ).fetchall()
        failed = con.execute("SELECT failed_logins FROM app_user WHERE username = 'lly'").fetchone()
    assert rows[-3:] == [("nobody", "failed"), ("lly", "failed"), ("lly", "ok")]
    assert failed == (0,)


def test_an_admin_manages_log_in_roles_through_the_app(server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Adding a user makes their log-in role with their password; making them a leader moves
    their role to the leaders' group (the server then refuses their writes); deactivating them
    stops their log-in on the server itself."""
    owner = str(server["owner"])
    database = str(make_url(owner).database)
    ctx = open_app(tmp_path / "pc", str(server["gate"]))
    try:
        admin = AuthService(ctx.db).login("admin", ADMIN_PASSWORD)
        service = AdminService(ctx.db, admin)
        new = service.add_user("zs", "zs-first-pass-1", int(server["kf"]), Role.LIAISON)  # type: ignore[arg-type]
        role = login_role_name(database, "zs")
        zs_url = _url(owner, role, "zs-first-pass-1")
        with psycopg.connect(_psycopg(zs_url), autocommit=True) as con:
            assert (
                con.execute(
                    "UPDATE disclosure_item SET notes = 'zs' WHERE division_id = %s",
                    (server["kf"],),
                ).rowcount
                == 1
            )
        current = next(u for u in service.list_users() if u.id == new.id)
        service.update_user(new.id, expected_version=current.version, role=Role.LEADER)
        with psycopg.connect(_psycopg(zs_url), autocommit=True) as con:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute("UPDATE disclosure_item SET notes = 'leader'")
        current = next(u for u in service.list_users() if u.id == new.id)
        service.update_user(new.id, expected_version=current.version, active=False)
    finally:
        ctx.close()
    with psycopg.connect(_psycopg(owner)) as con:
        assert con.execute(
            "SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", (role,)
        ).fetchone() == (False,)
        actions = [r[0] for r in con.execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions.count("db_login.set") >= 3
    # The server's own record of each change of the account, besides the app's rows.
    assert actions.count("db_user.insert") == 1 and actions.count("db_user.update") == 2


def test_the_server_audits_an_admins_own_sql(server) -> None:  # type: ignore[no-untyped-def]
    """An administrator's credential may change users, but not without a trace: the server
    writes the audit row itself, attributed to that administrator, and the chain holds."""
    from gongkai_desktop.audit import verify_rows

    database = str(make_url(str(server["owner"])).database)
    admin_url = _url(str(server["owner"]), login_role_name(database, "admin"), ADMIN_PASSWORD)
    with psycopg.connect(_psycopg(admin_url), autocommit=True) as con:
        assert (
            con.execute("UPDATE app_user SET role = 'leader' WHERE username = 'lly'").rowcount == 1
        )
        con.execute("UPDATE app_user SET last_login_at = now() WHERE username = 'lly'")
    with psycopg.connect(_psycopg(str(server["owner"])), row_factory=psycopg.rows.dict_row) as con:
        rows = con.execute("SELECT * FROM audit_log ORDER BY id").fetchall()
    assert verify_rows(rows).ok
    last = rows[-1]
    assert (last["action"], last["username"]) == ("db_user.update", "admin")
    assert "角色 liaison→leader" in last["detail"]
    assert rows[-2]["action"] != "db_user.update"  # log-in bookkeeping is not an account change


def test_the_app_works_on_the_liaisons_credential(server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Logged in through the gate, the liaison works as before: records of their division,
    their own password; a refusal is audited and the audit chain still verifies."""
    from gongkai_desktop.domain.requests import ApplicantType, Channel
    from gongkai_desktop.services.requests import RequestInput, RequestService

    ctx = open_app(tmp_path / "pc", str(server["gate"]))
    try:
        liaison = AuthService(ctx.db).login("lly", LIAISON_PASSWORD)
        with pytest.raises(PermissionDenied):
            AdminService(ctx.db, liaison).add_division("X处")
        own = RequestService(ctx.db, liaison).create_request(
            RequestInput("Y-1", date(2025, 3, 3), Channel.ONLINE, ApplicantType.NATURAL_PERSON,
                         int(server["kf"]), applicant="张三")  # type: ignore[arg-type]
        )  # fmt: skip
        assert own.data.reg_no == "Y-1"
        AdminService(ctx.db, liaison).change_own_password(LIAISON_PASSWORD, "kf-new-pass-8y")
        with ctx.db.read() as session:
            assert verify_chain(session).ok
    finally:
        ctx.close()
    # The new password is the server's too; the old one no longer is the app's.
    again = open_app(tmp_path / "pc2", str(server["gate"]))
    try:
        with pytest.raises(AuthenticationFailed):
            AuthService(again.db).login("lly", LIAISON_PASSWORD)
        AuthService(again.db).login("lly", "kf-new-pass-8y")
    finally:
        again.close()
    with psycopg.connect(_psycopg(str(server["liaison"])), autocommit=True) as con:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute(
                "UPDATE disclosure_request SET division_id = %s WHERE reg_no = 'Y-1'",
                (server["sb"],),
            )


def test_the_cli_logs_in_through_the_gate(server, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """``--db`` with the gate's URL and ``--as``: the user's own credential, same answers."""
    from gongkai_desktop.cli import main

    def run(user: str, password: str, *args: str) -> tuple[int, str]:
        monkeypatch.setenv("GONGKAI_PASSWORD", password)
        capsys.readouterr()
        code = main(["--db", str(server["gate"]), "--as", user, *args])
        return code, capsys.readouterr().err

    code, err = run("lly", "wrong-pass-12", "audit", "verify")
    assert code == 1 and LOGIN_FAILED in err, err
    code, err = run("admin", ADMIN_PASSWORD, "audit", "verify")
    assert code == 0, err
    code, err = run("lly", LIAISON_PASSWORD, "division", "add", "新处")
    assert code == 1 and "管理员" in err, err
    capsys.readouterr()
    assert main(["--db", str(server["gate"]), "audit", "verify"]) == 1
    assert "连接账号只能用于登录" in capsys.readouterr().err


def test_each_pc_keeps_what_it_saw_of_the_servers_chain(server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Rows other PCs append are expected; rows this PC saw that the owner cut away are not."""
    from gongkai_desktop import anchor

    ctx = open_app(tmp_path / "pc", str(server["gate"]))
    try:
        actor = AuthService(ctx.db).login("admin", ADMIN_PASSWORD)
        other = open_app(tmp_path / "other-pc", str(server["gate"]))
        try:
            AuthService(other.db).login("lly", LIAISON_PASSWORD)
        finally:
            other.close()
        report = anchor.verify(ctx.db)
        assert report.ok, report.reason
        AdminService(ctx.db, actor).add_division("新设处")
        with psycopg.connect(_psycopg(str(server["owner"])), autocommit=True) as con:
            con.execute("TRUNCATE audit_log")
        report = anchor.verify(ctx.db)
    finally:
        ctx.close()
    assert not report.ok and "全部删除" in report.reason


def test_a_number_taken_in_another_division_is_refused_in_words(server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A liaison cannot read another division's requests, yet a 登记编号 taken there is still
    refused with a message, not a database error."""
    from gongkai_desktop.domain.requests import ApplicantType, Channel
    from gongkai_desktop.errors import ValidationError
    from gongkai_desktop.services.requests import RequestInput, RequestService

    ctx = open_app(tmp_path / "pc", str(server["gate"]))
    try:
        liaison = AuthService(ctx.db).login("lly", LIAISON_PASSWORD)
        with pytest.raises(ValidationError) as refused:
            RequestService(ctx.db, liaison).create_request(
                RequestInput("SB-1", date(2025, 3, 4), Channel.ONLINE,
                             ApplicantType.NATURAL_PERSON, int(server["kf"]), applicant="王五")  # type: ignore[arg-type]
            )  # fmt: skip
    finally:
        ctx.close()
    assert "SB-1" in str(refused.value)


def test_an_import_over_another_divisions_number_is_refused_in_words(server, tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """The import cannot see the other division's request either: the database's refusal of
    the taken 登记编号 comes back in words, exit 1, nothing stored."""
    import openpyxl

    from gongkai_desktop.cli import main

    monkeypatch.setenv("GONGKAI_PASSWORD", LIAISON_PASSWORD)
    gate = str(server["gate"])
    template = tmp_path / "requests.xlsx"
    assert main(["--db", gate, "--as", "lly", "template", "requests", "-o", str(template)]) == 0
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    row = {"登记编号": "SB-1", "收到日期": "2025-03-05", "申请方式": "网络",
           "申请人类型": "自然人", "申请人": "赵六", "承办处室": "开发指导处"}  # fmt: skip
    for column, header in enumerate(headers, start=1):
        if header in row:
            sheet.cell(row=2, column=column, value=row[header])
    book.save(template)
    capsys.readouterr()
    code = main(["--db", gate, "--as", "lly", "import", "requests", str(template)])
    err = capsys.readouterr().err
    assert code == 1 and "登记编号已被使用" in err, err
    with psycopg.connect(_psycopg(str(server["owner"]))) as con:
        assert con.execute("SELECT applicant FROM disclosure_request").fetchall() == [("李四",)]
