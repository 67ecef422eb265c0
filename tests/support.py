"""Constants and small helpers shared by tests (importable as ``support``)."""

ADMIN_PASSWORD = "admin-pass-1"
LIAISON_PASSWORD = "liaison-pass-1"


def page_through(fetch, limit: int) -> list:  # type: ignore[no-untyped-def]
    """All rows of a keyset-paged list: ``fetch(after, limit)`` from the first page on, each page
    asked for by the last row of the one before, until a page comes back short."""
    rows: list = []
    after = None
    while True:
        page = fetch(after, limit)
        rows.extend(page)
        if len(page) < limit:
            return rows
        after = page[-1]
