"""The indicator table of a year as an Excel sheet (SPEC §13): saved with the exact columns and a
drop-down of the computations, and loaded back, all rows or none, every bad row listed.
"""

from __future__ import annotations

import logging
import os
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from ..domain.evaluation import METHODS, METHODS_BY_KEY, Indicator, check_indicators
from ..errors import ValidationError
from ..fileio import atomic_path
from ..reports.excel.columns import Column
from ..reports.excel.sheets import INSTRUCTIONS_SHEET, _write_instructions, write_sheet
from .xlsx_safety import RowErrors, open_rows, parse_choice_cell, text_cell

log = logging.getLogger(__name__)

SHEET = "考核指标"
COLUMNS = (
    Column("代码", 8, required=True),
    Column("指标", 20, required=True),
    Column("权重", 8, "text", required=True),
    Column("计算方法", 10, choices=tuple(m.key for m in METHODS), required=True),
    Column("计量对象", 44),
    Column("达标标准", 32),
    Column("依据规则", 28),
)
HEADERS = tuple(c.header for c in COLUMNS)
MAX_INDICATORS = 100
INSTRUCTIONS = (
    "每行一项指标；代码不得重复，权重为大于 0 的数字（最多两位小数），权重合计一般为 100。",
    "计算方法指明按哪一类记录计分："
    + "；".join(f"{m.key}：{m.measured}，{m.met}" for m in METHODS)
    + "。",
    "计量对象、达标标准留空时，按计算方法的默认说明填写。",
)


def save_indicators_xlsx(
    path: str | os.PathLike[str], year: int, indicators: tuple[Indicator, ...]
) -> Path:
    """Write the year's table (the template when loaded into another year or edited)."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    rows = [
        (i.code, i.name, f"{i.weight.normalize():f}", i.method, i.measured, i.met, i.rule_id or "")
        for i in indicators
    ]
    write_sheet(ws, COLUMNS, rows, empty_rows=20)
    _write_instructions(
        wb.create_sheet(INSTRUCTIONS_SHEET), f"{year}年{SHEET}", COLUMNS, INSTRUCTIONS
    )
    wb.active = ws
    target = Path(path)
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target


def _weight(value: object) -> Decimal:
    text = text_cell(value)
    try:
        weight = Decimal(text)
    except ArithmeticError:
        raise ValueError(f"应为数字，实际为「{text}」") from None
    if not weight.is_finite() or weight <= 0:
        raise ValueError(f"应为大于 0 的数字，实际为「{text}」")
    if weight != weight.quantize(Decimal("0.01")):
        raise ValueError(f"最多两位小数，实际为「{text}」")
    return weight


def load_indicators_xlsx(path: str | os.PathLike[str]) -> tuple[Indicator, ...]:
    """Read an indicator sheet; ValidationError listing every bad row (nothing is returned then)."""
    file = Path(path)
    errors = RowErrors(file.name)
    out: list[Indicator] = []
    seen: dict[str, int] = {}
    for row, values in open_rows(file, HEADERS, max_rows=MAX_INDICATORS):
        code = errors.parse(row, "代码", text_cell, values[0], required=True)
        name = errors.parse(row, "指标", text_cell, values[1], required=True)
        weight = errors.parse(row, "权重", _weight, values[2], required=True)
        method = errors.parse(
            row, "计算方法", parse_choice_cell, values[3], tuple(METHODS_BY_KEY), required=True
        )
        if code and code in seen:
            errors.add(row, "代码", f"与第{seen[code]}行的代码「{code}」重复")
        elif code:
            seen[code] = row
        if code and name and weight is not None and method:
            m = METHODS_BY_KEY[method]
            out.append(
                Indicator(
                    code,
                    name,
                    weight,
                    method,
                    text_cell(values[4]) or m.measured,
                    text_cell(values[5]) or m.met,
                    text_cell(values[6]) or m.rule_id,
                )
            )
    errors.raise_if_any()
    problems = check_indicators(out)
    if problems:
        raise ValidationError(f"“{file.name}”的指标表有误，未导入。", problems=problems)
    return tuple(out)
