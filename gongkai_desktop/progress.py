"""Long work is a generator of ``Progress`` that checks a ``CancelToken``.

Tests run it synchronously (``run_job``); the GUI runs it on a worker thread with a progress dialog.
"""

from __future__ import annotations

import threading
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, TypeVar

from .errors import Cancelled

T = TypeVar("T")


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    message: str = ""


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()


Job = Generator[Progress, None, T]


def run_job(job: Generator[Progress, None, Any]) -> Any:
    """Run a job to completion and return its result (the generator's return value)."""
    while True:
        try:
            next(job)
        except StopIteration as stop:
            return stop.value
