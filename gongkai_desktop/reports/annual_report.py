"""The annual report as a Word document: six sections and tables 二, 三, 四 laid out as the national
format of 2021 (国办公开办函〔2021〕30号), in the official layout (GB/T 9704-2012).

The tables are built from the numbers only; their labels, merged header cells and group labels
follow the national form, so a reader compares the report with any other unit's at a glance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain import annual_report as ar
from ..domain.requests import OUTCOMES, CaseType
from .word import Cell, CellLike, OfficialDocument, WordFonts, chinese_date

if TYPE_CHECKING:
    from ..services.annual_report import AnnualReportData

TABLE4_FONT_SIZE = 9.0  # 小五: fifteen value columns must fit the text width
LEAD = (
    "本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息"
    "公开工作年度报告格式》（国办公开办函〔2021〕30号）要求编制。报告全文包括总体情况、主动公开"
    "政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要"
    "问题及改进情况、其他需要报告的事项。报告所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。"
)


def _number(value: object, colspan: int = 1) -> Cell:
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
    elif isinstance(value, int):
        text = str(value)
    else:
        text = str(value)
    return Cell(text, colspan=colspan, align="center")


def table2_rows(table: Mapping[str, Mapping[str, object]]) -> list[list[CellLike]]:
    """Table 二 as one 4-column grid: per block its 第二十条 label row, column heads and rows."""
    rows: list[list[CellLike]] = []
    for block, columns, labels in ar.TABLE2_BLOCKS:
        rows.append([Cell(block, colspan=4, align="center", bold=True)])
        if len(columns) == 1:
            heads = [Cell(columns[0], colspan=3, align="center")]
        else:
            heads = [Cell(c, align="center") for c in columns]
        rows.append([Cell("信息内容", align="center"), *heads])
        for label in labels:
            values = table[label]
            if len(columns) == 1:
                cells = [_number(values[columns[0]], colspan=3)]
            else:
                cells = [_number(values[c]) for c in columns]
            rows.append([Cell(label, align="center"), *cells])
    return rows


def table3_header() -> list[list[CellLike]]:
    return [
        [
            Cell(ar.TABLE3_NOTE, rowspan=3, colspan=3, align="center"),
            Cell("申请人情况", colspan=7, align="center"),
        ],
        [
            Cell("自然人", rowspan=2, align="center"),
            Cell("法人或其他组织", colspan=5, align="center"),
            Cell("总计", rowspan=2, align="center"),
        ],
        [Cell(label, align="center") for label in ar.APPLICANT_COLUMNS[1:-1]],
    ]


def table3_rows(table: ar.Table3) -> list[list[CellLike]]:
    """The 25 numeric rows of table 三 with the form's labels and merged group cells."""

    def values(label: str) -> list[CellLike]:
        return [_number(v) for v in table[label]]

    rows: list[list[CellLike]] = []
    rows.append([Cell(ar.TABLE3_PRINTED[ar.ROW_NEW], colspan=3), *values(ar.ROW_NEW)])
    rows.append([Cell(ar.TABLE3_PRINTED[ar.ROW_CARRIED_IN], colspan=3), *values(ar.ROW_CARRIED_IN)])
    result_rows = len(OUTCOMES) + 1
    first = True
    for group in ar.GROUP_PRINTED:
        members = [o for o in OUTCOMES if o.group == group]
        lead: list[CellLike] = []
        if first:
            lead.append(Cell(ar.TABLE3_RESULTS_LABEL, rowspan=result_rows, align="center"))
            first = False
        if len(members) == 1 and not members[0].item:
            rows.append(
                [*lead, Cell(ar.GROUP_PRINTED[group], colspan=2), *values(members[0].label)]
            )
            continue
        for i, outcome in enumerate(members):
            group_cell: list[CellLike] = (
                [Cell(ar.GROUP_PRINTED[group], rowspan=len(members), align="center")]
                if i == 0
                else []
            )
            rows.append(
                [
                    *(lead if i == 0 else []),
                    *group_cell,
                    Cell(ar.printed_item(outcome.label)),
                    *values(outcome.label),
                ]
            )
    rows.append([Cell(ar.TABLE3_PRINTED[ar.ROW_TOTAL], colspan=2), *values(ar.ROW_TOTAL)])
    rows.append(
        [Cell(ar.TABLE3_PRINTED[ar.ROW_CARRIED_OUT], colspan=3), *values(ar.ROW_CARRIED_OUT)]
    )
    return rows


def table4_header() -> list[list[CellLike]]:
    """As the national form lays it out: 行政复议's five heads span rows 2–3 under it; 行政诉讼
    splits into its two kinds on row 2, each with the five heads on row 3."""
    return [
        [
            Cell("行政复议", colspan=5, align="center"),
            Cell("行政诉讼", colspan=10, align="center"),
        ],
        [
            *(Cell(c, rowspan=2, align="center") for c in ar.CASE_COLUMNS),
            Cell("未经复议直接起诉", colspan=5, align="center"),
            Cell("复议后起诉", colspan=5, align="center"),
        ],
        [Cell(c, align="center") for _ in range(2) for c in ar.CASE_COLUMNS],
    ]


def table4_row(table: ar.Table4) -> list[CellLike]:
    return [_number(table[t.label][c]) for t in CaseType for c in ar.CASE_COLUMNS]


def report_title(data: AnnualReportData) -> str:
    return f"{data.unit}{data.year}年政府信息公开工作年度报告"


def _optional(doc: OfficialDocument, text: str) -> None:
    if text.strip():
        doc.paragraph(text)


def build_annual_report(
    data: AnnualReportData, *, fonts: WordFonts | None = None, issued: date | None = None
) -> OfficialDocument:
    doc = OfficialDocument(fonts)
    doc.title(report_title(data), keep=(data.unit,))
    doc.paragraph(LEAD.format(y=data.year))
    doc.heading(ar.HEADINGS[0], 1)
    for key, title in ar.SECTION_KEYS[:5]:
        doc.heading(title, 2)
        doc.paragraph(data.section(key))
    doc.heading(ar.HEADINGS[1], 1)
    _optional(doc, data.section("section2"))
    table2 = table2_rows(data.table2)
    doc.table(table2[:2], table2[2:], [3, 2, 2, 2])
    doc.heading(ar.HEADINGS[2], 1)
    _optional(doc, data.section("section3"))
    doc.table(table3_header(), table3_rows(data.table3), [1.0, 1.7, 4.0, *([0.85] * 7)])
    doc.heading(ar.HEADINGS[3], 1)
    _optional(doc, data.section("section4"))
    doc.table(table4_header(), [table4_row(data.table4)], None, font_size=TABLE4_FONT_SIZE)
    doc.heading(ar.HEADINGS[4], 1)
    doc.paragraph(data.section("problems"))
    doc.heading(ar.HEADINGS[5], 1)
    doc.paragraph(data.section("other"))
    doc.date_line(chinese_date(issued or date.today()), issuer=data.unit or None)
    return doc


def write_annual_report(
    data: AnnualReportData,
    path: str | Path,
    *,
    fonts: WordFonts | None = None,
    issued: date | None = None,
) -> Path:
    return build_annual_report(data, fonts=fonts, issued=issued).save(path)


def read_back_tables(path: str | Path) -> tuple[list[list[str]], ...]:
    """The text grid of every table of a .docx (merged cells repeated), for checks and tests."""
    from docx import Document

    document = Document(str(path))
    return tuple(
        [[cell.text for cell in row.cells] for row in table.rows] for table in document.tables
    )


def table3_from_grid(grid: Sequence[Sequence[str]]) -> dict[str, list[int]]:
    """Read table 三's numbers back from its text grid (3 header rows, 25 rows of 10 cells)."""
    body = grid[3:]
    labels = ar.TABLE3_ROWS
    return {labels[i]: [int(v) for v in row[3:10]] for i, row in enumerate(body)}
