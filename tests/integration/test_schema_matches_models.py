"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL: a
model change without its migration (or the reverse) shows up here as a difference."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from gongkai_desktop.app import open_app
from gongkai_desktop.db.schema import include_name, metadata


def differences(ctx) -> list:  # type: ignore[no-untyped-def]
    with ctx.db.engine.connect() as connection:
        migration = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        return compare_metadata(migration, metadata)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migrated_schema_equals_the_models(request, tmp_path, backend):
    url = request.getfixturevalue("pg_url") if backend == "postgresql" else None
    ctx = open_app(tmp_path / "data", url)
    try:
        assert differences(ctx) == []
    finally:
        ctx.close()
