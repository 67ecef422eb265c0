"""Reading untrusted .xlsx files: container limits first, then checked rows and cell parsers.

An .xlsx file is a zip archive of XML. Before openpyxl parses anything, ``check_xlsx_limits``
reads only the archive's directory (never inflating a member) and refuses files that are too big,
hold too many members, would inflate too far (zip bombs), or name paths outside the archive.
This is enough because Python's ``zipfile`` never returns more bytes than a member's declared size,
so the declared sizes checked here bound what openpyxl can inflate later. openpyxl must parse
with defusedxml (no entity expansion, no external entities); ``require_defusedxml`` enforces it.
Word files (.docx) are the same kind of package: ``check_package_limits`` with ``DOCX`` applies
the same checks with messages that name Word, and ``check_package_stream`` applies them to an
open file or to bytes already read.

``open_rows`` then checks the header row against a template's exact headers (and finds the
optional columns a file may add, such as those of an exported ledger) and yields the data rows; the ``parse_*_cell`` functions of ``xlsx_cells`` (imported here too) turn cell values into
Python values or raise ``ValueError`` with a Chinese reason, which ``RowErrors`` collects into one
"第N行「列名」：原因" report.
"""

from __future__ import annotations

import logging
import os
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeVar
from xml.etree.ElementTree import ParseError

import openpyxl
from lxml.etree import XMLSyntaxError
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from ..errors import GongkaiError, InputTooLarge, ValidationError
from ..progress import CancelToken
from . import zip_safety
from .budget import ReadBudget
from .xlsx_cells import MAX_INT as MAX_INT
from .xlsx_cells import MAX_MONEY as MAX_MONEY
from .xlsx_cells import MAX_YEAR as MAX_YEAR
from .xlsx_cells import MIN_YEAR as MIN_YEAR
from .xlsx_cells import is_blank as is_blank
from .xlsx_cells import parse_choice_cell as parse_choice_cell
from .xlsx_cells import parse_date_cell as parse_date_cell
from .xlsx_cells import parse_int_cell as parse_int_cell
from .xlsx_cells import parse_money_cell as parse_money_cell
from .xlsx_cells import parse_text_cell as parse_text_cell
from .xlsx_cells import split_multi as split_multi
from .xlsx_cells import text_cell as text_cell
from .zip_safety import DOCX as DOCX
from .zip_safety import XLSX as XLSX
from .zip_safety import OfficePackage as OfficePackage
from .zip_safety import ZipLimits
from .zip_safety import ZipSummary as ZipSummary

log = logging.getLogger(__name__)

T = TypeVar("T")

MB = zip_safety.MB
MAX_BYTES = zip_safety.MAX_BYTES
MAX_ENTRIES = zip_safety.MAX_ENTRIES
MAX_UNCOMPRESSED = zip_safety.MAX_UNCOMPRESSED
MAX_RATIO = zip_safety.MAX_RATIO
MAX_ROWS = 200_000
_mb = zip_safety.mb

# What openpyxl raises on a damaged or hostile package; defusedxml's refusals are ValueErrors.
_READ_ERRORS = (
    zipfile.BadZipFile,
    InvalidFileException,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    ParseError,
    XMLSyntaxError,
    EOFError,
    zlib.error,
)


def check_xlsx_limits(
    path: str | os.PathLike[str],
    max_bytes: int = MAX_BYTES,
    max_entries: int = MAX_ENTRIES,
    max_uncompressed: int = MAX_UNCOMPRESSED,
    max_ratio: float = MAX_RATIO,
) -> ZipSummary:
    """Refuse an .xlsx whose size, member count, inflated size, ratio or member names are unsafe.

    Only the zip directory is read (``zip_safety.check_zip_file``). Raises ``InputTooLarge`` for
    a limit, ``ValidationError`` for a file that is not an .xlsx archive or names an unsafe path.
    """
    return check_package_limits(path, XLSX, max_bytes, max_entries, max_uncompressed, max_ratio)


def check_package_limits(
    path: str | os.PathLike[str],
    package: OfficePackage,
    max_bytes: int = MAX_BYTES,
    max_entries: int = MAX_ENTRIES,
    max_uncompressed: int = MAX_UNCOMPRESSED,
    max_ratio: float = MAX_RATIO,
) -> ZipSummary:
    """``zip_safety.check_zip_file`` with the limits given one by one."""
    limits = ZipLimits(max_bytes, max_entries, max_uncompressed, max_ratio)
    return zip_safety.check_zip_file(path, package, limits)


def check_package_stream(
    fh: BinaryIO,
    size: int,
    file: Path,
    package: OfficePackage,
    max_bytes: int = MAX_BYTES,
    max_entries: int = MAX_ENTRIES,
    max_uncompressed: int = MAX_UNCOMPRESSED,
    max_ratio: float = MAX_RATIO,
) -> ZipSummary:
    """``zip_safety.check_zip_stream`` with the limits given one by one."""
    limits = ZipLimits(max_bytes, max_entries, max_uncompressed, max_ratio)
    return zip_safety.check_zip_stream(fh, size, file, package, limits)


def _size_from_head(ws: Any) -> None:
    """``ReadOnlyWorksheet._get_size`` that stops at ``<sheetData>``.

    openpyxl looks for a sheet's ``<dimension>`` with end events only, so a sheet without one
    (openpyxl's own write-only files, many generators) is parsed to its last row just to learn
    that it has no size, before it is read again row by row: a million rows took a minute.
    Start events find the element, or its absence, in the first bytes.
    """
    from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG
    from openpyxl.worksheet.dimensions import SheetDimension
    from openpyxl.xml.functions import iterparse

    src = ws._get_source()
    try:
        for _event, element in iterparse(src, events=("start",)):
            if element.tag == DIMENSION_TAG:
                bounds = SheetDimension(ref=element.get("ref", "")).boundaries
                if bounds is not None:
                    ws._min_column, ws._min_row, ws._max_column, ws._max_row = bounds
                break
            if element.tag == DATA_TAG:
                break
    finally:
        src.close()


def _read_only_sizing() -> None:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    ReadOnlyWorksheet._get_size = _size_from_head  # type: ignore[method-assign]


_read_only_sizing()


def require_defusedxml() -> None:
    """Refuse to read untrusted workbooks unless openpyxl parses them with defusedxml."""
    import openpyxl.xml.functions as xml_functions

    iterparse_module = getattr(xml_functions.iterparse, "__module__", "") or ""
    if openpyxl.DEFUSEDXML is not True or not iterparse_module.startswith("defusedxml"):
        raise GongkaiError(
            "安全组件 defusedxml 未生效，为防止恶意文件，已停止读取外部 Excel 文件；"
            "请重新安装本软件",
            component="defusedxml",
        )


# ---------------------------------------------------------------------------------------------
# Rows


class _Absent:
    """The value of an optional column that the file does not have (not an empty cell)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False


ABSENT: Any = _Absent()


def open_rows(
    path: str | os.PathLike[str],
    expected_headers: Sequence[str],
    *,
    sheet: str | None = None,
    max_rows: int = MAX_ROWS,
    limits: Mapping[str, float] | None = None,
    cancel: CancelToken | None = None,
    optional_headers: Sequence[str] = (),
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Yield ``(row_number, values)`` for each non-empty data row of an untrusted .xlsx file.

    Limits and defusedxml are checked first, then the workbook is opened read-only. The sheet is
    ``sheet`` or else the first visible sheet whose first row matches; its first row must equal
    ``expected_headers`` exactly (whitespace around a header is ignored), otherwise a
    ``ValidationError`` lists the missing, extra and misplaced columns. ``optional_headers`` are
    columns the file may add anywhere, each found by name at most once. ``values`` always has one
    entry per expected column, then one per optional column: ``ABSENT`` when the file has no such
    column (unlike ``None``, an empty cell). ``limits`` overrides ``check_xlsx_limits`` keywords.
    Before openpyxl loads anything, the XML parts other than the sheets are scanned
    (``zip_safety.scan_xml_parts``: no DTDs, at most a million shared strings), and the reading
    runs within a ``ReadBudget`` that ``cancel`` can stop. Errors surface on the first ``next()``.
    """
    file = Path(path)
    expected = tuple(expected_headers)
    check_xlsx_limits(file, **(limits or {}))  # type: ignore[arg-type]
    require_defusedxml()
    number = 0
    # openpyxl leaves its archive open when loading fails; owning the handle here closes it.
    try:
        fh = open(file, "rb")  # closed by the with block below
    except OSError as exc:
        raise zip_safety.cannot_read(file, exc) from exc
    budget = ReadBudget(file, XLSX_SECONDS, cancel)
    with fh:
        try:
            with zipfile.ZipFile(fh) as archive:
                zip_safety.scan_xml_parts(archive, file, XLSX, budget)
            fh.seek(0)
            wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        except _READ_ERRORS as exc:
            raise _unreadable(file, exc) from exc
        try:
            ws, first = _pick_sheet(wb, file, expected, sheet)
            positions = column_positions(first, expected)
            optional = optional_positions(first, optional_headers)
            if positions is None or optional is None:
                raise _header_mismatch(file, ws.title, first, expected, optional_headers)
            width = len(expected)
            in_order = positions == list(range(width))
            for number, raw in enumerate(ws.iter_rows(min_row=2, values_only=True), 2):
                if number % _ROWS_PER_CHECK == 0:
                    budget.check()
                if number > max_rows + 1:
                    raise _too_many_rows(file, max_rows)
                if in_order:
                    values = tuple(raw[:width])
                else:
                    values = tuple(raw[i] if i < len(raw) else None for i in positions)
                if len(values) < width:
                    values += (None,) * (width - len(values))
                if optional:
                    values += tuple(
                        ABSENT if i is None else raw[i] if i < len(raw) else None for i in optional
                    )
                if all(v is ABSENT or is_blank(v) for v in values):
                    continue
                yield number, values
        except _READ_ERRORS as exc:
            raise _unreadable(file, exc, after_row=number or None) from exc
        finally:
            wb.close()


_ROWS_PER_CHECK = 1000
# openpyxl reads some 10 000 rows a second on a busy office PC: the row limit, not the clock,
# bounds a workbook, so its time budget only stops a reader that hangs (cancel stops any).
XLSX_SECONDS = 600.0


def _too_many_rows(file: Path, max_rows: int) -> InputTooLarge:
    return InputTooLarge(
        f"“{file.name}”的数据超过 {max_rows} 行，请分成几个文件导入",
        path=str(file),
        limit=max_rows,
    )


def _pick_sheet(
    wb: Any, file: Path, expected: tuple[str, ...], sheet: str | None
) -> tuple[Any, tuple[Any, ...]]:
    if sheet is not None:
        if sheet not in wb.sheetnames:
            raise ValidationError(
                f"“{file.name}”中找不到工作表「{sheet}」", path=str(file), sheet=sheet
            )
        return wb[sheet], _first_row(wb[sheet])
    candidates = [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
    candidates = candidates or list(wb.worksheets)
    if not candidates:
        raise ValidationError(f"“{file.name}”中没有工作表", path=str(file))
    firsts = []
    for ws in candidates:
        first = _first_row(ws)
        if column_positions(first, expected) is not None:
            return ws, first
        firsts.append(first)
    return candidates[0], firsts[0]


def column_positions(first_row: Iterable[Any], expected: Sequence[str]) -> list[int] | None:
    """Where each expected column stands in ``first_row``: the template's own order, or, in a
    file with more columns (an exported ledger's 公开期限, 状态…), each header found once by
    name; None when a header is missing or repeated."""
    actual = ["" if v is None else str(v).strip() for v in first_row]
    if not header_problems(actual, expected):
        return list(range(len(expected)))
    if any(actual.count(h) != 1 for h in expected):
        return None
    return [actual.index(h) for h in expected]


def optional_positions(
    first_row: Iterable[Any], optional: Sequence[str]
) -> list[int | None] | None:
    """Where each optional column stands in ``first_row`` (None: not there); None when one is
    there more than once."""
    actual = ["" if v is None else str(v).strip() for v in first_row]
    if any(actual.count(h) > 1 for h in optional):
        return None
    return [actual.index(h) if h in actual else None for h in optional]


def _header_mismatch(
    file: Path,
    title: str,
    first: Sequence[Any],
    expected: Sequence[str],
    optional: Sequence[str],
) -> ValidationError:
    actual = ["" if v is None else str(v).strip() for v in first]
    problems = []
    if column_positions(first, expected) is None:
        problems = header_problems(first, expected, optional)
    repeated = [h for h in optional if actual.count(h) > 1]
    if repeated:
        problems.insert(0, "列名重复：" + "、".join(f"「{h}」" for h in repeated))
    if optional:
        problems.append("可另加的列（列名须一字不差）：" + "、".join(optional))
    return ValidationError(
        f"“{file.name}”工作表「{title}」的表头与模板不一致。"
        "请使用本系统生成的模板，不要修改第一行",
        problems=problems,
        path=str(file),
    )


def extra_columns(
    path: str | os.PathLike[str], expected: Sequence[str], *, sheet: str | None = None
) -> list[str]:
    """The named columns of the file that the template lacks (the import leaves them out)."""
    require_defusedxml()
    file = Path(path)
    with open(file, "rb") as fh:
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        try:
            _ws, first = _pick_sheet(wb, file, tuple(expected), sheet)
        finally:
            wb.close()
    actual = ["" if v is None else str(v).strip() for v in first]
    return [h for h in actual if h and h not in expected]


def ignored_columns_note(path: str | os.PathLike[str], expected: Sequence[str]) -> tuple[str, ...]:
    """The import note naming the columns that were not read, if any."""
    extra = extra_columns(path, expected)
    if not extra:
        return ()
    names = "、".join(f"「{h}」" for h in extra)
    return (f"提示：文件中的{names}列不是导入模板的列，已忽略（导出台账时附带的信息）。",)


def _first_row(ws: Any) -> tuple[Any, ...]:
    ws.reset_dimensions()  # some writers store a wrong sheet size; read what is really there
    for row in ws.iter_rows(min_row=1, max_row=1, values_only=True):
        return tuple(row)
    return ()


def header_problems(
    first_row: Iterable[Any], expected: Sequence[str], optional: Sequence[str] = ()
) -> list[str]:
    """Chinese descriptions of how ``first_row`` differs from ``expected``; empty when equal.

    Columns named in ``optional`` are allowed in addition and are not reported as extra.
    """
    actual = ["" if v is None else str(v).strip() for v in first_row]
    while actual and not actual[-1]:
        actual.pop()
    wanted = list(expected)
    if actual == wanted:
        return []
    if not actual:
        return ["第一行是空的，应为表头：" + "、".join(wanted)]
    problems: list[str] = []
    missing = [h for h in wanted if h not in actual]
    extra = [h for h in actual if h and h not in wanted and h not in optional]
    duplicated = sorted({h for h in actual if h and actual.count(h) > 1}, key=actual.index)
    blanks = [i for i, h in enumerate(actual, 1) if not h]
    if missing:
        problems.append("缺少列：" + "、".join(f"「{h}」" for h in missing))
    if extra:
        problems.append("多出列：" + "、".join(f"「{h}」" for h in extra) + "（模板中没有）")
    if duplicated:
        problems.append("列名重复：" + "、".join(f"「{h}」" for h in duplicated))
    if blanks:
        problems.append(
            "表头为空的列：" + "、".join(f"第{i}列（{get_column_letter(i)}列）" for i in blanks)
        )
    if not (missing or extra or duplicated or blanks):
        actual = [h for h in actual if h not in optional]
        for i, (got, want) in enumerate(zip(actual, wanted, strict=True), 1):
            if got != want:
                problems.append(
                    f"列的顺序不对：第{i}列（{get_column_letter(i)}列）应为「{want}」，实际为「{got}」"
                )
    problems.append("正确的表头依次为：" + "、".join(wanted))
    return problems


def _is_defused(exc: BaseException) -> bool:
    """True when defusedxml refused the XML, possibly wrapped by openpyxl in another error."""
    from defusedxml import DefusedXmlException

    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, DefusedXmlException):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _unreadable(file: Path, exc: BaseException, after_row: int | None = None) -> ValidationError:
    if _is_defused(exc):
        reason = "文件含有不允许的 XML 内容（DTD 或实体定义），可能是恶意文件"
    else:
        reason = "文件已损坏或不是有效的 .xlsx 格式"
    where = f"（读到第 {after_row} 行附近时出错）" if after_row else ""
    log.warning("refused %s: %r", file, exc, exc_info=exc)
    return ValidationError(f"无法读取 Excel 文件“{file.name}”：{reason}{where}", path=str(file))


# ---------------------------------------------------------------------------------------------
# Errors of a whole file


@dataclass(frozen=True)
class RowError:
    row: int
    column: str | None
    reason: str

    def __str__(self) -> str:
        if self.column:
            return f"第{self.row}行「{self.column}」：{self.reason}"
        return f"第{self.row}行：{self.reason}"


class RowErrors:
    """Collects every problem of an import so the user sees them all at once, not one per try."""

    def __init__(self, source: str = "") -> None:
        self.source = source
        self._errors: list[RowError] = []

    def add(self, row: int, column_header: str | None, reason: str) -> None:
        self._errors.append(RowError(row, column_header, reason))

    def parse(
        self,
        row: int,
        column_header: str,
        parser: Callable[..., T],
        value: object,
        *args: Any,
        required: bool = False,
        **kwargs: Any,
    ) -> T | None:
        """``parser(value, ...)``, or None after recording the reason when it raises ValueError.

        A blank cell gives None; when ``required`` it is also recorded as "必填，不能为空".
        """
        if is_blank(value):
            if required:
                self.add(row, column_header, "必填，不能为空")
            return None
        try:
            return parser(value, *args, **kwargs)
        except ValueError as exc:
            self.add(row, column_header, str(exc) or "内容无效")
            return None

    def __len__(self) -> int:
        return len(self._errors)

    def __bool__(self) -> bool:
        return bool(self._errors)

    def __iter__(self) -> Iterator[RowError]:
        return iter(sorted(self._errors, key=lambda e: e.row))

    def messages(self) -> list[str]:
        """One "第N行「列名」：原因" line per error, by row (same-row errors in the order found)."""
        return [str(e) for e in self]

    def raise_if_any(self, message: str | None = None) -> None:
        """Raise one ``ValidationError`` listing every recorded error; do nothing if none."""
        if not self._errors:
            return
        rows = len({e.row for e in self._errors})
        where = f"“{self.source}”" if self.source else "导入文件"
        raise ValidationError(
            message
            or f"{where}有 {len(self._errors)} 处错误（涉及 {rows} 行），未导入任何数据；"
            "请改正后重新导入",
            problems=self.messages(),
            errors=len(self._errors),
        )
