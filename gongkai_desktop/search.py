"""Free-text search over 公开事项 (title, 文号, notes), done by the database.

- SQLite: the FTS5 table ``disclosure_item_fts`` with the trigram tokenizer (created and kept in
  sync by triggers in revision 0002) finds any substring of three characters or more; a term of
  one or two characters, which trigrams cannot index, falls back to LIKE.
- PostgreSQL: ILIKE over the same text; when ``pg_trgm`` could be installed the migration created
  a GIN trigram index on exactly this expression, which the planner then uses.

Several terms separated by spaces must all occur (AND). :func:`published_items_matching_any`
asks the same index the other way round — items containing any of many terms, best first — to
find what a request for disclosure asks for among the published items.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, case, literal_column, or_, select, text, true
from sqlalchemy.orm import Session

from .db.ledger_models import DisclosureItem

log = logging.getLogger(__name__)

FTS_TABLE = "disclosure_item_fts"
TRIGRAM = 3
MAX_QUERY = 200
# Must stay identical to the indexed expression of revision 0002 for PostgreSQL to use it.
PG_SEARCH_TEXT = (
    "(disclosure_item.title || ' ' || disclosure_item.doc_number || ' ' || disclosure_item.notes)"
)

_fts_present: dict[int, bool] = {}


def terms(query: str) -> list[str]:
    """The search terms of a query: whitespace-separated, at most ``MAX_QUERY`` characters."""
    return query.strip()[:MAX_QUERY].split()


def escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def fts_phrase(term: str) -> str:
    """An FTS5 string literal: the term matched as a whole (operators and quotes are text)."""
    return '"' + term.replace('"', '""') + '"'


def has_fts(session: Session) -> bool:
    """Whether this SQLite database has the FTS table (checked once per engine)."""
    bind = session.get_bind()
    key = id(bind)
    found = _fts_present.get(key)
    if found is None:
        found = (
            session.execute(
                text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :n"),
                {"n": FTS_TABLE},
            ).first()
            is not None
        )
        if not found:
            log.warning("%s missing: free-text search uses LIKE", FTS_TABLE)
        _fts_present[key] = found
    return found


def contains_term(term: str, *columns: Any) -> ColumnElement[bool]:
    """``term`` occurs, as typed (LIKE's wildcards escaped), in at least one of ``columns``."""
    pattern = f"%{escape_like(term)}%"
    return or_(*(column.like(pattern, escape="\\") for column in columns))


def contains_every_term(query: str, *columns: Any) -> ColumnElement[bool]:
    """Every term of ``query`` occurs in at least one of ``columns`` (true for no terms)."""
    return and_(true(), *(contains_term(term, *columns) for term in terms(query)))


def _like_any(term: str) -> ColumnElement[bool]:
    return contains_term(term, DisclosureItem.title, DisclosureItem.doc_number, DisclosureItem.notes)


def item_text_filter(session: Session, query: str) -> ColumnElement[bool]:
    """A WHERE condition on ``disclosure_item`` matching every term of ``query``."""
    words = terms(query)
    if not words:
        return true()
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        searched: Any = literal_column(PG_SEARCH_TEXT)
        return and_(*(searched.ilike(f"%{escape_like(w)}%", escape="\\") for w in words))
    long_words = [w for w in words if len(w) >= TRIGRAM]
    short_words = [w for w in words if len(w) < TRIGRAM]
    conditions: list[ColumnElement[bool]] = []
    if long_words and dialect == "sqlite" and has_fts(session):
        match = " AND ".join(fts_phrase(w) for w in long_words)
        conditions.append(
            DisclosureItem.id.in_(
                select(literal_column("rowid"))
                .select_from(text(FTS_TABLE))
                .where(text(f"{FTS_TABLE} MATCH :fts_query").bindparams(fts_query=match))
            )
        )
    else:
        short_words = words
    conditions.extend(_like_any(w) for w in short_words)
    return and_(*conditions)


def published_items_matching_any(
    session: Session, words: Sequence[str], limit: int
) -> list[int]:
    """Ids of published 主动公开 items whose title, 文号 or notes contain any of ``words`` (each of
    at least three characters), best first.

    On SQLite the list's FTS5 trigram index ranks them by bm25 (a rare shared term weighs more
    than a common one); elsewhere the list's (I)LIKE match finds them (with pg_trgm's index on
    PostgreSQL) and the items sharing the most terms come first.
    """
    words = [w for w in dict.fromkeys(words) if len(w) >= TRIGRAM][:MAX_QUERY]
    if not words:
        return []
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite" and has_fts(session):
        rows = session.execute(
            text(
                f"SELECT f.rowid FROM {FTS_TABLE} AS f JOIN disclosure_item AS i ON i.id = f.rowid "
                f"WHERE {FTS_TABLE} MATCH :q AND i.deleted_at IS NULL "
                "AND i.published_on IS NOT NULL AND i.attribute = 'proactive' "
                f"ORDER BY bm25({FTS_TABLE}) LIMIT :n"
            ),
            {"q": " OR ".join(fts_phrase(w) for w in words), "n": limit},
        )
        return [int(r[0]) for r in rows]
    if dialect == "postgresql":
        searched: Any = literal_column(PG_SEARCH_TEXT)
        each = [searched.ilike(f"%{escape_like(w)}%", escape="\\") for w in words]
    else:
        each = [_like_any(w) for w in words]
    # Without FTS5's bm25, the items sharing the most terms come first.
    shared = sum((case((condition, 1), else_=0) for condition in each), literal_column("0"))
    stmt = (
        select(DisclosureItem.id)
        .where(
            or_(*each),
            DisclosureItem.deleted_at.is_(None),
            DisclosureItem.published_on.is_not(None),
            DisclosureItem.attribute == "proactive",
        )
        .order_by(shared.desc(), DisclosureItem.published_on.desc(), DisclosureItem.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


# The sync triggers of revision 0002; a bulk load drops them and rebuilds the index afterwards,
# which is an order of magnitude faster than indexing row by row.
_ITEM_TRIGGERS = (
    "CREATE TRIGGER disclosure_item_fts_ai AFTER INSERT ON disclosure_item BEGIN "
    "INSERT INTO disclosure_item_fts(rowid, title, doc_number, notes) "
    "VALUES (new.id, new.title, new.doc_number, new.notes); END",
    "CREATE TRIGGER disclosure_item_fts_ad AFTER DELETE ON disclosure_item BEGIN "
    "INSERT INTO disclosure_item_fts(disclosure_item_fts, rowid, title, doc_number, notes) "
    "VALUES ('delete', old.id, old.title, old.doc_number, old.notes); END",
    "CREATE TRIGGER disclosure_item_fts_au AFTER UPDATE OF title, doc_number, notes "
    "ON disclosure_item BEGIN "
    "INSERT INTO disclosure_item_fts(disclosure_item_fts, rowid, title, doc_number, notes) "
    "VALUES ('delete', old.id, old.title, old.doc_number, old.notes); "
    "INSERT INTO disclosure_item_fts(rowid, title, doc_number, notes) "
    "VALUES (new.id, new.title, new.doc_number, new.notes); END",
)


@contextlib.contextmanager
def bulk_item_load(session: Session) -> Iterator[None]:
    """Inside one transaction: insert many items without per-row indexing, then rebuild.

    The triggers are dropped and recreated in the caller's transaction, so a failure or a crash
    rolls the schema back with the rows: the index is never left out of sync.
    """
    if session.get_bind().dialect.name != "sqlite" or not has_fts(session):
        yield
        analyze_items(session)
        return
    for suffix in ("ai", "ad", "au"):
        session.execute(text(f"DROP TRIGGER IF EXISTS disclosure_item_fts_{suffix}"))
    yield
    rebuild_item_index(session)
    for statement in _ITEM_TRIGGERS:
        session.execute(text(statement))
    analyze_items(session)


def analyze_items(session: Session) -> None:
    """Refresh the planner's statistics after a bulk change, so it keeps choosing good indexes."""
    if session.get_bind().dialect.name in ("sqlite", "postgresql"):
        session.execute(text("ANALYZE disclosure_item"))


def rebuild_item_index(session: Session) -> None:
    """Rebuild the FTS index from the table (after a bulk change made with triggers off)."""
    if session.get_bind().dialect.name == "sqlite" and has_fts(session):
        session.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"))
