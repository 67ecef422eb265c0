"""公开事项 in Excel: the import template (SPEC §16) and the streaming ledger export.

The export has the template's columns in the same order, then the computed ones (公开期限, 状态),
so a user reads it with the template beside it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ...db.engine import Database
from ...db.ledger_models import DisclosureItem
from ...db.models import Division
from ...domain.disclosure import (
    DEFAULT_CATEGORIES,
    WITHHOLD_GROUNDS,
    DeadlineState,
    DisclosureAttribute,
    join_channels,
    mask_to_channels,
)
from ...domain.permissions import Actor
from ...exchange import TemplateLists
from ...progress import CancelToken, Job, Progress
from ...services.item_list import ItemQuery, apply_item_filters, state_expression
from ...services.ledger import LedgerService
from .columns import Column, headers_of
from .ledger import write_ledger_job
from .sheets import write_template

log = logging.getLogger(__name__)

ITEM_COLUMNS: tuple[Column, ...] = (
    Column("标题", 44, required=True),
    Column("类别", 16, choices=DEFAULT_CATEGORIES, required=True),
    Column("公开属性", 12, choices=DisclosureAttribute.labels(), required=True),
    Column(
        "不公开依据",
        26,
        choices=WITHHOLD_GROUNDS,
        note="公开属性为「不予公开」时必填，其他情况留空",
    ),
    Column("责任处室", 14, required=True, divisions=True, note="填写本单位处室全称，如「开发指导处」"),
    Column("形成日期", 12, kind="date", required=True, note="信息形成或变更的日期"),
    Column("公开日期", 12, kind="date", note="尚未公开的留空"),
    Column(
        "公开渠道",
        22,
        note="可填多个，用「、」分隔；可选：门户网站、政务公开专区、政府公报、微信公众号、微博、"
        "新闻发布会、报刊、广播电视、公开查阅点、其他。主动公开事项应包含门户网站",
    ),
    Column("链接", 30),
    Column("文号", 20),
    Column("备注", 30),
)
ITEM_HEADERS = headers_of(ITEM_COLUMNS)
ITEM_EXPORT_COLUMNS: tuple[Column, ...] = ITEM_COLUMNS + (
    Column("公开期限", 12, kind="date"),
    Column("状态", 10),
)

ITEM_INSTRUCTIONS = (
    "公开属性在登记时认定：主动公开、依申请公开或不予公开；不予公开的必须选择不公开依据。",
    "主动公开事项的公开期限为形成日期后第 20 个工作日（形成当日不计），"
    "部门预算、部门决算为批复（形成）后 20 日，由系统按节假日安排自动计算。",
    "同一处室、同一标题、同一形成日期的事项视为同一条：再次导入会更新原记录而不是重复登记。",
)

STATE_LABELS = {s.value: s.label for s in DeadlineState}
ATTRIBUTE_LABELS = {a.value: a.label for a in DisclosureAttribute}


def write_items_template(path: str | os.PathLike[str], lists: TemplateLists | None = None) -> None:
    """The items template; with ``lists``, 责任处室 and 类别 offer the unit's own lists."""
    columns = ITEM_COLUMNS
    if lists is not None and lists.categories:
        columns = tuple(
            replace(c, choices=lists.categories) if c.header == "类别" else c for c in columns
        )
    write_template(
        path,
        "公开事项",
        columns,
        ITEM_INSTRUCTIONS,
        division_names=lists.divisions if lists is not None else None,
    )


def export_items_job(
    db: Database,
    actor: Actor,
    path: Path,
    year: int | None,
    cancel: CancelToken | None,
    batch: int = 5000,
) -> Job[int]:
    """Every live item (of ``year`` by formation date, if given), oldest first, streamed."""
    service = LedgerService(db, actor)
    service.refresh_deadlines()
    today = service.today()
    query = ItemQuery(year=year)
    total = service.count_items(query, today)
    yield Progress(0, total, "正在读取公开事项")

    def rows() -> Iterator[tuple[Any, ...]]:
        item = DisclosureItem
        last_key: tuple[date, int] | None = None
        state = state_expression(today).label("state")
        # Keyset pages: a short read transaction per batch instead of one open for minutes.
        while True:
            with db.read() as session:
                stmt = select(
                    item.id,
                    item.title,
                    item.category,
                    item.attribute,
                    item.ground,
                    Division.name,
                    item.formed_on,
                    item.published_on,
                    item.channels,
                    item.link,
                    item.doc_number,
                    item.notes,
                    item.deadline,
                    state,
                ).join(Division, Division.id == item.division_id)
                stmt = apply_item_filters(session, stmt, query, today)
                if last_key is not None:
                    stmt = stmt.where(
                        (item.formed_on > last_key[0])
                        | ((item.formed_on == last_key[0]) & (item.id > last_key[1]))
                    )
                chunk = session.execute(
                    stmt.order_by(item.formed_on, item.id).limit(batch)
                ).all()
            if not chunk:
                return
            channel_text: dict[int, str] = {}
            for r in chunk:
                mask = r[8]
                text = channel_text.get(mask)
                if text is None:
                    text = channel_text[mask] = join_channels(mask_to_channels(mask))
                # Empty texts become empty cells, not cells holding "".
                yield (
                    r[1],
                    r[2],
                    ATTRIBUTE_LABELS[r[3]],
                    r[4],
                    r[5],
                    r[6],
                    r[7],
                    text or None,
                    r[9] or None,
                    r[10] or None,
                    r[11] or None,
                    r[12],
                    STATE_LABELS.get(r[13]) if r[13] else None,
                )
            last_key = (chunk[-1][6], chunk[-1][0])

    done = yield from write_ledger_job(
        path,
        "公开事项",
        ITEM_EXPORT_COLUMNS,
        rows(),
        total=total,
        cancel=cancel,
        message="正在导出公开事项",
    )
    log.info("exported %d items to %s", done, path)
    return done
