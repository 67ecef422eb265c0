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


def rewrite_audit_row(db_path, row_id: int, detail: str) -> None:  # type: ignore[no-untyped-def]
    """Do what someone with write access to the file could: change one audit row and recompute
    the hash of it and of every row after it, so the chain verifies again."""
    import sqlite3

    from gongkai_desktop.audit import HASHED_FIELDS, _row_hash

    con = sqlite3.connect(db_path)
    con.row_factory = sqlite3.Row
    con.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    con.execute("UPDATE audit_log SET detail = ? WHERE id = ?", (detail, row_id))
    rows = con.execute("SELECT * FROM audit_log ORDER BY id").fetchall()
    prev = "0" * 64
    for row in rows:
        new_hash = _row_hash(prev, [row[f] for f in HASHED_FIELDS])
        con.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?",
                    (prev, new_hash, row["id"]))
        prev = new_hash
    con.commit()
    con.close()


HOLDER_SCRIPT = (
    "import sys, time\n"
    "from gongkai_desktop.app import open_app\n"
    "ctx = open_app(sys.argv[1])\n"
    "print('ready', flush=True)\n"
    "time.sleep(120)\n"
)


def hold_data_folder(data, root):  # type: ignore[no-untyped-def]
    """Start another program that opens the data folder ``data`` and keeps it open; returns the
    process (end it with ``os.kill(p.pid, SIGKILL)`` and ``p.communicate()``)."""
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER_SCRIPT, str(data)],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline()
    assert line.strip() == "ready", proc.stderr.read()
    return proc


def table_digest(db) -> str:  # type: ignore[no-untyped-def]
    """A digest of every row of every table of a database, leaving out what logging in writes
    (the user's last log-in time and version, and the log-in's audit row)."""
    import hashlib

    from sqlalchemy import select

    from gongkai_desktop.db.schema import metadata

    h = hashlib.sha256()
    with db.read() as session:
        for table in metadata.sorted_tables:
            stmt = select(table).order_by(*table.primary_key.columns)
            if table.name == "app_user":
                stmt = select(table.c.id, table.c.username, table.c.password_hash)
            elif table.name == "audit_log":
                stmt = stmt.where(table.c.action != "login")
            for row in session.execute(stmt):
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()
