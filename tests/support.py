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


def in_ci() -> bool:
    """True on the CI machine, where every optional tool must be present."""
    import os

    return os.environ.get("CI") == "true"


def require_libreoffice() -> str:
    """The LibreOffice binary; outside CI the test is skipped without it, in CI it fails."""
    import shutil

    import pytest

    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        reason = (
            "LibreOffice is not installed (Debian: libreoffice-writer-nogui libreoffice-calc-nogui)"
        )
        if in_ci():
            pytest.fail(reason + " and CI must run this test")
        pytest.skip(reason)
    return office


def require_cjk_font() -> str:
    """The file of a Chinese font fontconfig knows; skipped without one outside CI, fails in CI."""
    import shutil
    import subprocess

    import pytest

    found = ""
    if shutil.which("fc-list"):
        out = subprocess.run(
            ["fc-list", ":lang=zh-cn", "file"], capture_output=True, text=True, check=False
        ).stdout
        found = next((line.strip().rstrip(":") for line in out.splitlines() if line.strip()), "")
    if not found:
        reason = "no Chinese (CJK) font is installed (Debian: fonts-noto-cjk)"
        if in_ci():
            pytest.fail(reason + " and CI must run this test")
        pytest.skip(reason)
    return found


def convert_with_libreoffice(source, out_dir, fmt: str = "pdf", timeout: int = 240):  # type: ignore[no-untyped-def]
    """Convert ``source`` with LibreOffice into ``out_dir``; returns the converted file's path.

    Needs LibreOffice and a Chinese font (skipped without them outside CI)."""
    import subprocess
    from pathlib import Path

    office = require_libreoffice()
    require_cjk_font()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = (out_dir / "lo-profile").resolve().as_uri()
    subprocess.run(
        [
            office,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(out_dir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=timeout,
    )
    return out_dir / (Path(source).stem + "." + fmt.split(":")[0])


def pdf_text_lines(pdf) -> list[str]:  # type: ignore[no-untyped-def]
    """The text of a PDF line by line as poppler's pdftotext lays it out (skipped without it
    outside CI)."""
    import shutil
    import subprocess

    import pytest

    if shutil.which("pdftotext") is None:
        if in_ci():
            pytest.fail("pdftotext (poppler-utils) must be installed in CI")
        pytest.skip("pdftotext is not installed (Debian: poppler-utils)")
    out = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return out.splitlines()


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
        con.execute(
            "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (prev, new_hash, row["id"])
        )
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


def assert_official_page(path) -> None:  # type: ignore[no-untyped-def]
    """The written file carries the 28 × 22 character grid and its title lines fit a line."""
    import docx
    from docx.oxml.ns import qn

    from gongkai_desktop.reports.word.document import TITLE_CAPACITY
    from gongkai_desktop.reports.word.title_lines import display_width

    document = docx.Document(str(path))
    grid = document.element.body.sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars" and int(grid.get(qn("w:charSpace"))) < 0
    title = next(p for p in document.paragraphs if p.style.style_id == "Title")
    assert all(display_width(line) <= TITLE_CAPACITY for line in title.text.split("\n"))


def database_contents(db) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Every table's rows as sorted canonical JSON, independent of local integer keys: a local
    ``id`` is left out and each reference is replaced by the content of the row it points to.
    The audit log is kept verbatim (a restore keeps its ids and hashes)."""
    import json

    from sqlalchemy import Integer, select

    from gongkai_desktop.db.schema import metadata

    def is_local_id(column) -> bool:  # type: ignore[no-untyped-def]
        return (
            column.primary_key
            and not column.foreign_keys
            and column.name == "id"
            and isinstance(column.type, Integer)
        )

    out: dict[str, list[str]] = {}
    with db.read() as session:
        cache: dict[tuple[str, object], object] = {}

        def content(table, row) -> dict:  # type: ignore[no-untyped-def]
            values = {}
            for column in table.columns:
                if table.name != "audit_log" and is_local_id(column):
                    continue
                value = row[column.name]
                for fk in column.foreign_keys:
                    value = referenced(fk.column.table, fk.column, value)
                values[column.name] = value if isinstance(value, dict) else repr(value)
            return values

        def referenced(table, column, value):  # type: ignore[no-untyped-def]
            if value is None:
                return None
            key = (table.name, value)
            if key not in cache:
                row = session.execute(select(table).where(column == value)).mappings().one()
                cache[key] = content(table, row)
            return cache[key]

        for table in metadata.sorted_tables:
            rows = session.execute(select(table)).mappings()
            out[table.name] = sorted(
                json.dumps(content(table, r), ensure_ascii=False, sort_keys=True) for r in rows
            )
    return out


def assert_restored(before: dict[str, list[str]], restored: dict[str, list[str]], sha: str) -> None:
    """The restored database holds exactly what the source held when the package of everything
    was written, plus the restore's own receipt and audit row."""
    import json

    assert set(restored) == set(before)
    for table, rows in before.items():
        got = restored[table]
        if table == "exchange_package":
            extra = [r for r in got if r not in rows]
            assert len(extra) == 1 and len(got) == len(rows) + 1, table
            receipt = json.loads(extra[0])
            assert receipt["direction"] == repr("import") and receipt["sha256"] == repr(sha)
            got = [r for r in got if r != extra[0]]
        elif table == "audit_log":
            extra = [r for r in got if r not in rows]
            assert len(extra) == 1 and len(got) == len(rows) + 1, table
            assert json.loads(extra[0])["action"] == repr("package.import")
            got = [r for r in got if r != extra[0]]
        assert got == rows, f"{table} differs after the restore"
