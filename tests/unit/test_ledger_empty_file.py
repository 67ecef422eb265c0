"""A ledger template with headers only is refused in words, for items and documents alike,
and nothing is stored."""

from __future__ import annotations

import openpyxl
import pytest
from sqlalchemy import text

from gongkai_desktop.errors import ValidationError
from gongkai_desktop.importers.ledger_documents_xlsx import DOCUMENT_HEADERS, import_documents_job
from gongkai_desktop.importers.ledger_items_xlsx import ITEM_HEADERS, import_items_job
from gongkai_desktop.progress import run_job


@pytest.mark.parametrize(
    ("headers", "job"),
    [(ITEM_HEADERS, import_items_job), (DOCUMENT_HEADERS, import_documents_job)],
    ids=["items", "documents"],
)
def test_a_file_without_data_rows_is_refused(app_ctx, admin, tmp_path, headers, job) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "空表.xlsx"
    book = openpyxl.Workbook()
    book.active.append(list(headers))
    book.save(path)
    with app_ctx.db.read() as session:
        before = session.execute(text("SELECT count(*) FROM audit_log")).scalar()
    with pytest.raises(ValidationError) as refused:
        run_job(job(app_ctx.db, admin, path))
    assert str(refused.value).startswith("“空表.xlsx”中没有可导入的数据行")
    with app_ctx.db.read() as session:
        after = session.execute(text("SELECT count(*) FROM audit_log")).scalar()
    assert after == before
