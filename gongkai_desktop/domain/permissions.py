"""Who may do what (SPEC §1), in one place. Services ask ``allowed``; front ends only mirror it.

- 管理员 (admin): everything.
- 联络员 (liaison): create, edit and delete the records of their own division; read the rest.
- 领导 (leader): read everything, change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from .labels import LabelledEnum, Role


class Action(LabelledEnum):
    READ = ("read", "查看")
    EDIT_RECORD = ("edit_record", "编辑本处室记录")
    REVIEW = ("review", "督查审核")
    MANAGE_SYSTEM = ("manage_system", "系统管理")
    READ_AUDIT = ("read_audit", "查看审计日志")
    BACKUP = ("backup", "备份与恢复")
    REPORT = ("report", "生成报表")
    READ_SCORES = ("read_scores", "查看考核得分")


@dataclass(frozen=True)
class Actor:
    """The logged-in user as the services see them."""

    user_id: int | None
    username: str
    role: Role
    division_id: int | None
    division_name: str = ""
    display_name: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def describe(self) -> str:
        name = self.display_name or self.username
        return f"{name}（{self.role.label}，{self.division_name}）"


# The app itself, for work no person starts (first set-up, migrations, demo data).
SYSTEM_ACTOR = Actor(
    user_id=None,
    username="system",
    role=Role.ADMIN,
    division_id=None,
    division_name="",
    display_name="系统",
)


def allowed(actor: Actor, action: Action, division_id: int | None = None) -> bool:
    if actor.role is Role.ADMIN:
        return True
    if action is Action.READ:
        return True
    if action is Action.READ_SCORES:
        # A leader reads every division's scores, a liaison only their own division's.
        return actor.role is Role.LEADER or (
            division_id is not None and division_id == actor.division_id
        )
    if actor.role is Role.LIAISON and action is Action.EDIT_RECORD:
        return division_id is not None and division_id == actor.division_id
    return False


def refusal_message(actor: Actor, action: Action, division_name: str = "") -> str:
    if actor.role is Role.LEADER:
        return f"领导账号只能查看，不能{action.label}。"
    if action is Action.READ_SCORES and division_name:
        return f"联络员只能查看本处室（{actor.division_name}）的考核得分，不能查看{division_name}的得分。"
    if action is Action.EDIT_RECORD and division_name:
        return (
            f"联络员只能编辑本处室（{actor.division_name}）的记录，不能修改{division_name}的记录。"
        )
    return f"只有管理员可以进行「{action.label}」操作。"


# Records that hold personal information — applicants of requests and cases, the people named in
# 舆情 and the senders of messages — by table, with what they hold. One rule reads them all, in
# lists, details, exports and 报送包 alike: a liaison reads those of their own division only; the
# admin and leaders (who read everything, §1) read every division's.
PERSONAL_RECORDS: dict[str, str] = {
    "disclosure_request": "依申请公开（申请人）",
    "disclosure_case": "复议诉讼案件（申请人）",
    "public_opinion": "政务舆情（涉及的当事人）",
    "public_interaction": "政民互动（留言人）",
}
NO_DIVISION = -1  # matches no division: a liaison without one reads no personal records


def personal_scope(actor: Actor) -> int | None:
    """The one division whose records holding personal information ``actor`` may read, or None
    for every division."""
    if actor.role is Role.LIAISON:
        return actor.division_id if actor.division_id is not None else NO_DIVISION
    return None


def may_read_personal(actor: Actor, division_id: int | None) -> bool:
    scope = personal_scope(actor)
    return scope is None or scope == division_id
