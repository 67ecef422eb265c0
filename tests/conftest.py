"""Shared fixtures. Qt runs offscreen; every test gets its own data folder."""

from __future__ import annotations

import os

# Offscreen, on the usable part of a 1366×768 office screen (less its 40-pixel task bar).
_SCREEN = os.path.join(os.path.dirname(__file__), "screen-1366x728.json")
os.environ.setdefault("QT_QPA_PLATFORM", f"offscreen:configfile={_SCREEN}")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from support import ADMIN_PASSWORD, LIAISON_PASSWORD  # noqa: E402,F401


@pytest.fixture
def app_ctx(tmp_path: Path) -> Iterator[object]:
    """A fresh, migrated (not yet initialised) SQLite database in its own data folder."""
    from gongkai_desktop.app import open_app

    ctx = open_app(tmp_path / "data")
    yield ctx
    ctx.close()


@pytest.fixture
def admin(app_ctx):  # type: ignore[no-untyped-def]
    """The first admin of an initialised unit with the default divisions plus two business ones."""
    from gongkai_desktop.domain.labels import DivisionKind
    from gongkai_desktop.services.admin import AdminService
    from gongkai_desktop.services.setup import initialize

    actor = initialize(app_ctx.db, "测试局", "admin", ADMIN_PASSWORD)
    service = AdminService(app_ctx.db, actor)
    service.add_division("开发指导处", DivisionKind.BUSINESS, "KF")
    service.add_division("社会帮扶处", DivisionKind.BUSINESS, "SB")
    return actor


@pytest.fixture
def make_user(app_ctx, admin) -> Callable[..., object]:  # type: ignore[no-untyped-def]
    """Create a user in a named division and return their logged-in Actor."""
    from gongkai_desktop.domain.labels import Role
    from gongkai_desktop.services.admin import AdminService
    from gongkai_desktop.services.auth import AuthService

    def make(username: str, division: str, role: Role = Role.LIAISON):  # type: ignore[no-untyped-def]
        service = AdminService(app_ctx.db, admin)
        d = service.division_by_name(division)
        service.add_user(username, LIAISON_PASSWORD, d.id, role)
        return AuthService(app_ctx.db).login(username, LIAISON_PASSWORD)

    return make


@pytest.fixture
def liaison(make_user):  # type: ignore[no-untyped-def]
    """A liaison of 开发指导处."""
    return make_user("lly_kf", "开发指导处")


@pytest.fixture
def run_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run ``gongkai`` in-process on the test's data folder; returns (exit code, stdout, stderr)."""
    from gongkai_desktop.cli import main

    def run(*args: str, password: str | None = None, new_password: str | None = None):  # type: ignore[no-untyped-def]
        if password is not None:
            monkeypatch.setenv("GONGKAI_PASSWORD", password)
        else:
            monkeypatch.delenv("GONGKAI_PASSWORD", raising=False)
        if new_password is not None:
            monkeypatch.setenv("GONGKAI_NEW_PASSWORD", new_password)
        capsys.readouterr()
        try:
            code = main(["--data-dir", str(tmp_path / "data"), *args])
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


NOTICES = Path(__file__).parent / "fixtures" / "notices"


@pytest.fixture
def notice_text() -> Callable[[str], str]:
    """The text of a holiday notice kept in tests/fixtures/notices (e.g. ``"notice-2024"``)."""

    def read(name: str) -> str:
        return (NOTICES / f"{name}.txt").read_text(encoding="utf-8")

    return read


@pytest.fixture
def scored(app_ctx, admin):  # type: ignore[no-untyped-def]
    """The year 2025 whose evaluation was computed by hand (``tests/evaluation_data.py``)
    stored; returns the division ids by name."""
    import evaluation_data

    return evaluation_data.build(app_ctx.db, admin)
