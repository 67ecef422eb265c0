"""规范性文件 in Excel: the import template (SPEC §16), the registry export, and the 标准目录."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from ... import APP_NAME
from ...db.engine import Database
from ...db.ledger_models import NormativeDocument
from ...db.models import Division
from ...domain.disclosure import (
    CATALOGUE_AUDIENCES,
    CATALOGUE_MODES,
    YES_NO,
    DocumentLevel,
    DocumentStatus,
)
from ...domain.permissions import Actor
from ...exchange import TemplateLists
from ...progress import CancelToken, Job, Progress
from ...services.ledger_catalogue import CatalogueService
from ...services.ledger_documents import DocumentQuery, DocumentService, apply_document_filters
from ._text import set_text
from .columns import Column, headers_of
from .ledger import write_ledger_job
from .saving import save_workbook
from .sheets import write_template
from .styles import fit_row_heights, set_print_layout, style_header_cell

log = logging.getLogger(__name__)

DOCUMENT_COLUMNS: tuple[Column, ...] = (
    Column("文号", 24, required=True, note="如「赣乡振规〔2021〕1号」；规章填写令号，如「省政府令第250号」"),
    Column("标题", 44, required=True),
    Column("制发处室", 14, required=True, divisions=True, note="起草（制发）处室全称"),
    Column("成文日期", 12, kind="date", required=True),
    Column("公开日期", 12, kind="date"),
    Column("状态", 10, choices=DocumentStatus.labels(), required=True),
    Column("状态变更日期", 14, kind="date", note="状态不是「现行有效」时必填"),
    Column("是否征求意见", 12, choices=YES_NO),
    Column("是否解读", 10, choices=YES_NO),
)
DOCUMENT_HEADERS = headers_of(DOCUMENT_COLUMNS)
DOCUMENT_EXPORT_COLUMNS: tuple[Column, ...] = DOCUMENT_COLUMNS + (
    Column("层级", 14),
    Column("链接", 30),
    Column("备注", 30),
)
DOCUMENT_INSTRUCTIONS = (
    "文号相同的文件视为同一件：再次导入会更新原记录，状态变化记入状态历史。",
    "层级按文号判断：含「令」的为规章，其余为行政规范性文件（可在程序中修改）。",
)

LEVEL_LABELS = {lv.value: lv.label for lv in DocumentLevel}
STATUS_LABELS = {st.value: st.label for st in DocumentStatus}


def write_documents_template(
    path: str | os.PathLike[str], lists: TemplateLists | None = None
) -> None:
    write_template(
        path,
        "规范性文件",
        DOCUMENT_COLUMNS,
        DOCUMENT_INSTRUCTIONS,
        division_names=lists.divisions if lists is not None else None,
    )


def export_documents_job(
    db: Database, actor: Actor, path: Path, year: int | None, cancel: CancelToken | None
) -> Job[int]:
    """The registry (documents written in ``year``, if given), by 成文日期."""
    query = DocumentQuery(year=year, sort="written_on", descending=False)
    total = DocumentService(db, actor).count_documents(query)
    yield Progress(0, total, "正在读取规范性文件")
    doc = NormativeDocument

    def rows() -> Iterator[tuple[Any, ...]]:
        with db.read() as session:
            stmt = select(
                doc.doc_number,
                doc.title,
                Division.name,
                doc.written_on,
                doc.published_on,
                doc.status,
                doc.status_changed_on,
                doc.consulted,
                doc.interpreted,
                doc.level,
                doc.link,
                doc.notes,
            ).join(Division, Division.id == doc.division_id)
            stmt = apply_document_filters(stmt, query).order_by(doc.written_on, doc.id)
            result = session.execute(stmt).all()
        for r in result:
            yield (
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                STATUS_LABELS[r[5]],
                r[6],
                "是" if r[7] else "否",
                "是" if r[8] else "否",
                LEVEL_LABELS[r[9]],
                r[10] or None,
                r[11] or None,
            )

    done = yield from write_ledger_job(
        path,
        "规范性文件",
        DOCUMENT_EXPORT_COLUMNS,
        rows(),
        total=total,
        cancel=cancel,
        message="正在导出规范性文件",
    )
    return done


# ----- 标准目录 --------------------------------------------------------------------------------

CATALOGUE_TITLE = "政务公开标准目录"
CATALOGUE_HEADERS_TOP = (
    "序号",
    "公开事项",
    None,
    "公开内容（要素）",
    "公开依据",
    "公开时限",
    "公开主体",
    "公开渠道和载体",
    "公开对象",
    None,
    "公开方式",
    None,
    "公开层级",
)
CATALOGUE_HEADERS_SUB = (
    None,
    "一级事项",
    "二级事项",
    None,
    None,
    None,
    None,
    None,
    "全社会",
    "特定群体",
    "主动",
    "依申请",
    None,
)
CATALOGUE_WIDTHS = (6, 14, 16, 36, 30, 18, 14, 20, 8, 8, 8, 8, 12)


def write_catalogue(db: Database, actor: Actor, path: str | os.PathLike[str]) -> int:
    """The 标准目录 in its usual two-row header layout (公开对象/公开方式 as ticked columns)."""
    entries = CatalogueService(db, actor).entries()
    wb = Workbook()
    ws = wb.active
    ws.title = "标准目录"
    ws.cell(row=1, column=1, value=CATALOGUE_TITLE)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(CATALOGUE_WIDTHS))
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    ws.cell(row=1, column=1).font = Font(bold=True, size=16)
    for col, (top, sub) in enumerate(
        zip(CATALOGUE_HEADERS_TOP, CATALOGUE_HEADERS_SUB, strict=True), 1
    ):
        style_header_cell(ws.cell(row=2, column=col, value=top))
        style_header_cell(ws.cell(row=3, column=col, value=sub))
        if top is not None and sub is None:
            ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    for start, end in ((2, 3), (9, 10), (11, 12)):
        ws.merge_cells(start_row=2, start_column=start, end_row=2, end_column=end)
    wrap = Alignment(wrap_text=True, vertical="top")
    for n, e in enumerate(entries, 1):
        values = (
            n,
            e.level1,
            e.level2,
            e.content,
            e.basis,
            e.time_limit,
            e.subject,
            e.channels,
            "√" if e.audience == CATALOGUE_AUDIENCES[0] else "",
            "√" if e.audience == CATALOGUE_AUDIENCES[1] else "",
            "√" if e.mode == CATALOGUE_MODES[0] else "",
            "√" if e.mode == CATALOGUE_MODES[1] else "",
            e.tier,
        )
        for col, value in enumerate(values, 1):
            cell = ws.cell(row=n + 3, column=col)
            write_sheet_value(cell, value)
            cell.alignment = wrap
    for col, width in enumerate(CATALOGUE_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A4"
    set_print_layout(ws, title_rows="2:3")
    fit_row_heights(ws, first_row=4)
    wb.properties.creator = APP_NAME
    save_workbook(wb, path)
    return len(entries)


def export_catalogue_job(
    db: Database,
    actor: Actor,
    path: Path,
    year: int | None = None,
    cancel: CancelToken | None = None,
) -> Job[int]:
    """``gongkai export catalogue``: the 标准目录 as the GUI writes it (it has no year)."""
    yield Progress(0, 1, "正在导出标准目录")
    if cancel is not None:
        cancel.check()
    count = write_catalogue(db, actor, path)
    yield Progress(1, 1, "已完成")
    return count


def write_sheet_value(cell: Any, value: object) -> None:
    if isinstance(value, str):
        set_text(cell, value)
    else:
        cell.value = value


__all__ = [
    "DOCUMENT_COLUMNS",
    "DOCUMENT_HEADERS",
    "export_catalogue_job",
    "export_documents_job",
    "write_catalogue",
    "write_documents_template",
]
