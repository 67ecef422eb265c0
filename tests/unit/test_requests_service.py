"""The request register's service: permissions, audit, versions, validation, order, cases."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from gongkai_desktop.db.models import AuditEntry
from gongkai_desktop.db.request_models import DisclosureRequest
from gongkai_desktop.domain.labels import Role
from gongkai_desktop.domain.requests import (
    ApplicantType,
    CaseResult,
    CaseType,
    Channel,
    RequestState,
)
from gongkai_desktop.errors import ConflictError, PermissionDenied, ValidationError
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.requests import CaseInput, RequestInput, RequestService


def division_id(app_ctx, admin, name: str) -> int:  # type: ignore[no-untyped-def]
    return AdminService(app_ctx.db, admin).division_by_name(name).id


def make_input(division: int, reg_no: str = "2021-001", **kw) -> RequestInput:  # type: ignore[no-untyped-def]
    values = dict(
        reg_no=reg_no,
        receipt_date=date(2021, 9, 24),
        channel=Channel.ONLINE,
        applicant_type=ApplicantType.NATURAL_PERSON,
        division_id=division,
        applicant="张三",
        content="某项目批复文件",
    )
    values.update(kw)
    return RequestInput(**values)  # type: ignore[arg-type]


def audit_rows(app_ctx, action: str) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with app_ctx.db.read() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_liaison_creates_request_of_own_division_with_deadline(app_ctx, admin, liaison) -> None:  # type: ignore[no-untyped-def]
    """A liaison registers a request of their division; it gets its deadline and an audit row."""
    kf = division_id(app_ctx, admin, "开发指导处")
    row = RequestService(app_ctx.db, liaison).create_request(make_input(kf))
    assert row.deadline == date(2021, 10, 27)
    assert row.division_name == "开发指导处"
    [entry] = audit_rows(app_ctx, "request.create")
    assert entry.outcome == "ok" and entry.username == "lly_kf"


def test_liaison_cannot_touch_other_division_and_refusal_is_audited(
    app_ctx, admin, liaison
) -> None:  # type: ignore[no-untyped-def]
    """Creating or editing another division's request is refused, audited, and changes nothing."""
    sb = division_id(app_ctx, admin, "社会帮扶处")
    service = RequestService(app_ctx.db, liaison)
    with pytest.raises(PermissionDenied):
        service.create_request(make_input(sb))
    other = RequestService(app_ctx.db, admin).create_request(make_input(sb, "2021-009"))
    with pytest.raises(PermissionDenied):
        service.update_request(other.id, replace(other.data, applicant="李四"), other.version)
    denied = [e for e in audit_rows(app_ctx, "request.create") if e.outcome == "denied"]
    assert len(denied) == 1
    assert [e.outcome for e in audit_rows(app_ctx, "request.update")] == ["denied"]
    with app_ctx.db.read() as session:
        assert session.scalar(select(DisclosureRequest.applicant)) == "张三"


def test_liaison_cannot_move_request_to_another_division(app_ctx, admin, liaison) -> None:  # type: ignore[no-untyped-def]
    """Handing a request over to another division needs the right to edit both."""
    kf, sb = division_id(app_ctx, admin, "开发指导处"), division_id(app_ctx, admin, "社会帮扶处")
    service = RequestService(app_ctx.db, liaison)
    row = service.create_request(make_input(kf))
    with pytest.raises(PermissionDenied):
        service.update_request(row.id, replace(row.data, division_id=sb), row.version)


def test_leader_reads_but_cannot_edit(app_ctx, admin, make_user) -> None:  # type: ignore[no-untyped-def]
    """A leader sees every division's requests but cannot create one."""
    leader = make_user("boss", "综合处", Role.LEADER)
    kf = division_id(app_ctx, admin, "开发指导处")
    RequestService(app_ctx.db, admin).create_request(make_input(kf))
    service = RequestService(app_ctx.db, leader)
    assert [r.reg_no for r in service.list_requests()] == ["2021-001"]
    with pytest.raises(PermissionDenied):
        service.create_request(make_input(kf, "2021-002"))


def test_liaison_sees_only_own_division(app_ctx, admin, liaison) -> None:  # type: ignore[no-untyped-def]
    """Applicants' data stays in the handling division: a liaison lists only their own."""
    kf, sb = division_id(app_ctx, admin, "开发指导处"), division_id(app_ctx, admin, "社会帮扶处")
    service = RequestService(app_ctx.db, admin)
    service.create_request(make_input(kf, "A"))
    service.create_request(make_input(sb, "B"))
    assert [r.reg_no for r in RequestService(app_ctx.db, liaison).list_requests()] == ["A"]
    assert {r.reg_no for r in service.list_requests()} == {"A", "B"}


def test_stale_version_raises_conflict(app_ctx, admin, liaison) -> None:  # type: ignore[no-untyped-def]
    """Saving over a version someone else changed raises ConflictError and keeps their edit."""
    kf = division_id(app_ctx, admin, "开发指导处")
    mine = RequestService(app_ctx.db, liaison)
    row = mine.create_request(make_input(kf))
    RequestService(app_ctx.db, admin).update_request(
        row.id, replace(row.data, applicant="管理员改的"), row.version
    )
    with pytest.raises(ConflictError):
        mine.update_request(row.id, replace(row.data, applicant="联络员改的"), row.version)
    assert mine.get_request(row.id).row.data.applicant == "管理员改的"


def test_invalid_clock_is_refused_with_reasons(app_ctx, admin) -> None:  # type: ignore[no-untyped-def]
    """An answer before receipt, an outcome outside the list, an unapproved extension are refused."""
    kf = division_id(app_ctx, admin, "开发指导处")
    service = RequestService(app_ctx.db, admin)
    bad = make_input(kf, answer_date=date(2021, 9, 1), outcome="同意", extension_days=5)
    with pytest.raises(ValidationError) as err:
        service.create_request(bad)
    text = str(err.value)
    assert "答复日期早于收到日期" in text and "不是规定的办理结果" in text and "审批人" in text
    assert service.list_requests() == []


def test_duplicate_registration_number_is_refused(app_ctx, admin) -> None:  # type: ignore[no-untyped-def]
    """Two requests cannot share a 登记编号."""
    kf = division_id(app_ctx, admin, "开发指导处")
    service = RequestService(app_ctx.db, admin)
    service.create_request(make_input(kf))
    with pytest.raises(ValidationError, match="已被其他申请使用"):
        service.create_request(make_input(kf))


def test_list_puts_overdue_and_due_soon_on_top(app_ctx, admin) -> None:  # type: ignore[no-untyped-def]
    """Order: 逾期, then 临期, then open by deadline, then closed ones (newest first)."""
    kf = division_id(app_ctx, admin, "开发指导处")
    service = RequestService(app_ctx.db, admin)
    service.create_request(
        make_input(kf, "closed", answer_date=date(2021, 10, 1), outcome="予以公开")
    )
    service.create_request(make_input(kf, "open", receipt_date=date(2021, 10, 15)))
    service.create_request(make_input(kf, "due-soon", receipt_date=date(2021, 9, 24)))
    service.create_request(make_input(kf, "overdue", receipt_date=date(2021, 8, 2)))
    rows = service.list_requests(today=date(2021, 10, 22))
    assert [r.reg_no for r in rows] == ["overdue", "due-soon", "open", "closed"]
    assert [r.state for r in rows] == [
        RequestState.OVERDUE,
        RequestState.DUE_SOON,
        RequestState.OPEN,
        RequestState.CLOSED_ON_TIME,
    ]
    due = service.list_requests(today=date(2021, 10, 22), states=[RequestState.DUE_SOON])
    assert [r.reg_no for r in due] == ["due-soon"]


def test_year_filter_is_the_years_workload(app_ctx, admin) -> None:  # type: ignore[no-untyped-def]
    """The year's list holds requests received by its end and not answered before it began."""
    kf = division_id(app_ctx, admin, "开发指导处")
    service = RequestService(app_ctx.db, admin)
    service.create_request(
        make_input(
            kf,
            "old",
            receipt_date=date(2020, 3, 2),
            answer_date=date(2020, 3, 9),
            outcome="予以公开",
        )
    )
    service.create_request(make_input(kf, "carried", receipt_date=date(2020, 12, 28)))
    service.create_request(make_input(kf, "next", receipt_date=date(2022, 1, 4)))
    assert [r.reg_no for r in service.list_requests(year=2021)] == ["carried"]


def test_cases_link_to_requests_and_follow_their_division(app_ctx, admin, liaison) -> None:  # type: ignore[no-untyped-def]
    """A case takes its request's division; the request's timeline shows it; deletion is guarded."""
    kf = division_id(app_ctx, admin, "开发指导处")
    service = RequestService(app_ctx.db, liaison)
    row = service.create_request(
        make_input(kf, answer_date=date(2021, 10, 20), outcome="不予公开-属于国家秘密")
    )
    case = service.create_case(
        CaseInput("复〔2021〕1号", CaseType.REVIEW, date(2021, 11, 2), request_id=row.id)
    )
    assert case.division_name == "开发指导处" and case.request_reg_no == "2021-001"
    case = service.update_case(
        case.id,
        replace(case.data, closed_date=date(2021, 12, 20), result=CaseResult.UPHELD),
        case.version,
    )
    detail = service.get_request(row.id)
    assert [c.case_no for c in detail.cases] == ["复〔2021〕1号"]
    assert "行政复议审结" in [e.title for e in detail.timeline]
    with pytest.raises(ValidationError, match="关联了复议或诉讼案件"):
        service.delete_request(row.id, detail.row.version)
    service.delete_case(case.id, case.version)
    service.delete_request(row.id, detail.row.version)
    assert service.list_requests() == []


def test_closed_case_needs_result(app_ctx, admin) -> None:  # type: ignore[no-untyped-def]
    """A case with a closing date but no result is refused."""
    with pytest.raises(ValidationError, match="必须填写结果"):
        RequestService(app_ctx.db, admin).create_case(
            CaseInput("诉1", CaseType.LITIGATION_DIRECT, date(2021, 1, 5), date(2021, 6, 1))
        )


def test_answer_after_unanswered_correction_notice_is_refused_unless_never_corrected(
    app_ctx, admin
) -> None:  # type: ignore[no-untyped-def]
    """An answered request with a 补正 notice but no corrected request has no deadline: it is
    refused unless closed as 逾期不补正; an open one still waits as 待补正."""
    from gongkai_desktop.domain.requests import OUTCOME_NO_CORRECTION

    kf = division_id(app_ctx, admin, "开发指导处")
    service = RequestService(app_ctx.db, admin)
    noticed = dict(correction_notice_date=date(2021, 9, 26), correction_due_date=date(2021, 10, 26))
    with pytest.raises(ValidationError) as refused:
        service.create_request(
            make_input(kf, answer_date=date(2021, 12, 1), outcome="予以公开", **noticed)
        )
    assert any("「补正收到日期」" in p for p in refused.value.problems)
    waiting = service.create_request(make_input(kf, "2021-002", **noticed))
    assert service.get_request(waiting.id, today=date(2021, 10, 26)).row.state is (
        RequestState.AWAITING_CORRECTION
    )
    with pytest.raises(ValidationError):
        service.update_request(
            waiting.id,
            replace(waiting.data, answer_date=date(2021, 12, 1), outcome="部分公开"),
            waiting.version,
        )
    closed = service.update_request(
        waiting.id,
        replace(waiting.data, answer_date=date(2021, 12, 1), outcome=OUTCOME_NO_CORRECTION),
        waiting.version,
    )
    assert closed.data.outcome == OUTCOME_NO_CORRECTION


def test_liaison_creating_another_divisions_case_with_bad_data_is_denied(
    app_ctx, admin, liaison
) -> None:  # type: ignore[no-untyped-def]
    """Permission is checked before the data: bad data for another division is PermissionDenied,
    audited as denied."""
    sb = division_id(app_ctx, admin, "社会帮扶处")
    other = RequestService(app_ctx.db, admin).create_request(make_input(sb, "2021-009"))
    bad = CaseInput(
        case_no="",
        case_type=CaseType.REVIEW,
        received_date=date(2021, 12, 1),
        closed_date=date(2021, 11, 1),
        request_id=other.id,
    )
    with pytest.raises(PermissionDenied):
        RequestService(app_ctx.db, liaison).create_case(bad)
    assert [e.outcome for e in audit_rows(app_ctx, "case.create")] == ["denied"]


def _lose_the_race(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Make the next version check pass and then have "someone else" bump the version, so the
    write fails at flush as when another PC saved in between."""
    from sqlalchemy import inspect, update

    def bumped(obj, expected_version, what):  # type: ignore[no-untyped-def]
        model = type(obj)
        inspect(obj).session.execute(
            update(model).where(model.id == obj.id).values(version=model.version + 1),
            execution_options={"synchronize_session": False},
        )

    monkeypatch.setattr(RequestService, "check_version", staticmethod(bumped))


@pytest.mark.parametrize(
    "operation", ["update_request", "delete_request", "update_case", "delete_case"]
)
def test_late_conflicts_carry_the_stored_record(app_ctx, admin, monkeypatch, operation) -> None:  # type: ignore[no-untyped-def]
    """A write that loses the race at flush raises ConflictError with the record as stored."""
    kf = division_id(app_ctx, admin, "开发指导处")
    service = RequestService(app_ctx.db, admin)
    row = service.create_request(make_input(kf))
    case = service.create_case(
        CaseInput(case_no="FY-1", case_type=CaseType.REVIEW, received_date=date(2021, 12, 1))
    )
    _lose_the_race(monkeypatch)
    with pytest.raises(ConflictError) as conflict:
        if operation == "update_request":
            service.update_request(row.id, replace(row.data, applicant="李四"), row.version)
        elif operation == "delete_request":
            service.delete_request(row.id, row.version)
        elif operation == "update_case":
            service.update_case(case.id, replace(case.data, case_no="FY-2"), case.version)
        else:
            service.delete_case(case.id, case.version)
    current = conflict.value.current
    assert isinstance(current, dict) and current["version"] is not None
    if operation.endswith("request"):
        assert current["reg_no"] == "2021-001" and current["applicant"] == "张三"
    else:
        assert current["case_no"] == "FY-1"
