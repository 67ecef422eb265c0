"""政策解读 on a real PostgreSQL: create, conflicting update, text search, the draft upsert and
the length checks in front of the columns."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from gongkai_desktop.app import open_app
from gongkai_desktop.db.interpretation_models import InterpretationDraft
from gongkai_desktop.domain.interpretation import InterpretationFields
from gongkai_desktop.errors import ConflictError, ValidationError
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.interpretations import InterpretationQuery, InterpretationService
from gongkai_desktop.services.setup import initialize


@pytest.fixture
def pg_interpretations(tmp_path, pg_url):  # type: ignore[no-untyped-def]
    ctx = open_app(tmp_path / "data", pg_url)
    admin = initialize(ctx.db, "测试局", "admin", "admin-pass-1")
    yield ctx, InterpretationService(ctx.db, admin, ctx.paths.attachments_dir)
    ctx.close()


def test_interpretations_work_on_postgres(pg_interpretations):
    """Records save and conflict by version, the text filter escapes wildcards, and autosave
    upserts one draft per user and record."""
    ctx, service = pg_interpretations
    office = AdminService(ctx.db, service.actor).division_by_name("综合处").id
    a = service.create(
        office,
        InterpretationFields(
            "《政务公开工作要点》解读",
            "政务公开工作要点",
            "赣乡振办发〔2021〕5号",
            document_approved_on=date(2021, 3, 1),
            sections={"background": "依据……"},
        ),
    ).row
    service.create(office, InterpretationFields("100%_落实解读", "另一文件"))
    updated = service.update(a.id, a.version, InterpretationFields("新标题", "政务公开工作要点"))
    assert updated.row.version == 2
    with pytest.raises(ConflictError):
        service.update(a.id, a.version, InterpretationFields("另一个标题", "政务公开工作要点"))

    def titles(text: str) -> list[str]:
        return [r.title for r in service.list_interpretations(InterpretationQuery(text=text))]

    assert titles("%_") == ["100%_落实解读"]
    assert titles("工作要点") == ["新标题"]
    assert service.years() == [date.today().year]

    typed = InterpretationFields(
        "新标题",
        "政务公开工作要点",
        link="https://example.gov.cn/1",
        sections={"background": "第一稿"},
    )
    service.save_draft(a.id, updated.row.version, typed)
    typed = replace(typed, sections={"background": "第二稿"}, published_on=None)
    service.save_draft(a.id, updated.row.version, typed)
    draft = service.draft(a.id)
    assert draft is not None and draft.fields == typed and draft.base_version == 2
    with ctx.db.read() as session:
        assert session.scalar(select(func.count(InterpretationDraft.id))) == 1
    service.update(a.id, updated.row.version, InterpretationFields("定稿", "政务公开工作要点"))
    assert service.draft(a.id) is None


def test_long_texts_are_refused_in_chinese_on_postgres(pg_interpretations):
    """Over-long texts are Chinese problems on PostgreSQL; deleting keeps the drafts."""
    ctx, service = pg_interpretations
    office = AdminService(ctx.db, service.actor).division_by_name("综合处").id
    with pytest.raises(ValidationError) as caught:
        service.create(
            office,
            InterpretationFields(
                "题" * 301,
                "文" * 301,
                "号" * 65,
                interpreter="人" * 101,
                link="https://example.gov.cn/" + "a" * 480,
            ),
        )
    assert [p.split("」")[0] for p in caught.value.problems] == [
        "「解读标题", "「政策文件名称", "「文号", "「解读人", "「解读链接"
    ]  # fmt: skip
    row = service.create(office, InterpretationFields("解读", "文件")).row
    service.save_draft(row.id, row.version, InterpretationFields("解读（改）", "文件"))
    service.delete(row.id, row.version)
    with ctx.db.read() as session:
        assert session.scalar(select(func.count(InterpretationDraft.id))) == 1
