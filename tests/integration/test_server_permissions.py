"""Permissions on the PostgreSQL server itself: with a liaison's own database credential the
attacks that worked with the shared URL (making oneself admin, editing another division's
record, emptying the audit log) fail, while the app still works for that liaison."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.engine import make_url

from gongkai_desktop.app import open_app
from gongkai_desktop.audit import verify_chain
from gongkai_desktop.domain.labels import DivisionKind, Role
from gongkai_desktop.errors import PermissionDenied
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.auth import AuthService
from gongkai_desktop.services.setup import initialize

pytestmark = pytest.mark.postgres
LIAISON_PASSWORD = "kf-liaison-7x"


def _psycopg(url: str) -> str:
    return url.replace("+psycopg", "")


@pytest.fixture
def server(tmp_path, pg_url, run_cli) -> Iterator[dict[str, object]]:  # type: ignore[no-untyped-def]
    """A set-up server: the unit, two divisions, one record each, a liaison with a log-in role."""
    ctx = open_app(tmp_path / "owner", pg_url)
    admin = initialize(ctx.db, "测试局", "admin", "admin-pass-1")
    service = AdminService(ctx.db, admin)
    kf = service.add_division("开发指导处", DivisionKind.BUSINESS, "KF")
    sb = service.add_division("社会帮扶处", DivisionKind.BUSINESS, "SB")
    service.add_user("lly", LIAISON_PASSWORD, kf.id, Role.LIAISON)
    ctx.close()
    code, out, err = run_cli("server", "setup", "--owner-url", pg_url)
    assert code == 0 and "行级安全" in out, err
    code, out, err = run_cli("server", "login", "lly", "--owner-url", pg_url,
                             new_password="lly-db-pass-9")  # fmt: skip
    assert code == 0, err
    role = out.split("数据库登录角色 ")[1].split("；")[0]
    liaison_url = make_url(pg_url).set(username=role, password="lly-db-pass-9").render_as_string(False)
    with psycopg.connect(_psycopg(pg_url), autocommit=True) as con:
        for division, title in ((kf.id, "本处事项"), (sb.id, "他处事项")):
            con.execute(
                "INSERT INTO disclosure_item (uuid, division_id, title, category, attribute, "
                "formed_on, channels, link, doc_number, notes, created_at, updated_at, version) "
                "VALUES (gen_random_uuid()::text, %s, %s, '部门预算', 'proactive', '2025-01-02', "
                "0, '', '', '', now(), now(), 1)",
                (division, title),
            )
    yield {"owner": pg_url, "liaison": liaison_url, "role": role, "kf": kf.id, "sb": sb.id}
    with psycopg.connect(_psycopg(pg_url), autocommit=True) as con:
        con.execute(f'DROP OWNED BY "{role}"')
        con.execute(f'DROP ROLE IF EXISTS "{role}"')


@pytest.mark.parametrize(
    "attack",
    [
        "UPDATE app_user SET role = 'admin' WHERE username = 'lly'",
        "UPDATE app_user SET division_id = (SELECT max(id) FROM division) WHERE username = 'lly'",
        "UPDATE app_user SET password_hash = 'x' WHERE username = 'admin'",
        "INSERT INTO app_user (uuid, username, display_name, password_hash, role, division_id, "
        "active, failed_logins, created_at, updated_at, version) VALUES ('u', 'evil', 'evil', "
        "'x', 'admin', 1, true, 0, now(), now(), 1)",
        "UPDATE division SET name = '被改了'",
        "TRUNCATE audit_log",
        "DELETE FROM audit_log",
        "UPDATE audit_log SET detail = 'x'",
        "CREATE TABLE planted (x int)",
        "DROP TRIGGER {audit_trigger} ON audit_log",
        "ALTER TABLE disclosure_item DISABLE ROW LEVEL SECURITY",
    ],
)
def test_a_liaison_credential_cannot_do_what_a_liaison_may_not(server, attack) -> None:  # type: ignore[no-untyped-def]
    """Each attack of the red-team run is refused by the server itself for the liaison's role
    (permission denied, or row-level security leaves it no row to touch): nothing changes."""
    before = _state(str(server["owner"]))
    with psycopg.connect(_psycopg(str(server["owner"]))) as con:
        trigger = con.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal"
        ).fetchone()[0]
    attack = attack.format(audit_trigger=f'"{trigger}"')
    with psycopg.connect(_psycopg(str(server["liaison"])), autocommit=True) as con:
        try:
            touched = con.execute(attack).rowcount
        except psycopg.errors.InsufficientPrivilege:
            touched = 0
    assert touched == 0
    assert _state(str(server["owner"])) == before


def _state(owner_url: str) -> tuple[object, ...]:
    """What the attacks aim at: users and their roles and hashes, divisions, the audit log."""
    with psycopg.connect(_psycopg(owner_url)) as con:
        return (
            con.execute("SELECT username, role, division_id, password_hash FROM app_user "
                        "ORDER BY id").fetchall(),
            con.execute("SELECT name FROM division ORDER BY id").fetchall(),
            con.execute("SELECT count(*), max(hash) FROM audit_log").fetchone(),
            con.execute("SELECT count(*) FROM pg_tables WHERE tablename = 'planted'").fetchone(),
            con.execute("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass")
            .fetchone(),
            con.execute("SELECT relrowsecurity FROM pg_class WHERE relname = 'disclosure_item'")
            .fetchone(),
        )  # fmt: skip


def test_row_level_security_keeps_a_liaison_to_their_division(server) -> None:  # type: ignore[no-untyped-def]
    """Another division's records can be read but not changed, deleted or added; the own
    division's can."""
    with psycopg.connect(_psycopg(str(server["liaison"])), autocommit=True) as con:
        assert con.execute("SELECT count(*) FROM disclosure_item").fetchone()[0] == 2
        other = con.execute(
            "UPDATE disclosure_item SET title = '改' WHERE division_id = %s", (server["sb"],)
        )
        assert other.rowcount == 0
        assert con.execute(
            "DELETE FROM disclosure_item WHERE division_id = %s", (server["sb"],)
        ).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute(
                "UPDATE disclosure_item SET division_id = %s WHERE division_id = %s",
                (server["sb"], server["kf"]),
            )
        own = con.execute(
            "UPDATE disclosure_item SET notes = '本处改' WHERE division_id = %s", (server["kf"],)
        )
        assert own.rowcount == 1
    with psycopg.connect(_psycopg(str(server["owner"]))) as con:
        titles = sorted(r[0] for r in con.execute("SELECT title FROM disclosure_item"))
    assert titles == ["他处事项", "本处事项"]


def test_the_app_works_on_the_liaisons_credential(server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Logged in through the app on their own credential, the liaison works as before; a refusal
    is audited and the audit chain still verifies."""
    from datetime import date

    from gongkai_desktop.domain.requests import ApplicantType, Channel
    from gongkai_desktop.services.requests import RequestInput, RequestService

    ctx = open_app(tmp_path / "pc", str(server["liaison"]))
    try:
        liaison = AuthService(ctx.db).login("lly", LIAISON_PASSWORD)
        with pytest.raises(PermissionDenied):
            AdminService(ctx.db, liaison).add_division("X处")
        own = RequestService(ctx.db, liaison).create_request(
            RequestInput("Y-1", date(2025, 3, 3), Channel.ONLINE, ApplicantType.NATURAL_PERSON,
                         int(server["kf"]), applicant="张三")  # type: ignore[arg-type]
        )  # fmt: skip
        assert own.data.reg_no == "Y-1"
        with ctx.db.read() as session:
            assert verify_chain(session).ok
    finally:
        ctx.close()
    # The same credential, straight to the server: a request of another division is refused.
    with psycopg.connect(_psycopg(str(server["liaison"])), autocommit=True) as con:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute(
                "UPDATE disclosure_request SET division_id = %s WHERE reg_no = 'Y-1'",
                (server["sb"],),
            )
