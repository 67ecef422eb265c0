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
            "LibreOffice is not installed (Debian: libreoffice-writer-nogui "
            "libreoffice-calc-nogui)"
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
