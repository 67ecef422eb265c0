"""Constants and small helpers shared by tests (importable as ``support``)."""

ADMIN_PASSWORD = "admin-pass-1"
LIAISON_PASSWORD = "liaison-pass-1"
