"""The one zip/XML check of every zip-based input, and the readers' budgets and cancel."""

from __future__ import annotations

import random
import time
import zipfile
from pathlib import Path

import docx
import pytest

from gongkai_desktop.errors import Cancelled, InputTooLarge, ValidationError
from gongkai_desktop.importers import zip_safety
from gongkai_desktop.importers.budget import ReadBudget
from gongkai_desktop.importers.plan import read_plan_document
from gongkai_desktop.importers.policy_document import read_policy_document
from gongkai_desktop.importers.xlsx_safety import open_rows
from gongkai_desktop.progress import CancelToken


def _docx(path: Path, lines: list[str]) -> Path:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))
    return path


def _rewrite(source: Path, target: Path, extra: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    """A copy of a zip with extra members appended (names or ZipInfo entries)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        for info, data in extra:
            zout.writestr(info, data)
    return target


def _readers() -> list[tuple[str, object]]:
    return [("plan", read_plan_document), ("policy", read_policy_document)]


@pytest.mark.parametrize("reader", ["plan", "policy"])
@pytest.mark.parametrize(
    ("member", "reason"),
    [
        ("../../evil.txt", "不安全的路径"),
        ("/etc/passwd", "不安全的路径"),
        ("C:/Windows/x.dll", "不安全的路径"),
        ("word/..\\..\\x.xml", "不安全的路径"),
        ("WORD/DOCUMENT.XML", "重复出现"),
    ],
)
def test_docx_readers_refuse_what_xlsx_refuses(tmp_path: Path, reader: str, member: str, reason: str) -> None:
    """Plan and policy .docx files with zip-slip or colliding member names are refused like an
    .xlsx with the same names (one zip check for every zip-based input)."""
    good = _docx(tmp_path / "good.docx", ["一、任务", "1.做好公开。（牵头部门：综合处）"])
    bad = _rewrite(good, tmp_path / "bad.docx", [(member, b"<x/>")])
    read = dict(_readers())[reader]
    with pytest.raises(ValidationError, match=reason):
        read(bad)  # type: ignore[operator]


def test_symlink_members_are_refused(tmp_path: Path) -> None:
    """A member stored as a symbolic link is refused before anything is parsed."""
    good = _docx(tmp_path / "good.docx", ["正文"])
    link = zipfile.ZipInfo("word/media/link.png")
    link.external_attr = (0o120777 << 16)
    bad = _rewrite(good, tmp_path / "link.docx", [(link, b"/etc/passwd")])
    for _, read in _readers():
        with pytest.raises(ValidationError, match="符号链接"):
            read(bad)  # type: ignore[operator]


@pytest.mark.parametrize("reader", ["plan", "policy"])
def test_docx_with_a_dtd_is_refused(tmp_path: Path, reader: str) -> None:
    """An entity declaration in any part of a plan or policy .docx is refused."""
    good = _docx(tmp_path / "good.docx", ["正文"])
    evil = tmp_path / "evil.docx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(evil, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:document", b'<!DOCTYPE d [<!ENTITY a "x">]><w:document', 1)
            zout.writestr(info, data)
    with pytest.raises(ValidationError, match="DTD 或实体定义"):
        dict(_readers())[reader](evil)  # type: ignore[operator]


def test_paragraph_count_is_checked_before_parsing(tmp_path: Path) -> None:
    """100 000 empty paragraphs (a 35 KB file) are refused in well under a second."""
    document = docx.Document()
    body = document.element.body
    from docx.oxml import OxmlElement

    for _ in range(100_000):
        body.append(OxmlElement("w:p"))
    path = tmp_path / "empty.docx"
    document.save(str(path))
    for _, read in _readers():
        start = time.perf_counter()
        with pytest.raises(InputTooLarge, match="段落"):
            read(path)  # type: ignore[operator]
        assert time.perf_counter() - start < 2.0


def test_xlsx_shared_strings_are_counted_before_openpyxl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A workbook with more than a million shared strings is refused without loading it."""
    import openpyxl

    rng = random.Random(7)
    strings = b"".join(
        b"<si><t>%s</t></si>" % bytes(rng.choice(b"abcdefghij") for _ in range(6))
        for _ in range(1_000_001)
    )
    path = tmp_path / "strings.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types/>')
        archive.writestr("xl/sharedStrings.xml", b"<sst>" + strings + b"</sst>")

    def no_load(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl was asked to load the file")

    monkeypatch.setattr(openpyxl, "load_workbook", no_load)
    with pytest.raises(InputTooLarge, match="共享字符串"):
        list(open_rows(path, ("登记编号",)))


def test_member_caps_are_per_kind_of_part(tmp_path: Path) -> None:
    """sharedStrings.xml may not inflate past 64 MB even though the whole file may reach 500."""
    kind = zip_safety.XLSX
    assert kind.cap_of("xl/sharedStrings.xml") == 64 * zip_safety.MB
    assert kind.cap_of("xl/worksheets/sheet1.xml") == 256 * zip_safety.MB
    assert kind.cap_of("xl/styles.xml") == 16 * zip_safety.MB
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/styles.xml", b"<a>" + b"x" * (17 * zip_safety.MB) + b"</a>")
    with pytest.raises(InputTooLarge, match="styles.xml"):
        zip_safety.check_zip_file(path, kind, zip_safety.ZipLimits(max_ratio=10_000))


def test_budget_times_out_and_cancels(tmp_path: Path) -> None:
    """A reader's budget raises InputTooLarge once its time is up, Cancelled once cancelled."""
    budget = ReadBudget(tmp_path / "slow.pdf", seconds=0.0)
    time.sleep(0.01)
    with pytest.raises(InputTooLarge, match="超过 0 秒"):
        budget.check()
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        ReadBudget(tmp_path / "a.docx", cancel=token).check()


def test_cancel_reaches_the_policy_reader(tmp_path: Path) -> None:
    """A cancelled token stops the reading of a policy document (the worker's cancel)."""
    path = _docx(tmp_path / "policy.docx", [f"第{i}条 内容" for i in range(500)])
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        read_policy_document(path, token)
    with pytest.raises(Cancelled):
        read_plan_document(path, token)
