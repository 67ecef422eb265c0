"""Alembic environment: runs on the connection the app hands over (no alembic.ini needed)."""

from __future__ import annotations

from alembic import context

from gongkai_desktop.db.schema import metadata

config = context.config

# Tables the ORM does not model: SQLite's full-text index of disclosure items (created by 0002
# with its sync triggers). Autogenerate must not propose dropping them.
UNMODELLED_PREFIXES = ("disclosure_item_fts",)


def include_name(name: str | None, type_: str, _parent: object) -> bool:
    return not (type_ == "table" and name is not None and name.startswith(UNMODELLED_PREFIXES))


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
