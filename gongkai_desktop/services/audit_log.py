"""审计日志 in the words of 综合处: each row's action as a Chinese phrase (「导入公开事项 205 条」,
「删除政策解读」), the kind and the title of the record it touched, newest first; filters by user,
division, record kind, action, result and date; the filtered log exported to an xlsx workbook
(through the ledger writer: streamed, cancellable, written to a temporary file and renamed).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..db.models import AuditEntry, Division, User
from ..domain.labels import AuditOutcome
from ..domain.permissions import Action
from ..progress import CancelToken, Job
from ..record_kinds import KINDS, kind_of
from .admin import local_midnight_utc
from .base import Service, division_names

# Whole actions that are not "a verb on a kind of record".
ACTION_LABELS: dict[str, str] = {
    "init": "初始化数据库",
    "login": "登录",
    "logout": "注销",
    "user.list": "查看用户列表",
    "user.reset_password": "重置密码",
    "user.change_password": "修改本人密码",
    "setting.update": "修改设置",
    "calendar.import_notice": "导入节假日通知",
    "calendar.override": "调整节假日",
    "backup.make": "备份数据库",
    "backup.list": "查看备份",
    "backup.restore": "恢复备份",
    "database.check": "检查数据库",
    "audit.read": "查看审计日志",
    "audit.verify": "校验审计日志",
    "audit.export": "导出审计日志",
    "item.mark_published": "标记公开事项已公开",
    "item.recompute_deadlines": "重新计算公开期限",
    "plan.import": "导入年度工作要点",
    "plan.review": "审核任务报送",
    "plan.report": "报送任务进展",
    "plan.report.create": "报送任务进展",
    "plan.bulletin": "生成督查通报",
    "interpretation.save_draft": "保存政策解读草稿",
    "cleanup.decide": "填写清理结论",
    "cleanup.publish": "公布清理结果",
    "catalogue.save": "保存标准目录",
    "report.annual.save": "保存年度报告",
    "report.annual.read": "查看年度报告",
    "report.annual.export": "导出年度报告",
    "attachment.add": "添加附件",
    "attachment.remove": "删除附件",
    "category.add": "新增公开类别",
}
VERB_LABELS: dict[str, str] = {
    "create": "新增",
    "add": "新增",
    "update": "修改",
    "save": "保存",
    "delete": "删除",
    "restore": "恢复",
    "import": "导入",
}
OUTCOME_LABELS = {o.value: o.label for o in AuditOutcome}


@dataclass(frozen=True)
class ActionFilter:
    """One choice of the 操作 filter: the SQL LIKE patterns of the actions it takes in."""

    label: str
    patterns: tuple[str, ...]


ACTION_FILTERS: tuple[ActionFilter, ...] = (
    ActionFilter("新增", ("%.create", "%.add")),
    ActionFilter("修改", ("%.update", "%.save", "%.decide", "%.review", "%.mark_published")),
    ActionFilter("删除", ("%.delete", "%.remove")),
    ActionFilter("恢复（回收站）", ("%.restore",)),
    ActionFilter("导入", ("%.import", "%.import_notice")),
    ActionFilter("导出", ("%.export",)),
    ActionFilter("登录与注销", ("login", "logout")),
    ActionFilter("用户与密码", ("user.%",)),
    ActionFilter("设置与节假日", ("setting.%", "calendar.%")),
    ActionFilter("备份与恢复", ("backup.%", "database.%")),
    ActionFilter("演示数据", ("demo.%",)),
)


@dataclass(frozen=True)
class AuditQuery:
    username: str | None = None
    division_id: int | None = None
    entity: str | None = None  # a record kind's table
    action: str | None = None  # the label of one of ACTION_FILTERS
    outcome: str | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class AuditLine:
    """One audit row as 综合处 reads it."""

    id: int
    ts: str  # UTC, as stored
    username: str
    division: str
    kind: str  # 公开事项, 用户…
    action: str  # 「导入公开事项 205 条」
    record: str  # the record's title
    outcome: str  # 成功 / 拒绝 / 失败
    detail: str
    code: str  # the stored action, e.g. item.import
    before: str | None
    after: str | None


def _values(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def describe_action(action: str, entity: str, after: Mapping[str, Any]) -> str:
    """The action of an audit row as a Chinese phrase."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    kind = kind_of(entity)
    if action.startswith("demo."):
        return f"生成演示数据（{kind.label}）"
    verb = action.rsplit(".", 1)[-1]
    label = VERB_LABELS.get(verb)
    if label is None:
        return action
    if verb == "import" and ("created" in after or "updated" in after):
        count = len(after.get("created") or ()) + len(after.get("updated") or ())
        return f"导入{kind.label} {count} {kind.unit}"
    return f"{label}{kind.label}"


def record_title(entry: AuditEntry) -> str:
    """The record's title as the row's own snapshot holds it ('' when it holds none)."""
    kind = kind_of(entry.entity)
    for text in (entry.after, entry.before):
        title = kind.title_of(_values(text))
        if title:
            return title
    if entry.action.endswith(".import") and entry.entity_id:
        return f"文件「{entry.entity_id}」"
    return ""


def local_text(ts: str) -> str:
    """A stored UTC timestamp in this PC's local time, to the second."""
    try:
        moment = datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return ts
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


EXPORT_PAGE = 2000


class AuditLogService(Service):
    """Reading and exporting the audit log (admins only: ``Action.READ_AUDIT``)."""

    def _require(self, what: str = "audit.read") -> None:
        self.require(Action.READ_AUDIT, what=what, entity="audit_log")

    def search(
        self, query: AuditQuery, *, limit: int = 200, before_id: int | None = None
    ) -> list[AuditLine]:
        """Newest first; page backwards with ``before_id`` (the last id shown)."""
        self._require()
        with self.db.read() as session:
            return self._lines(session, query, limit, before_id)

    def _lines(
        self, session: Session, query: AuditQuery, limit: int, before_id: int | None
    ) -> list[AuditLine]:
        stmt = self._filtered(query).order_by(AuditEntry.id.desc()).limit(limit)
        if before_id:
            stmt = stmt.where(AuditEntry.id < before_id)
        entries = list(session.scalars(stmt))
        names = division_names(session)
        titles = self._current_titles(session, entries)
        return [self._line(e, names, titles) for e in entries]

    @staticmethod
    def _filtered(query: AuditQuery) -> Any:
        stmt = select(AuditEntry)
        if query.username:
            stmt = stmt.where(AuditEntry.username == query.username)
        if query.division_id is not None:
            stmt = stmt.where(AuditEntry.division_id == query.division_id)
        if query.entity:
            stmt = stmt.where(AuditEntry.entity == query.entity)
        if query.action:
            chosen = next((f for f in ACTION_FILTERS if f.label == query.action), None)
            patterns = chosen.patterns if chosen else (f"{query.action}%",)
            stmt = stmt.where(or_(*(AuditEntry.action.like(p) for p in patterns)))
        if query.outcome:
            stmt = stmt.where(AuditEntry.outcome == query.outcome)
        if query.since:
            stmt = stmt.where(AuditEntry.ts >= local_midnight_utc(query.since))
        if query.until:
            after = date.fromordinal(query.until.toordinal() + 1)
            stmt = stmt.where(AuditEntry.ts < local_midnight_utc(after))
        return stmt

    @staticmethod
    def _current_titles(
        session: Session, entries: Sequence[AuditEntry]
    ) -> dict[tuple[str, str], str]:
        """Titles of the records whose audit rows carry none (a log-in names a user by id):
        read from the records as they are now, one query per kind."""
        wanted: dict[str, set[str]] = {}
        for e in entries:
            if e.entity_id and not record_title(e):
                wanted.setdefault(e.entity, set()).add(e.entity_id)
        titles: dict[tuple[str, str], str] = {}
        users = wanted.pop("user", set())
        ids = [int(i) for i in users if i.isdigit()]
        for user_id, username, display in session.execute(
            select(User.id, User.username, User.display_name).where(User.id.in_(ids or [0]))
        ):
            shown = f"{display}（{username}）" if display and display != username else username
            titles[("user", str(user_id))] = shown
        for entity, uuids in wanted.items():
            kind = kind_of(entity)
            if not kind.restorable:
                continue
            model = kind.model()
            for record in session.scalars(select(model).where(model.uuid.in_(uuids))):
                values = {f: getattr(record, f, None) for f in kind.title_fields}
                titles[(entity, record.uuid)] = kind.title_of(values)
        return titles

    @staticmethod
    def _line(
        e: AuditEntry, names: Mapping[int, str], titles: Mapping[tuple[str, str], str]
    ) -> AuditLine:
        return AuditLine(
            e.id,
            e.ts,
            e.username,
            names.get(e.division_id, "") if e.division_id is not None else "",
            kind_of(e.entity).label if e.entity else "",
            describe_action(e.action, e.entity, _values(e.after)),
            record_title(e) or titles.get((e.entity, e.entity_id), ""),
            OUTCOME_LABELS.get(e.outcome, e.outcome),
            e.detail,
            e.action,
            e.before,
            e.after,
        )

    # --- what the filters offer ---
    def usernames(self) -> list[str]:
        """Every user name the log holds (deleted accounts and failed log-ins too), sorted."""
        self._require()
        with self.db.read() as session:
            return sorted(n for n in session.scalars(select(AuditEntry.username).distinct()) if n)

    def divisions(self) -> list[tuple[int, str]]:
        with self.db.read() as session:
            return list(
                session.execute(select(Division.id, Division.name).order_by(Division.sort_order))
            )

    @staticmethod
    def kinds() -> list[tuple[str, str]]:
        """(table, 名称) of the kinds of record, for the 记录类别 filter."""
        return [(k.entity, k.label) for k in KINDS if k.title_fields]

    # --- export ---
    def export_job(
        self, path: str | os.PathLike[str], query: AuditQuery, cancel: CancelToken | None = None
    ) -> Job[int]:
        """Write the rows ``query`` selects, newest first, to an xlsx workbook; audited."""
        from ..reports.excel import Column, write_ledger_job

        self._require("audit.export")
        with self.db.read() as session:
            total = session.scalar(
                select(func.count()).select_from(self._filtered(query).subquery())
            )
        columns = (
            Column("时间", 20),
            Column("用户", 12),
            Column("处室", 14),
            Column("记录类别", 12),
            Column("操作", 24),
            Column("记录", 40),
            Column("结果", 8),
            Column("说明", 40),
        )
        count = yield from write_ledger_job(
            path,
            "审计日志",
            columns,
            self._export_rows(query),
            total=total or 0,
            cancel=cancel,
            message="正在导出审计日志",
        )
        with self.db.write() as session:
            self.audit(
                session,
                "audit.export",
                entity="audit_log",
                detail=f"导出审计日志 {count} 条到「{os.path.basename(os.fspath(path))}」",
            )
        return count

    def _export_rows(self, query: AuditQuery) -> Iterator[tuple[str, ...]]:
        before: int | None = None
        while True:
            with self.db.read() as session:
                page = self._lines(session, query, EXPORT_PAGE, before)
            for line in page:
                yield (
                    local_text(line.ts),
                    line.username,
                    line.division,
                    line.kind,
                    line.action,
                    line.record,
                    line.outcome,
                    line.detail,
                )
            if len(page) < EXPORT_PAGE:
                return
            before = page[-1].id
