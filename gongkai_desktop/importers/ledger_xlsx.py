"""Importing the 公开事项 and 规范性文件 templates (SPEC §16): every row or none.

The file is checked before parsing (size, zip limits, defusedxml; ``xlsx_safety``), the header row
must be the template's exactly, and then every row is parsed and validated: each problem is
reported as 第N行「列」：原因, and if there is any, nothing is stored. A valid file is written in
one transaction. A row matching a stored record (公开事项: same division, title and formation date;
规范性文件: same 文号) updates it instead of adding a duplicate, so importing a file twice is safe.

The 公开事项 import is in ``ledger_items_xlsx``, the 规范性文件 import in
``ledger_documents_xlsx``, what they share in ``ledger_rows``; here is the preview the import
dialog shows before anything is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..db.engine import Database
from ..domain.permissions import Actor
from ..errors import ValidationError
from ..progress import CancelToken, Job, Progress
from ..reports.excel.ledger_documents import DOCUMENT_HEADERS
from ..reports.excel.ledger_items import ITEM_HEADERS
from .ledger_documents_xlsx import check_documents, import_documents_job
from .ledger_items_xlsx import check_items, import_items_job, insert_items

__all__ = [
    "ImportPreview",
    "import_documents_job",
    "import_items_job",
    "insert_items",
    "preview_job",
]


@dataclass(frozen=True)
class ImportPreview:
    """What an import would do: the valid rows as read, and every problem found.

    ``file_error`` is set when the file itself was refused (limits, not an .xlsx, wrong headers);
    then there are no rows.
    """

    kind: str
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    errors: tuple[str, ...]
    read: int
    file_error: str = ""

    @property
    def importable(self) -> bool:
        return not self.file_error and not self.errors and bool(self.rows)


def preview_job(
    kind: str, db: Database, actor: Actor, path: Path, cancel: CancelToken | None = None
) -> Job[ImportPreview]:
    """Check a file without storing anything; problems are returned, not raised."""
    path = Path(path)
    headers = ITEM_HEADERS if kind == "items" else DOCUMENT_HEADERS
    check = check_items if kind == "items" else check_documents
    yield Progress(0, 0, "正在检查文件")
    try:
        parsed, errors, _, read = yield from check(db, actor, path, cancel, True)  # type: ignore[operator]
    except ValidationError as exc:
        return ImportPreview(kind, headers, (), tuple(exc.problems), 0, exc.message)
    return ImportPreview(
        kind,
        headers,
        tuple((p.row, p.values) for p in parsed),
        tuple(errors.messages()),
        read,
    )
