"""What a PC decides from the URL alone: whether it opened a set-up server's gate, the user's
own role name, and that a restore through the gate is refused in words before anything runs."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy.engine import make_url

from gongkai_desktop.db.engine import Database
from gongkai_desktop.errors import ValidationError
from gongkai_desktop.progress import run_job
from gongkai_desktop.server_login import is_gate_url, user_url
from gongkai_desktop.services.package import restore_everything_job

GATE = "postgresql+psycopg://gongkai_gk2026_gate:pw@10.0.0.5:5432/gk2026"


def test_the_gate_is_known_by_its_name_for_its_own_database() -> None:
    assert is_gate_url(GATE)
    assert not is_gate_url(GATE.replace("/gk2026", "/other"))
    assert not is_gate_url("postgresql+psycopg://gongkai:pw@10.0.0.5/gk2026")
    assert not is_gate_url("sqlite:///tmp/x.db")


def test_a_user_connects_as_the_role_named_after_them() -> None:
    url = make_url(user_url(GATE, "李联络", "secret-pass-1"))
    digest = hashlib.md5("李联络".encode()).hexdigest()[:12]
    assert (url.username, url.password) == (f"gk_gk2026_{digest}", "secret-pass-1")
    assert (url.host, url.port, url.database) == ("10.0.0.5", 5432, "gk2026")


def test_a_restore_through_the_gate_is_refused(tmp_path) -> None:
    db = Database(GATE)
    try:
        assert db.through_gate and db.on_gate
        with pytest.raises(ValidationError) as refused:
            run_job(restore_everything_job(db, tmp_path / "x.gkpkg", tmp_path))
    finally:
        db.dispose()
    assert "所有者" in str(refused.value)
