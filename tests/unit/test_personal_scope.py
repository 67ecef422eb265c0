"""One read rule for records holding personal information (requests, cases, 舆情, 互动 messages):
a liaison reads their own division's, the admin and leaders every division's — in lists,
details, exports and 报送包."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import openpyxl
import pytest
from sqlalchemy import select

from gongkai_desktop.app import AppContext, open_app
from gongkai_desktop.cli import main
from gongkai_desktop.db.engagement_models import PublicInteraction, PublicOpinion
from gongkai_desktop.db.request_models import DisclosureCase, DisclosureRequest
from gongkai_desktop.demo import DEMO_PASSWORD, demo_job
from gongkai_desktop.domain.engagement_choices import EngagementKind
from gongkai_desktop.domain.permissions import PERSONAL_RECORDS, personal_scope
from gongkai_desktop.errors import NotFound
from gongkai_desktop.package.container import open_package
from gongkai_desktop.progress import run_job
from gongkai_desktop.services.auth import AuthService
from gongkai_desktop.services.engagement import EngagementService
from gongkai_desktop.services.engagement_records import EngagementQuery
from gongkai_desktop.services.package import PackageService, Window
from gongkai_desktop.services.requests import RequestService


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    """Demo data with requests, cases, 舆情 and messages in several divisions."""
    ctx = open_app(tmp_path_factory.mktemp("scope") / "data")
    run_job(demo_job(ctx, None, 2026, 30))
    yield ctx
    ctx.close()


def _login(ctx: AppContext, user: str):  # type: ignore[no-untyped-def]
    return AuthService(ctx.db).login(user, DEMO_PASSWORD)


def _divisions_of(ctx: AppContext, model) -> set[int]:  # type: ignore[no-untyped-def]
    with ctx.db.read() as session:
        return set(session.scalars(select(model.division_id).where(model.deleted_at.is_(None))))


def test_the_rule() -> None:
    """The four kinds are named once; a liaison is limited to their division, others are not."""
    from gongkai_desktop.domain.labels import Role
    from gongkai_desktop.domain.permissions import Actor

    assert set(PERSONAL_RECORDS) == {
        "disclosure_request", "disclosure_case", "public_opinion", "public_interaction",
    }  # fmt: skip
    assert personal_scope(Actor(1, "l", Role.LIAISON, 7)) == 7
    assert personal_scope(Actor(1, "a", Role.ADMIN, 1)) is None
    assert personal_scope(Actor(1, "d", Role.LEADER, 1)) is None


def test_requests_and_cases_lists_and_details(demo) -> None:  # type: ignore[no-untyped-def]
    """A liaison lists only own requests and cases and cannot open another division's."""
    liaison = _login(demo, "lly_kf")
    assert len(_divisions_of(demo, DisclosureRequest)) > 1
    service = RequestService(demo.db, liaison)
    assert {r.data.division_id for r in service.list_requests()} == {liaison.division_id}
    assert {c.division_id for c in service.list_cases()} <= {liaison.division_id}
    with demo.db.read() as session:
        other = session.scalar(
            select(DisclosureRequest.id).where(DisclosureRequest.division_id != liaison.division_id)
        )
    with pytest.raises(NotFound):
        service.get_request(other)
    for user in ("admin", "leader"):
        everyone = RequestService(demo.db, _login(demo, user))
        assert {r.data.division_id for r in everyone.list_requests()} == _divisions_of(
            demo, DisclosureRequest
        )
        everyone.get_request(other)
    assert {c.division_id for c in RequestService(demo.db, _login(demo, "admin")).list_cases()} == (
        _divisions_of(demo, DisclosureCase)
    )


@pytest.mark.parametrize(
    ("kind", "model"),
    [(EngagementKind.PUBLIC_OPINION, PublicOpinion), (EngagementKind.INTERACTION, PublicInteraction)],
)
def test_opinions_and_messages_lists_and_details(demo, kind, model) -> None:  # type: ignore[no-untyped-def]
    """舆情 and 互动 messages: own division for a liaison, every division for admin and leader."""
    liaison = _login(demo, "lly_kf")
    assert len(_divisions_of(demo, model)) > 1
    service = EngagementService(demo.db, liaison)
    rows = service.list_records(EngagementQuery(kind))
    assert rows and {r.division_id for r in rows} == {liaison.division_id}
    with demo.db.read() as session:
        other = session.scalar(select(model.id).where(model.division_id != liaison.division_id))
    with pytest.raises(NotFound, match="个人信息"):
        service.get(kind, other)
    for user in ("admin", "leader"):
        everyone = EngagementService(demo.db, _login(demo, user))
        got = {r.division_id for r in everyone.list_records(EngagementQuery(kind))}
        assert got == _divisions_of(demo, model)
        assert everyone.get(kind, other).id == other


def test_other_kinds_stay_readable_by_all(demo) -> None:  # type: ignore[no-untyped-def]
    """Kinds without personal information (conferences, proposals, meetings, rectifications)
    list the same rows for a liaison as for the admin."""
    liaison, admin = _login(demo, "lly_kf"), _login(demo, "admin")
    seen_other = False
    for kind in (EngagementKind.PRESS_CONFERENCE, EngagementKind.PROPOSAL,
                 EngagementKind.MEETING, EngagementKind.RECTIFICATION):  # fmt: skip
        mine = EngagementService(demo.db, liaison).list_records(EngagementQuery(kind))
        everyone = EngagementService(demo.db, admin).list_records(EngagementQuery(kind))
        assert [r.id for r in mine] == [r.id for r in everyone]
        seen_other |= any(r.division_id != liaison.division_id for r in mine)
    assert seen_other


def test_open_opinions_of_a_liaison_are_their_own(demo) -> None:  # type: ignore[no-untyped-def]
    """The to-do list of 舆情 still owed shows a liaison only their division's."""
    liaison = _login(demo, "lly_kf")
    rows = EngagementService(demo.db, liaison).open_opinions()
    assert {r.division_id for r in rows} <= {liaison.division_id}


@pytest.mark.parametrize(("kind", "model"), [("requests", DisclosureRequest), ("cases", DisclosureCase)])
def test_exports_hold_only_own_rows(demo, kind, model, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`gongkai export requests|cases` by a liaison writes exactly their division's rows."""
    monkeypatch.setenv("GONGKAI_PASSWORD", DEMO_PASSWORD)
    out = tmp_path / f"{kind}.xlsx"
    args = ["--data-dir", str(demo.paths.data_dir), "--as", "lly_kf", "export", kind, "-o", str(out)]
    assert main(args) == 0
    ws = openpyxl.load_workbook(out).worksheets[0]
    column = [c.value for c in ws[1]].index("承办处室")
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if any(r)]
    liaison = _login(demo, "lly_kf")
    with demo.db.read() as session:
        own = session.scalars(
            select(model.id).where(
                model.division_id == liaison.division_id, model.deleted_at.is_(None)
            )
        ).all()
    assert len(rows) == len(own) > 0
    assert {r[column] for r in rows} == {"开发指导处"}


def test_package_leaves_out_another_divisions_personal_records(demo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A case of 开发指导处 about another division's request: the request is not in the package."""
    liaison = _login(demo, "lly_kf")
    with demo.db.read() as session:
        case_id = session.scalar(
            select(DisclosureCase.id).where(DisclosureCase.division_id == liaison.division_id)
        )
        foreign = session.scalar(
            select(DisclosureRequest.id).where(DisclosureRequest.division_id != liaison.division_id)
        )
        foreign_uuid = session.get(DisclosureRequest, foreign).uuid
    assert case_id and foreign
    con = sqlite3.connect(demo.paths.db_path)
    con.execute("UPDATE disclosure_case SET request_id = ? WHERE id = ?", (foreign, case_id))
    con.commit()
    con.close()
    pkg = tmp_path / "kf.gkpkg"
    run_job(PackageService(demo.db, liaison, demo.paths.attachments_dir).export_job("开发指导处", pkg))
    with open_package(pkg) as opened:
        part = opened.records["disclosure_request"]
        carried = {r["uuid"] for r in part["records"] + part["refs"]}
        divisions = {r["division_id"] for r in part["records"] + part["refs"]}
    assert foreign_uuid not in carried and divisions == {"开发指导处"}
    admin_pkg = tmp_path / "admin.gkpkg"
    everything = Window(None, None, "全部")
    run_job(PackageService(demo.db, _login(demo, "admin"), demo.paths.attachments_dir).export_job(
        "开发指导处", admin_pkg, everything))  # fmt: skip
    with open_package(admin_pkg) as opened:
        refs = {r["uuid"] for r in opened.records["disclosure_request"]["refs"]}
    assert foreign_uuid in refs  # the admin reads every division's
