"""Saving a workbook to a temporary file renamed into place, with the zip closed on every path.

openpyxl's ``Workbook.save`` leaves its zip archive open when writing fails (a full disk), and
the archive then fails again when it is garbage-collected; here the archive is ours and is
closed whatever happens, so the error reaches the caller once and no partial file remains.
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from typing import Any

from openpyxl.writer.excel import ExcelWriter

from ...fileio import atomic_path


def save_workbook(wb: Any, target: str | os.PathLike[str]) -> None:
    with atomic_path(target) as tmp:
        archive = zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        try:
            wb.properties.modified = dt.datetime.now(tz=dt.UTC).replace(tzinfo=None)
            ExcelWriter(wb, archive).write_data()
        finally:
            archive.close()
