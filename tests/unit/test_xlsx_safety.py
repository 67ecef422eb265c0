"""Untrusted .xlsx input: zip limits before parsing, header checks, cell parsers, row errors."""

from __future__ import annotations

import datetime as dt
import struct
import time
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from gongkai_desktop.errors import GongkaiError, InputTooLarge, ValidationError
from gongkai_desktop.importers.xlsx_safety import (
    RowErrors,
    check_xlsx_limits,
    header_problems,
    is_blank,
    open_rows,
    parse_choice_cell,
    parse_date_cell,
    parse_int_cell,
    parse_money_cell,
    require_defusedxml,
    split_multi,
)
from gongkai_desktop.reports.excel import Column, write_template

HEADERS = ("案件编号", "案件类型", "收到日期", "审结日期", "结果", "关联申请编号")
CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="x"/>'


def write_raw_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> None:
    """Write a zip of already-deflated members: (name, raw deflate data, crc32, inflated size)."""
    out = bytearray()
    central = bytearray()
    for name, data, crc, size in members:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(data), size,
                           len(encoded), 0)  # fmt: skip
        out += encoded + data
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc,
                               len(data), size, len(encoded), 0, 0, 0, 0, 0, offset)  # fmt: skip
        central += encoded
    eocd = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(out), 0
    )
    path.write_bytes(bytes(out + central + eocd))


def deflated(data: bytes) -> tuple[bytes, int, int]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(), zlib.crc32(data), len(data)


def zeros_bomb(gib: int = 1) -> tuple[bytes, int, int]:
    """Raw deflate data inflating to ``gib`` GiB of zeros, built without compressing 1 GiB."""
    chunk = bytes(1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(chunk) + c.flush(zlib.Z_SYNC_FLUSH)
    # After the first MiB the window holds only zeros, so every further MiB compresses the same.
    steady = c.compress(chunk) + c.flush(zlib.Z_SYNC_FLUSH)
    assert c.compress(chunk) + c.flush(zlib.Z_SYNC_FLUSH) == steady
    chunks = gib * 1024
    data = first + steady * (chunks - 1) + c.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(chunks):
        crc = zlib.crc32(chunk, crc)
    return data, crc, chunks << 20


def make_xlsx(path: Path, rows: list[list[object]], title: str = "案件") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def forbid_member_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything opens (and so inflates) an archive member from now on."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a member was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)


def test_template_passes_limits(tmp_path: Path) -> None:
    """A template the app writes is accepted and its directory summarised."""
    path = write_template(tmp_path / "t.xlsx", "案件", [Column(h) for h in HEADERS], [])
    summary = check_xlsx_limits(path)
    assert summary.entries > 5
    assert 0 < summary.compressed < summary.uncompressed


def test_zip_bomb_refused_fast_without_inflating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A member declaring 1 GiB of zeros (ratio ~1000:1) is refused from the directory alone."""
    path = tmp_path / "bomb.xlsx"
    write_raw_zip(
        path,
        [
            ("[Content_Types].xml", *deflated(CONTENT_TYPES)),
            ("xl/worksheets/sheet1.xml", *zeros_bomb()),
        ],
    )
    assert path.stat().st_size < 2 * 1024 * 1024
    forbid_member_reads(monkeypatch)
    start = time.perf_counter()
    with pytest.raises(InputTooLarge) as info:
        check_xlsx_limits(path)
    assert time.perf_counter() - start < 1.0
    assert "解压后有 1024 MB" in str(info.value)
    assert "bomb.xlsx" in str(info.value)


def test_high_ratio_member_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A member within the size limit but compressed far beyond 100:1 is refused as a bomb."""
    path = tmp_path / "ratio.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("xl/sharedStrings.xml", bytes(20 * 1024 * 1024))
    forbid_member_reads(monkeypatch)
    with pytest.raises(InputTooLarge, match="压缩比异常") as info:
        check_xlsx_limits(path)
    assert info.value.code == "too_large"
    assert "疑似压缩炸弹" in str(info.value)


def test_total_inflated_size_limit(tmp_path: Path) -> None:
    """Members that are each small but together inflate past the limit are refused."""
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        for i in range(5):
            zf.writestr(f"xl/media/image{i}.bin", bytes(300_000))
    with pytest.raises(InputTooLarge, match="解压后"):
        check_xlsx_limits(path, max_uncompressed=1_000_000)
    assert check_xlsx_limits(path).entries == 6


def test_too_many_entries_refused_from_end_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An archive with more members than allowed is refused before its directory is parsed."""
    path = tmp_path / "entries.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        for i in range(100):
            zf.writestr(f"xl/x{i}.xml", b"<x/>")

    def no_directory(*args: object, **kwargs: object) -> None:
        raise AssertionError("the directory was parsed")

    monkeypatch.setattr(zipfile, "ZipFile", no_directory)
    with pytest.raises(InputTooLarge, match="101 个部件，超过上限 100 个"):
        check_xlsx_limits(path, max_entries=100)


def test_file_size_limit(tmp_path: Path) -> None:
    """A file over the byte limit is refused before it is even opened as a zip."""
    path = make_xlsx(tmp_path / "big.xlsx", [list(HEADERS)])
    with pytest.raises(InputTooLarge, match=r"过大（\d+ KB），Excel 文件不能超过 1 KB"):
        check_xlsx_limits(path, max_bytes=1024)


@pytest.mark.parametrize(
    "member", ["../evil.xml", "xl/../../evil.xml", "/etc/passwd", "C:/evil.xml", "xl\\..\\evil"]
)
def test_unsafe_member_paths_refused(tmp_path: Path, member: str) -> None:
    """Members with ``..``, absolute or drive paths are refused with the offending name."""
    path = tmp_path / "path.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr(zipfile.ZipInfo(member), b"<x/>")
    with pytest.raises(ValidationError, match="不安全的路径") as info:
        check_xlsx_limits(path)
    assert not isinstance(info.value, InputTooLarge)


@pytest.mark.parametrize(
    "content",
    [b"", b"plain text, not a workbook", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)],
)
def test_non_zip_files_refused(tmp_path: Path, content: bytes) -> None:
    """Empty files, text and old .xls (OLE) files get a clear "not an .xlsx" message."""
    path = tmp_path / "old.xls"
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=r"不是有效的 Excel 工作簿（\.xlsx）"):
        check_xlsx_limits(path)


def test_missing_file_refused(tmp_path: Path) -> None:
    """A file that is not there gives a Chinese "cannot read" message, not an OSError."""
    with pytest.raises(ValidationError, match="无法读取文件“none.xlsx”"):
        check_xlsx_limits(tmp_path / "none.xlsx")


def test_zip_without_content_types_refused(tmp_path: Path) -> None:
    """A zip that is not an Office package is refused."""
    path = tmp_path / "a.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", b"hello")
    with pytest.raises(ValidationError, match="不是有效的 Excel 工作簿"):
        check_xlsx_limits(path)


def test_require_defusedxml(monkeypatch: pytest.MonkeyPatch) -> None:
    """openpyxl parses with defusedxml here; without it reading is refused."""
    require_defusedxml()
    assert openpyxl.DEFUSEDXML is True
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    with pytest.raises(GongkaiError, match="defusedxml"):
        require_defusedxml()


def test_open_rows_yields_numbered_non_empty_rows(tmp_path: Path) -> None:
    """Rows come with their sheet row numbers, padded to the header width, blank rows skipped."""
    path = make_xlsx(
        tmp_path / "cases.xlsx",
        [
            [f"  {h} " for h in HEADERS],
            ["A-1", "行政复议", dt.date(2021, 3, 1), None, "维持", "R-1"],
            [None] * 6,
            ["   ", None, None, None, "", None],
            ["A-2", "行政诉讼"],
        ],
    )
    rows = list(open_rows(path, HEADERS))
    assert rows == [
        (2, ("A-1", "行政复议", dt.datetime(2021, 3, 1), None, "维持", "R-1")),
        (5, ("A-2", "行政诉讼", None, None, None, None)),
    ]


def test_open_rows_finds_optional_columns_by_name(tmp_path: Path) -> None:
    """An optional column is read wherever it stands; one the file lacks is ABSENT, an empty
    cell None; a row filled only in an optional column is still a row."""
    from gongkai_desktop.importers.xlsx_safety import ABSENT

    path = make_xlsx(
        tmp_path / "opt.xlsx",
        [
            [*HEADERS[:2], "经办人", *HEADERS[2:]],
            ["A-1", "行政复议", "王五", None, None, None, None],
            ["A-2", "行政诉讼", None],
            [None, None, "李四"],
        ],
    )
    rows = list(open_rows(path, HEADERS, optional_headers=("经办人", "审批人")))
    assert rows == [
        (2, ("A-1", "行政复议", None, None, None, None, "王五", ABSENT)),
        (3, ("A-2", "行政诉讼", None, None, None, None, None, ABSENT)),
        (4, (None,) * 6 + ("李四", ABSENT)),
    ]
    with pytest.raises(ValidationError, match="表头") as refused:
        list(open_rows(path, HEADERS[:2] + ("备注",), optional_headers=("经办人",)))
    assert "缺少列：「备注」" in refused.value.problems
    assert not any("「经办人」" in p and "多出列" in p for p in refused.value.problems)


def test_open_rows_counts_missing_rows(tmp_path: Path) -> None:
    """Rows absent from the sheet XML still advance the row number."""
    wb = Workbook()
    ws = wb.active
    ws.append(list(HEADERS))
    ws["A7"] = "A-7"
    wb.save(tmp_path / "gap.xlsx")
    assert list(open_rows(tmp_path / "gap.xlsx", HEADERS)) == [(7, ("A-7",) + (None,) * 5)]


def test_open_rows_finds_the_data_sheet(tmp_path: Path) -> None:
    """When the instructions sheet comes first, the sheet with the right headers is used."""
    wb = Workbook()
    wb.active.title = "填写说明"
    wb.active["A1"] = "说明"
    data = wb.create_sheet("案件")
    data.append(list(HEADERS))
    data.append(["A-1", "行政复议", None, None, None, None])
    wb.save(tmp_path / "two.xlsx")
    assert [n for n, _ in open_rows(tmp_path / "two.xlsx", HEADERS)] == [2]


def test_open_rows_reads_a_template(tmp_path: Path) -> None:
    """A blank template the app wrote yields no rows and passes every check."""
    columns = [Column(h, choices=("维持", "撤销") if h == "结果" else None) for h in HEADERS]
    path = write_template(tmp_path / "t.xlsx", "案件", columns, [])
    assert list(open_rows(path, HEADERS)) == []


def test_header_missing_and_extra_columns(tmp_path: Path) -> None:
    """Missing and unknown columns are both named in the refusal."""
    path = make_xlsx(
        tmp_path / "h.xlsx", [["案件编号", "案件类别", "收到日期", "审结日期", "结果"]]
    )
    with pytest.raises(ValidationError, match="表头与模板不一致") as info:
        list(open_rows(path, HEADERS))
    problems = info.value.problems
    assert "缺少列：「案件类型」、「关联申请编号」" in problems
    assert "多出列：「案件类别」（模板中没有）" in problems
    assert problems[-1] == "正确的表头依次为：" + "、".join(HEADERS)


def test_header_misordered_columns() -> None:
    """Swapped columns are reported by position and letter."""
    swapped = ["案件编号", "收到日期", "案件类型", "审结日期", "结果", "关联申请编号"]
    problems = header_problems(swapped, HEADERS)
    assert "列的顺序不对：第2列（B列）应为「案件类型」，实际为「收到日期」" in problems
    assert "列的顺序不对：第3列（C列）应为「收到日期」，实际为「案件类型」" in problems


def test_header_duplicates_blanks_and_empty_row() -> None:
    """Duplicated headers, blank header cells and an empty first row each get their message."""
    dup = ["案件编号", "案件编号", "案件类型", "收到日期", "审结日期", "结果", "关联申请编号"]
    assert "列名重复：「案件编号」" in header_problems(dup, HEADERS)
    blank = ["案件编号", None, "案件类型", "收到日期", "审结日期", "结果", "关联申请编号"]
    assert "表头为空的列：第2列（B列）" in header_problems(blank, HEADERS)
    assert header_problems([None, None], HEADERS)[0].startswith("第一行是空的")
    assert header_problems([f"{h}\u3000" for h in HEADERS] + [None], HEADERS) == []


def test_open_rows_refuses_xml_entities(tmp_path: Path) -> None:
    """A sheet declaring XML entities is refused by defusedxml with a Chinese message."""
    src = make_xlsx(tmp_path / "src.xlsx", [list(HEADERS), ["A-1"]])
    evil = tmp_path / "evil.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(evil, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"<worksheet", b'<!DOCTYPE w [<!ENTITY e "boom">]><worksheet', 1
                ).replace(b"A-1", b"&e;")
            zout.writestr(item, data)
    with pytest.raises(ValidationError, match="不允许的 XML 内容"):
        list(open_rows(evil, HEADERS))


def test_open_rows_checks_limits_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """open_rows refuses an oversized file before openpyxl is asked to load it."""
    path = make_xlsx(tmp_path / "a.xlsx", [list(HEADERS)])

    def no_load(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl was asked to load the file")

    monkeypatch.setattr(openpyxl, "load_workbook", no_load)
    with pytest.raises(InputTooLarge):
        list(open_rows(path, HEADERS, limits={"max_bytes": 100}))


def test_open_rows_row_limit(tmp_path: Path) -> None:
    """More data rows than allowed are refused."""
    path = make_xlsx(tmp_path / "a.xlsx", [list(HEADERS)] + [[f"A-{i}"] for i in range(5)])
    with pytest.raises(InputTooLarge, match="超过 3 行"):
        list(open_rows(path, HEADERS, max_rows=3))


def test_open_rows_unknown_sheet(tmp_path: Path) -> None:
    """Asking for a sheet that is not there names it."""
    path = make_xlsx(tmp_path / "a.xlsx", [list(HEADERS)])
    with pytest.raises(ValidationError, match="找不到工作表「数据」"):
        list(open_rows(path, HEADERS, sheet="数据"))


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2021, 3, 5, 14, 30),
        dt.date(2021, 3, 5),
        "2021-03-05",
        "2021-3-5",
        " 2021-03-05 ",
        "2021-03-05 00:00:00",
        "2021/3/5",
        "2021/03/05",
        "2021年3月5日",
        "2021年03月05日",
        "２０２１年３月５日",
        "２０２１－０３－０５",
    ],
)
def test_parse_date_accepts_all_forms(value: object) -> None:
    """Real Excel dates and YYYY-MM-DD, YYYY/M/D, YYYY年M月D日 text (full-width too) parse."""
    assert parse_date_cell(value) == dt.date(2021, 3, 5)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2021-02-30", "日期「2021-02-30」不存在"),
        ("2021.3.5", "不是可识别的日期"),
        ("3月5日", "不是可识别的日期"),
        (44260, "是数字而不是日期"),
        (2021.0, "「2021」是数字而不是日期"),
        ("", "不能为空"),
        (None, "不能为空"),
        ("1800-01-01", "年份超出"),
        (dt.time(9, 0), "应为日期"),
    ],
)
def test_parse_date_refusals(value: object, reason: str) -> None:
    """Impossible dates, other formats, numbers and blanks raise ValueError with a reason."""
    with pytest.raises(ValueError, match=reason):
        parse_date_cell(value)


def test_parse_int_cell() -> None:
    """Whole numbers come from ints, integral floats and digit text; others are refused."""
    assert parse_int_cell(3) == 3
    assert parse_int_cell(15.0) == 15
    assert parse_int_cell(" 20 ") == 20
    assert parse_int_cell("1,200") == 1200
    assert parse_int_cell("３") == 3
    assert parse_int_cell(Decimal("4")) == 4
    assert parse_int_cell(-2, minimum=None) == -2
    for bad, reason in [
        (3.5, "应为整数，实际为「3.5」"),
        ("三", "应为整数"),
        (True, "应为整数"),
        (-1, "不能小于 0"),
        (float("nan"), "应为整数"),
        ("", "不能为空"),
    ]:
        with pytest.raises(ValueError, match=reason):
            parse_int_cell(bad)
    with pytest.raises(ValueError, match="不能大于 15"):
        parse_int_cell(16, maximum=15)


def test_parse_money_cell() -> None:
    """Amounts become two-decimal Decimals from numbers and text with ¥, 元 and commas."""
    assert parse_money_cell(12.5) == Decimal("12.50")
    assert str(parse_money_cell(0)) == "0.00"
    assert parse_money_cell("¥1,200.5") == Decimal("1200.50")
    assert parse_money_cell("￥30") == Decimal("30.00")
    assert parse_money_cell("30元") == Decimal("30.00")
    assert parse_money_cell(0.1 + 0.2) == Decimal("0.30")
    for bad, reason in [
        (-1, "不能为负数"),
        ("1.234", "最多两位小数"),
        ("三十元", "应为金额"),
        (True, "应为金额"),
        (float("inf"), "应为金额"),
        ("NaN", "应为金额"),
    ]:
        with pytest.raises(ValueError, match=reason):
            parse_money_cell(bad)


def test_parse_choice_cell() -> None:
    """A value must be one of the choices; spaces and full-width forms are forgiven."""
    choices = ("予以公开", "部分公开", "不予公开(涉密)")
    assert parse_choice_cell(" 部分公开 ", choices) == "部分公开"
    assert parse_choice_cell("不予公开（涉密）", choices) == "不予公开(涉密)"
    with pytest.raises(ValueError) as info:
        parse_choice_cell("公开", choices)
    assert str(info.value) == "「公开」不是可选值，可选：予以公开、部分公开、不予公开(涉密)"
    long = tuple(f"处{i}" for i in range(20))
    with pytest.raises(ValueError, match="等 20 项"):
        parse_choice_cell("处99", long)
    with pytest.raises(ValueError, match="不能为空"):
        parse_choice_cell(None, choices)


def test_split_multi_and_is_blank() -> None:
    """Multi-value cells split on 、 into trimmed, distinct parts; blanks give an empty list."""
    assert split_multi("门户网站、 政务新媒体 、、门户网站") == ["门户网站", "政务新媒体"]
    assert split_multi("a;b", sep=";") == ["a", "b"]
    assert split_multi(None) == [] and split_multi("  ") == []
    assert is_blank(None) and is_blank(" \u3000") and not is_blank(0)


def test_row_errors_message_format() -> None:
    """Every error is listed as 第N行「列名」：原因, by row, and nothing is raised when clean."""
    errors = RowErrors("案件.xlsx")
    errors.raise_if_any()
    errors.add(7, "收到日期", "不能为空")
    errors.add(3, "结果", "「公开」不是可选值")
    errors.add(3, None, "与第2行重复")
    assert len(errors) == 3
    with pytest.raises(ValidationError) as info:
        errors.raise_if_any()
    err = info.value
    assert err.problems == [
        "第3行「结果」：「公开」不是可选值",
        "第3行：与第2行重复",
        "第7行「收到日期」：不能为空",
    ]
    assert err.message.startswith("“案件.xlsx”有 3 处错误（涉及 2 行），未导入任何数据")
    assert "  - 第7行「收到日期」：不能为空" in str(err)


def test_row_errors_parse_helper() -> None:
    """parse() returns the parsed value or records the parser's reason and returns None."""
    errors = RowErrors()
    assert errors.parse(2, "收到日期", parse_date_cell, "2021-03-05") == dt.date(2021, 3, 5)
    assert errors.parse(2, "审结日期", parse_date_cell, None) is None
    assert errors.parse(3, "收到日期", parse_date_cell, None, required=True) is None
    assert errors.parse(4, "结果", parse_choice_cell, "x", ("维持",)) is None
    assert errors.parse(5, "天数", parse_int_cell, "-1", minimum=0) is None
    assert errors.messages() == [
        "第3行「收到日期」：必填，不能为空",
        "第4行「结果」：「x」不是可选值，可选：维持",
        "第5行「天数」：不能小于 0，实际为 -1",
    ]
