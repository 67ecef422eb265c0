"""Excel columns, blank templates and ledger exports of requests and cases (SPEC §16).

The template headers are SPEC §16's, exactly; the further columns of the request clock
(补正期限, 征求意见发出/答复日期, 延期审批人/日期, 延迟答复原因/期限) may follow 备注 in a file, and
the export writes them all, then the computed 答复期限 and 办理状态, so a ledger goes back in whole.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from ...domain.requests import (
    MAX_EXTENSION_WORKING_DAYS,
    OUTCOME_LABELS,
    ApplicantType,
    CaseResult,
    CaseType,
    Channel,
)
from ...progress import CancelToken, Job
from .columns import Column, headers_of
from .ledger import write_ledger_job
from .sheets import write_template

# SPEC §16's template, column for column.
REQUEST_COLUMNS: tuple[Column, ...] = (
    Column("登记编号", 16, required=True),
    Column(
        "收到日期",
        13,
        "date",
        required=True,
        note="条例第三十一条：当面提交以提交之日；邮寄以签收之日，平常信函以与申请人确认之日；"
        "互联网渠道和传真以双方确认之日为准",
    ),
    Column("申请方式", 10, choices=Channel.labels(), required=True),
    Column("申请人类型", 14, choices=ApplicantType.labels(), required=True),
    Column("申请人", 16),
    Column("申请内容", 40),
    Column(
        "承办处室", 14, required=True, divisions=True, note="填写处室全称，须与系统中的处室名称一致"
    ),
    Column("补正告知日期", 13, "date", note="应在收到申请后7个工作日内一次性告知"),
    Column("补正收到日期", 13, "date", note="20个工作日的答复期限自收到补正之日起算"),
    Column(
        "征求意见工作日数",
        10,
        "int",
        note="不计入答复期限的征求意见工作日数；另加「征求意见发出日期」「征求意见答复日期」列的，"
        "按两个日期计算，本列留空",
    ),
    Column(
        "延期工作日数",
        10,
        "int",
        note=f"不超过{MAX_EXTENSION_WORKING_DAYS}个工作日（2019年5月15日前收到的不超过15个）；"
        "须另加「延期审批人」「延期审批日期」列登记审批（条例第三十条），未登记审批的不顺延答复期限",
        maximum=MAX_EXTENSION_WORKING_DAYS,
    ),
    Column("答复日期", 13, "date"),
    Column("办理结果", 40, choices=OUTCOME_LABELS, note="尚未答复的留空；已答复的必须选择"),
    Column("收费金额", 10, "money", note="信息处理费（元），未收费留空"),
    Column("备注", 24),
)
REQUEST_HEADERS = headers_of(REQUEST_COLUMNS)
# The further columns of the request clock that a file may add after 备注 (an exported ledger
# has them all). A column left out keeps, on an update, what the request already records.
REQUEST_OPTIONAL_COLUMNS: tuple[Column, ...] = (
    Column(
        "补正期限",
        13,
        "date",
        note="告知申请人的补正期限（最后一天）；期满未补正的，方可按逾期不补正办结",
    ),
    Column("征求意见发出日期", 13, "date", note="条例第三十二条：发出征求意见书之日"),
    Column(
        "征求意见答复日期",
        13,
        "date",
        note="收到第三方或其他机关意见之日；其间的工作日不计入答复期限，第三方答复期限为15个工作日",
    ),
    Column(
        "延期审批人",
        14,
        note="条例第三十条：延期须经政府信息公开工作机构负责人同意；填写同意延期的负责人",
    ),
    Column(
        "延期审批日期",
        13,
        "date",
        note="应在原答复期限内、答复之前；审批人和审批日期都登记且及时的，延期工作日数才顺延答复期限",
    ),
    Column(
        "延迟答复原因", 24, note="条例第三十五条：申请数量、频次明显超过合理范围，与延期分开登记"
    ),
    Column("延迟答复期限", 13, "date", note="告知申请人的延迟答复期限"),
)
REQUEST_OPTIONAL_HEADERS = headers_of(REQUEST_OPTIONAL_COLUMNS)
# Every column an import reads: the template's, then the optional ones.
REQUEST_LEDGER_HEADERS = headers_of((*REQUEST_COLUMNS, *REQUEST_OPTIONAL_COLUMNS))
REQUEST_EXPORT_COLUMNS: tuple[Column, ...] = (
    *REQUEST_COLUMNS,
    *REQUEST_OPTIONAL_COLUMNS,
    Column("答复期限", 13, "date"),
    Column("办理状态", 10),
)

CASE_COLUMNS: tuple[Column, ...] = (
    Column("案件编号", 18, required=True),
    Column("案件类型", 28, choices=CaseType.labels(), required=True),
    Column("收到日期", 13, "date", required=True),
    Column("审结日期", 13, "date"),
    Column("结果", 10, choices=CaseResult.labels(), note="尚未审结的留空"),
    Column("关联申请编号", 16, note="填写依申请公开登记编号，须已在系统中登记"),
)
CASE_HEADERS = headers_of(CASE_COLUMNS)
CASE_EXPORT_COLUMNS: tuple[Column, ...] = (*CASE_COLUMNS, Column("承办处室", 14))

REQUEST_INSTRUCTIONS = (
    "本表用于批量登记政府信息公开申请（依申请公开），每行一件申请。",
    "登记编号已存在的，导入时更新该申请；不存在的，新增。",
    "办理结果须从下拉列表中选择，与《政府信息公开工作年度报告》表三的行一一对应。",
    "答复日期和办理结果要么都填，要么都不填（尚在办理中）。",
    "联络员只能导入本处室承办的申请。",
    "办理时限的其他信息可在「备注」列之后加列填写，列名须一字不差："
    + "、".join(f"「{h}」" for h in REQUEST_OPTIONAL_HEADERS)
    + "（含义见下表「可加列」各行）。导出的依申请公开台账已含这些列，可直接修改后导入。",
    "延期工作日数只有在「延期审批人」「延期审批日期」列登记了审批（条例第三十条，"
    "在原答复期限内、答复之前经政府信息公开工作机构负责人同意）时才顺延答复期限。",
    "更新已有登记编号时，文件中没有的可加列保留系统中已登记的内容；有该列但单元格为空的，"
    "清空该项。",
)
CASE_INSTRUCTIONS = (
    "本表用于登记与政府信息公开有关的行政复议、行政诉讼案件，每行一件。",
    "案件编号已存在的，导入时更新该案件；不存在的，新增。",
    "已审结的案件须填写审结日期和结果；尚未审结的两列都留空。",
)


def write_requests_template(
    path: str | os.PathLike[str], division_names: Sequence[str] | None = None
) -> Path:
    return write_template(
        path,
        "依申请公开登记",
        REQUEST_COLUMNS,
        REQUEST_INSTRUCTIONS,
        division_names=division_names,
        optional_columns=REQUEST_OPTIONAL_COLUMNS,
    )


def write_cases_template(
    path: str | os.PathLike[str], division_names: Sequence[str] | None = None
) -> Path:
    return write_template(path, "复议诉讼案件", CASE_COLUMNS, CASE_INSTRUCTIONS)


def yuan(cents: int | None) -> Decimal | None:
    return None if cents is None else (Decimal(cents) / 100).quantize(Decimal("0.01"))


def export_requests_job(
    path: str | os.PathLike[str],
    rows: Sequence[Sequence[object]] | Iterable[Sequence[object]],
    total: int | None = None,
    cancel: CancelToken | None = None,
) -> Job[int]:
    return write_ledger_job(
        path,
        "依申请公开台账",
        REQUEST_EXPORT_COLUMNS,
        rows,
        total=total,
        cancel=cancel,
        message="正在导出依申请公开台账",
    )


def export_cases_job(
    path: str | os.PathLike[str],
    rows: Iterable[Sequence[object]],
    total: int | None = None,
    cancel: CancelToken | None = None,
) -> Job[int]:
    return write_ledger_job(
        path,
        "复议诉讼案件",
        CASE_EXPORT_COLUMNS,
        rows,
        total=total,
        cancel=cancel,
        message="正在导出复议诉讼案件",
    )
