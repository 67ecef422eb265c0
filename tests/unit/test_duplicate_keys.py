"""A unique key taken already comes back from ``Database.write`` in words, not as a database
error: the check before the write may not see the other record (a liaison on a shared server
cannot read other divisions' requests), so the database's own refusal is translated."""

from __future__ import annotations

import pytest

from gongkai_desktop.app import open_app
from gongkai_desktop.db.models import Division
from gongkai_desktop.errors import ValidationError


def test_a_taken_name_is_refused_in_words_and_nothing_is_stored(tmp_path) -> None:
    ctx = open_app(tmp_path / "data")
    try:
        with ctx.db.write() as session:
            session.add(Division(name="开发指导处", code="KF", kind="business"))
        with pytest.raises(ValidationError) as refused, ctx.db.write() as session:
            session.add(Division(name="社会帮扶处", code="SB", kind="business"))
            session.add(Division(name="开发指导处", code="K2", kind="business"))
        with ctx.db.read() as session:
            names = sorted(d.name for d in session.query(Division))
    finally:
        ctx.close()
    assert "处室名称已被使用" in str(refused.value)
    assert names == ["开发指导处"]
