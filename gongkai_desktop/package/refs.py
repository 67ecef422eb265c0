"""Turning local keys into the names a package uses, and back.

A division is named by its name, a user by the user name, a record with a UUID by its UUID, and
a record without one (a holiday notice, a package received) by its natural key: the JSON list of
its key columns' package values, e.g. ``[2027,"amendment","关于调整…的通知"]``. The ``Resolver``
caches what it looked up for the length of one export or one merge transaction.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Column, select
from sqlalchemy.orm import Session

from ..db.schema import metadata
from ..errors import ValidationError
from .records import (
    DIVISION_TABLE,
    KINDS,
    USER_TABLE,
    Kind,
    canonical_json,
    from_json_value,
    to_json_value,
)


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
            columns = _key_columns(table)
            if columns is None:
                cache[local_id] = self.session.execute(
                    select(t.c[_external_column(table)]).where(t.c.id == local_id)
                ).scalar_one_or_none()
            else:
                row = self.session.execute(select(t).where(t.c.id == local_id)).mappings().first()
                cache[local_id] = None if row is None else self._natural_key(KINDS[table], row)
        return cache[local_id]

    def _natural_key(self, kind: Kind, row: Any) -> str:
        values = []
        for name in kind.key_columns:
            target = kind.reference(kind.table.c[name])
            value = row[name]
            values.append(self.external(target, value) if target else to_json_value(value))
        return natural_key(values)

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
            columns = _key_columns(table)
            if columns is None:
                cache[external] = self.session.execute(
                    select(t.c.id).where(t.c[_external_column(table)] == external)
                ).scalar_one_or_none()
            else:
                found = self._by_natural_key(KINDS[table], external)
                if found is None:
                    return None  # not here yet: looked up again once it is inserted
                cache[external] = found
        return cache[external]

    def _by_natural_key(self, kind: Kind, external: Any) -> int | None:
        try:
            values = json.loads(external) if isinstance(external, str) else None
        except ValueError:
            values = None
        if not isinstance(values, list) or len(values) != len(kind.key_columns):
            raise ValidationError(f"报送包中对{kind.label}的引用 {external} 不合法。")
        conditions = []
        for name, value in zip(kind.key_columns, values, strict=True):
            column = kind.table.c[name]
            target = kind.reference(column)
            try:
                local = self.local(target, value) if target else from_json_value(column, value)
            except ValueError as exc:
                raise ValidationError(f"报送包中对{kind.label}的引用 {external} 不合法。") from exc
            if local is None:
                return None
            conditions.append(column == local)
        ids = self.session.scalars(select(kind.table.c.id).where(*conditions).limit(2)).all()
        if len(ids) > 1:
            raise ValidationError(f"本数据库中有两条{kind.label}记录的标识 {external} 相同。")
        return ids[0] if ids else None

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


def natural_key(values: list[Any]) -> str:
    return canonical_json(values).decode("utf-8")


def package_ref(kind: Kind, record: dict[str, Any]) -> Any:
    """How other records of a package name this one (``record`` as the package holds it)."""
    if kind.name == DIVISION_TABLE:
        return record.get("name")
    if kind.name == USER_TABLE:
        return record.get("username")
    if _key_columns(kind.name) is None:
        return record.get("uuid")
    return natural_key([record.get(c) for c in kind.key_columns])


def _key_columns(table: str) -> tuple[str, ...] | None:
    """The natural key of a table referenced by integer id that has no UUID, else None."""
    if table in (DIVISION_TABLE, USER_TABLE) or "uuid" in metadata.tables[table].c:
        return None
    return KINDS[table].key_columns


def _external_column(table: str) -> str:
    if table == DIVISION_TABLE:
        return "name"
    if table == USER_TABLE:
        return "username"
    return "uuid"
