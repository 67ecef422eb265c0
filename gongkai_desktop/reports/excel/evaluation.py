"""The evaluation workbook (SPEC §13): 汇总, one sheet per division, 指标说明, 扣分明细.

Numbers are values (rounded half-up to 2 decimals as shown), never formulas; every sheet has a
frozen header repeated on each printed page, A4 landscape fitted to the page width; 汇总 has
conditional formatting (colour scale on 总分, 不合格 in red) and a bar chart of the totals.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ...domain.evaluation import NOT_APPLICABLE, RESPREAD_RULE, EvaluationResult, shown
from ...fileio import atomic_path
from ...progress import CancelToken, Job, Progress
from ...services.measure_records import RECORD_LIMIT
from ._text import is_plain, set_text
from .styles import (
    add_bar_chart,
    add_cell_rule,
    add_color_scale,
    safe_sheet_title,
    set_column_widths,
    style_header_row,
)

log = logging.getLogger(__name__)

SUMMARY = "汇总"
EXPLANATION = "指标说明"
ADJUSTMENTS = "扣分明细"
NUMBER = "0.00"
LIST_ALL = 50  # an indicator with up to this many records lists them all
LIST_MOST = 200  # otherwise its unmet records, at most this many
TITLE_FONT = Font(bold=True, size=14)
CENTRED = Alignment(horizontal="center")


def _text(ws: Any, row: int, col: int, value: str) -> Any:
    cell = ws.cell(row=row, column=col)
    if is_plain(value):
        cell.value = value
    else:
        set_text(cell, value)
    return cell


def _number(ws: Any, row: int, col: int, value: object) -> Any:
    cell = ws.cell(row=row, column=col, value=value)
    cell.number_format = NUMBER
    return cell


def _print_setup(ws: Any, header_row: int) -> None:
    """A4 landscape, one page wide, the header repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4


def _header(ws: Any, row: int, headers: Sequence[str]) -> None:
    for col, text in enumerate(headers, 1):
        ws.cell(row=row, column=col, value=text)
    style_header_row(ws, row, len(headers))


def _title(ws: Any, text: str, width: int) -> None:
    ws.cell(row=1, column=1, value=text).font = TITLE_FONT
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(width, 1))
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")


def _summary(ws: Any, result: EvaluationResult, unit: str) -> None:
    codes = [i.code for i in result.indicators]
    headers = [
        "排名",
        "处室",
        *[f"{i.code}\n{i.name}\n（{shown(i.weight)}）" for i in result.indicators],
        "扣分",
        "调整",
        "总分",
        "等次",
    ]
    _title(ws, f"{unit}{result.period.title}政务公开考核评议结果汇总", len(headers))
    ws.cell(
        row=2,
        column=1,
        value=f"计分截至 {result.as_of:%Y年%m月%d日}；指标得分已按不适用指标的权重比例分摊；分值保留两位小数。",
    )
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headers))
    _header(ws, 3, headers)
    ws.row_dimensions[3].height = 66
    row = 3
    for d in result.divisions:
        row += 1
        ws.cell(row=row, column=1, value=d.rank if d.rank is not None else NOT_APPLICABLE)
        _text(ws, row, 2, d.division_name)
        for col, code in enumerate(codes, 3):
            s = d.score_of(code)
            if s.score is None:
                ws.cell(row=row, column=col, value=NOT_APPLICABLE)
            else:
                _number(ws, row, col, float(shown(s.score)))
        base = 3 + len(codes)
        _number(ws, row, base, float(shown(d.deductions)))
        _number(ws, row, base + 1, float(shown(d.adjustments)))
        if d.total is None:
            ws.cell(row=row, column=base + 2, value=NOT_APPLICABLE)
        else:
            _number(ws, row, base + 2, float(shown(d.total)))
        ws.cell(row=row, column=base + 3, value=d.grade)
        for col in (1, base + 3):
            ws.cell(row=row, column=col).alignment = CENTRED
    last = row
    total_col = 5 + len(codes)
    set_column_widths(ws, [6, 14, *([10.5] * len(codes)), 8, 8, 9, 8])
    ws.freeze_panes = "C4"
    if last >= 4:
        letter = get_column_letter(total_col)
        add_color_scale(ws, f"{letter}4:{letter}{last}")
        grade_letter = get_column_letter(total_col + 1)
        add_cell_rule(ws, f"{grade_letter}4:{grade_letter}{last}", "equal", ["不合格"], bold=True)
        first_score, last_score = get_column_letter(3), get_column_letter(2 + len(codes))
        add_cell_rule(
            ws,
            f"{first_score}4:{last_score}{last}",
            "equal",
            [NOT_APPLICABLE],
            fill="EDEDED",
            font_color="7F7F7F",
        )
        scored = [d for d in result.divisions if d.total is not None]
        if scored:
            chart = add_bar_chart(
                ws,
                anchor=f"B{last + 3}",
                title=f"{result.period.title}各处室总分",
                category_col=2,
                value_cols=[total_col],
                header_row=3,
                last_row=3 + len(scored),
                y_title="总分",
                width=24,
                height=10,
            )
            chart.y_axis.scaling.min = 0
            chart.y_axis.scaling.max = 100  # totals are out of 100
    _print_setup(ws, 3)


def _division_sheet(
    ws: Any, result: EvaluationResult, d: Any, records: dict[str, list[Any]]
) -> None:
    headers = ["代码", "指标", "权重", "计量情况", "计量数", "达标数", "得分", "说明"]
    _title(ws, f"{d.division_name} {result.period.title}考核明细", len(headers))
    total = "不适用" if d.total is None else f"{shown(d.total)}"
    rank = "—" if d.rank is None else str(d.rank)
    ws.cell(
        row=2,
        column=1,
        value=f"总分 {total}　等次 {d.grade}　排名 {rank}　扣分 {shown(d.deductions)}　调整 {shown(d.adjustments)}",
    )
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headers))
    _header(ws, 3, headers)
    row = 3
    for s in d.scores:
        row += 1
        i = s.indicator
        ws.cell(row=row, column=1, value=i.code)
        _text(ws, row, 2, i.name)
        _number(ws, row, 3, float(shown(i.weight)))
        ws.cell(row=row, column=4, value=s.measured_text)
        ws.cell(row=row, column=5, value=s.count.measured)
        ws.cell(row=row, column=6, value=s.count.met)
        if s.score is None:
            ws.cell(row=row, column=7, value=NOT_APPLICABLE)
        else:
            _number(ws, row, 7, float(shown(s.score)))
        note = ""
        if s.case_deduction:
            note = f"行政复议、诉讼纠正 {d.corrected_cases} 件，扣 {shown(s.case_deduction)} 分"
        _text(ws, row, 8, note)
    # The records behind each number, below the scores.
    row += 2
    ws.cell(row=row, column=1, value="计量记录").font = Font(bold=True)
    row += 1
    _header(ws, row, ["代码", "记录", "日期", "结果", "说明"])
    for code, refs in records.items():
        shown_refs = refs if len(refs) <= LIST_ALL else [r for r in refs if r.outcome != "met"]
        for ref in shown_refs[:LIST_MOST]:
            row += 1
            ws.cell(row=row, column=1, value=code)
            _text(ws, row, 2, ref.title)
            if ref.dated is not None:
                ws.cell(row=row, column=3, value=ref.dated).number_format = "yyyy-mm-dd"
            ws.cell(row=row, column=4, value=ref.outcome_label)
            _text(ws, row, 5, ref.note)
        left_out = len(refs) - min(len(shown_refs), LIST_MOST)
        if left_out:
            row += 1
            ws.cell(row=row, column=1, value=code)
            score = d.score_of(code)
            many = f"另有 {left_out} 条" if len(refs) < RECORD_LIMIT else "其余记录"
            note = f"{many}未逐条列出（本项{score.measured_text}，明细见系统的考核评议页面）"
            ws.cell(row=row, column=2, value=note).font = Font(italic=True, color="595959")
    set_column_widths(ws, [8, 40, 11, 14, 8, 8, 9, 36])
    ws.freeze_panes = "A4"
    _print_setup(ws, 3)


def _explanation(ws: Any, result: EvaluationResult) -> None:
    headers = ["代码", "指标", "权重", "计量对象", "达标标准", "依据规则"]
    _title(ws, f"{result.period.title}考核指标说明", len(headers))
    _header(ws, 3, headers)
    row = 3
    for i in result.indicators:
        row += 1
        ws.cell(row=row, column=1, value=i.code)
        _text(ws, row, 2, i.name)
        _number(ws, row, 3, float(shown(i.weight)))
        _text(ws, row, 4, i.measured)
        _text(ws, row, 5, i.met)
        ws.cell(row=row, column=6, value=i.rule_id or "")
    notes = [
        f"权重合计 {shown(sum(i.weight for i in result.indicators))}。",
        "各项指标为达标率：只计量截至计分日期期限已过（或结果已可判断）的记录，期限未到的记录暂不计量。",
        RESPREAD_RULE,
        f"依申请公开按时答复（YSQ1）：本期审结、结果为纠正的行政复议或行政诉讼案件，每件扣 {shown(result.case_penalty)} 分，扣至 0 分为止。",
        "总分 = 各项指标得分之和 − 扣分 + 调整，最低为 0；分值四舍五入保留两位小数，等次和排名按保留两位小数后的总分确定，总分相同者名次并列；各项得分与总分分别四舍五入，相加可能与总分有尾差。",
        "等次："
        + "，".join(f"{label} ≥ {shown(lowest)}" for lowest, label in result.grades.bands)
        + f"，{result.grades.below}低于 {shown(result.grades.bands[-1][0])}。",
        "没有任何适用指标的处室列为「不适用」，不计总分、不排名。",
    ]
    row += 2
    for note in notes:
        ws.cell(row=row, column=1, value=note).alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(headers))
        ws.row_dimensions[row].height = 32
        row += 1
    set_column_widths(ws, [8, 20, 8, 48, 36, 30])
    ws.freeze_panes = "A4"
    _print_setup(ws, 3)


def _adjustments(ws: Any, result: EvaluationResult) -> None:
    headers = ["序号", "处室", "类别", "分值", "理由", "录入人", "录入时间"]
    _title(ws, f"{result.period.title}扣分和调整明细", len(headers))
    _header(ws, 3, headers)
    row = 3
    for n, a in enumerate(result.adjustments, 1):
        row += 1
        ws.cell(row=row, column=1, value=n)
        _text(ws, row, 2, a.division_name)
        ws.cell(row=row, column=3, value=a.kind_label)
        _number(ws, row, 4, float(shown(a.points)))
        _text(ws, row, 5, a.reason)
        _text(ws, row, 6, a.created_by)
        ws.cell(row=row, column=7, value=a.created_at)
    if not result.adjustments:
        ws.cell(row=4, column=1, value="本期没有扣分或调整。")
    set_column_widths(ws, [6, 14, 8, 8, 50, 12, 18])
    ws.freeze_panes = "A4"
    _print_setup(ws, 3)


def evaluation_workbook_job(
    service: Any,
    result: EvaluationResult,
    path: str | Path,
    cancel: CancelToken | None = None,
    unit: str = "",
) -> Job[Path]:
    """Write the workbook of ``result`` to ``path`` (temporary file, renamed into place).
    ``service`` (an EvaluationService) reads the records behind each division's numbers."""
    path = Path(path)
    divisions = result.divisions
    total = len(divisions) + 2
    yield Progress(0, total, "写入汇总表")
    wb = Workbook()
    summary = wb.active
    summary.title = SUMMARY
    _summary(summary, result, unit or service.unit_name())
    titles = [SUMMARY, EXPLANATION, ADJUSTMENTS]
    for n, d in enumerate(divisions, 1):
        if cancel:
            cancel.check()
        yield Progress(n, total, f"写入{d.division_name}明细")
        every = service.division_records_all(result.period, d.division_id, result.as_of)
        records = {s.indicator.code: every[s.indicator.code] for s in d.scores if s.applicable}
        title = safe_sheet_title(d.division_name, titles)
        titles.append(title)
        _division_sheet(wb.create_sheet(title), result, d, records)
    _explanation(wb.create_sheet(EXPLANATION), result)
    _adjustments(wb.create_sheet(ADJUSTMENTS), result)
    yield Progress(total - 1, total, "保存文件")
    with atomic_path(path) as tmp:
        wb.save(tmp)
    yield Progress(total, total, "完成")
    return path
