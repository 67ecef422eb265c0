"""Registers the 公开事项 and 规范性文件 ledgers and the 标准目录 for
``gongkai template|import|export``."""

from __future__ import annotations

from ..exchange import LedgerKind, register
from ..importers.ledger_documents_xlsx import import_documents_job
from ..importers.ledger_items_xlsx import import_items_job
from ..reports.excel.ledger_documents import (
    export_catalogue_job,
    export_documents_job,
    write_documents_template,
)
from ..reports.excel.ledger_items import export_items_job, write_items_template

ITEMS = register(
    LedgerKind(
        key="items",
        label="公开事项",
        template=write_items_template,
        import_job=import_items_job,
        export_job=export_items_job,
    )
)
DOCUMENTS = register(
    LedgerKind(
        key="documents",
        label="规范性文件",
        template=write_documents_template,
        import_job=import_documents_job,
        export_job=export_documents_job,
    )
)
CATALOGUE = register(
    LedgerKind(key="catalogue", label="标准目录", export_job=export_catalogue_job)
)
