"""A reader's wall-time budget, checked while it works, and the user's cancel with it.

Every reader of an untrusted file (Word, PDF, Excel, plan documents) checks ``ReadBudget`` in its
loops: between XML chunks, paragraphs, rows, PDF pages and PDF content operators. A file that
stays within every size and count limit but still takes too long is refused, and the cancel
token of the worker running the reader stops it at the next check.
"""

from __future__ import annotations

import time
from pathlib import Path

from ..errors import InputTooLarge
from ..progress import CancelToken

# A policy document or a workbook the checks accept reads in a second or two on an office PC;
# this is the ceiling for anything the size and count limits let through.
DEFAULT_SECONDS = 30.0


class ReadBudget:
    """The time one file may take to read, and the cancel token of the work reading it."""

    def __init__(
        self,
        file: Path | str,
        seconds: float = DEFAULT_SECONDS,
        cancel: CancelToken | None = None,
    ) -> None:
        self.file = Path(file)
        self.seconds = seconds
        self.cancel = cancel
        self.deadline = time.monotonic() + seconds

    def check(self) -> None:
        """Raise ``Cancelled`` when the user cancelled, ``InputTooLarge`` when time is up."""
        if self.cancel is not None:
            self.cancel.check()
        if time.monotonic() > self.deadline:
            raise InputTooLarge(
                f"读取文件“{self.file.name}”超过 {self.seconds:.0f} 秒仍未完成，"
                "文件内容过于复杂，已停止读取",
                path=str(self.file),
                seconds=self.seconds,
            )
