"""Typed errors with a code and parameters; front ends show ``str(error)``, which is Chinese.

Each error carries a machine-readable ``code`` and the parameters that went into its message, so the
GUI and the CLI can react to the kind of failure without parsing text.
"""

from __future__ import annotations

from typing import Any


class GongkaiError(Exception):
    """Base of every error the core raises on purpose. The message is Chinese, for the user."""

    code = "error"
    exit_code = 1

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params

    def __str__(self) -> str:
        return self.message


class ValidationError(GongkaiError):
    """Input that breaks a rule; nothing was changed."""

    code = "invalid"

    def __init__(self, message: str, problems: list[str] | None = None, **params: Any) -> None:
        super().__init__(message, **params)
        self.problems = problems or []

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        return self.message + "\n" + "\n".join(f"  - {p}" for p in self.problems)


class PermissionDenied(GongkaiError):
    """The current user may not do this; the refusal was written to the audit log."""

    code = "denied"


class AuthenticationFailed(GongkaiError):
    """Wrong user name or password, or too many failed attempts."""

    code = "auth"


class NotFound(GongkaiError):
    code = "not_found"


class ConflictError(GongkaiError):
    """Someone else changed the record since it was read (optimistic version check)."""

    code = "conflict"

    def __init__(self, message: str, current: Any = None, **params: Any) -> None:
        super().__init__(message, **params)
        self.current = current


class CalendarMissing(GongkaiError):
    """No holiday arrangement is known for a year a deadline needs."""

    code = "calendar_missing"


class DatabaseError(GongkaiError):
    code = "database"


class UnsafeLocation(GongkaiError):
    """The database path is on a network share or removable drive."""

    code = "unsafe_location"


class InputTooLarge(ValidationError):
    """An untrusted file breaks the size, entry-count or compression limits."""

    code = "too_large"


class Cancelled(GongkaiError):
    code = "cancelled"

    def __init__(self, message: str = "操作已取消", **params: Any) -> None:
        super().__init__(message, **params)
