"""Alembic environment: runs on the connection the app hands over (no alembic.ini needed)."""

from __future__ import annotations

from alembic import context

from gongkai_desktop.db.schema import include_name, metadata

config = context.config

def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("migrations run through gongkai_desktop.db.migrate")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
