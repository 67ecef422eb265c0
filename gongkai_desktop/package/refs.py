"""Turning local keys into the names a package uses, and back.

A division is named by its name, a user by the user name, every other record by its UUID. The
``Resolver`` caches what it looked up for the length of one export or one merge transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, select
from sqlalchemy.orm import Session

from ..db.schema import metadata
from ..errors import ValidationError
from .records import DIVISION_TABLE, USER_TABLE, Kind, from_json_value, to_json_value


class Resolver:
    def __init__(self, session: Session, carried: dict[str, set[Any]] | None = None) -> None:
        self.session = session
        # While comparing (before anything is inserted): the keys the package itself carries,
        # which count as resolvable.
        self.carried = carried or {}
        self._out: dict[str, dict[int, Any]] = {}
        self._in: dict[str, dict[Any, int | None]] = {}

    # -- local → package --------------------------------------------------------------------
    def external(self, table: str, local_id: int | None) -> Any:
        if local_id is None:
            return None
        cache = self._out.setdefault(table, {})
        if local_id not in cache:
            t = metadata.tables[table]
            col = _external_column(table)
            cache[local_id] = self.session.execute(
                select(t.c[col]).where(t.c.id == local_id)
            ).scalar_one_or_none()
        return cache[local_id]

    def serialize(self, kind: Kind, row: Any) -> dict[str, Any]:
        """A row (a Core result mapping) as the package writes it."""
        out: dict[str, Any] = {}
        for column in kind.data_columns:
            value = row[column.name]
            target = kind.reference(column)
            if target is not None:
                value = self.external(target, value)
            out[column.name] = to_json_value(value)
        return out

    # -- package → local --------------------------------------------------------------------
    def local(self, table: str, external: Any) -> int | None:
        if external is None:
            return None
        cache = self._in.setdefault(table, {})
        if external not in cache:
            t = metadata.tables[table]
            col = _external_column(table)
            cache[external] = self.session.execute(
                select(t.c.id).where(t.c[col] == external)
            ).scalar_one_or_none()
        return cache[external]

    def remember(self, table: str, external: Any, local_id: int) -> None:
        self._in.setdefault(table, {})[external] = local_id

    def deserialize(self, kind: Kind, record: dict[str, Any]) -> dict[str, Any]:
        """Column values for this database; ValidationError naming what cannot be resolved."""
        values: dict[str, Any] = {}
        for column in kind.data_columns:
            raw = record.get(column.name)
            target = kind.reference(column)
            if target is None:
                try:
                    values[column.name] = from_json_value(column, raw)
                except ValueError as exc:
                    raise ValidationError(
                        f"报送包中{kind.label}记录 {kind.key_of(record)} 的数据不合法：{exc}"
                    ) from exc
                continue
            values[column.name] = self._resolve_reference(kind, column, target, raw, record)
        return values

    def _resolve_reference(
        self, kind: Kind, column: Column[Any], target: str, raw: Any, record: dict[str, Any]
    ) -> int | None:
        if raw is None:
            return None
        if not isinstance(raw, str):
            raise ValidationError(f"报送包中{kind.label}记录的 {column.name} 不合法。")
        local_id = self.local(target, raw)
        if target == USER_TABLE:
            return local_id  # a user unknown here: the record keeps no author
        if local_id is None and raw in self.carried.get(target, ()):
            return None
        if local_id is None:
            if target == DIVISION_TABLE:
                raise ValidationError(
                    f"本数据库中没有处室「{raw}」，请先在 系统管理 › 处室 中添加该处室后再导入。"
                )
            raise ValidationError(
                f"报送包中{kind.label}记录 {kind.key_of(record)} 引用的记录 {raw} 既不在包内"
                "也不在本数据库中，报送包不完整。"
            )
        return local_id


def _external_column(table: str) -> str:
    if table == DIVISION_TABLE:
        return "name"
    if table == USER_TABLE:
        return "username"
    return "uuid"
