"""Server-side sessions over SQLAlchemy: ``SessionRepository`` for core.

``find`` runs on every page view and every API call that checks revocation,
so it is one SELECT of plain columns: the session, its user and the user's
roles (an aggregate), by an indexed key, from a statement built once per
dialect. The slide is one targeted UPDATE.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import (
    BindParameter,
    Connection,
    Select,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)

from authgate.core.ports.sessions import NewSession, SessionView
from authgate.core.records import SessionRecord
from authgate.store.models import Session, User
from authgate.store.repositories._mapping import (
    SESSION_COLUMNS,
    USER_COLUMNS,
    apply,
    roles_column,
    table_of,
    to_session,
    to_user,
)

__all__ = ["SqlSessionRepository"]

_MAX_LIST = 10_000


@lru_cache(maxsize=8)
def _view_query(dialect: str, by: Literal["id", "token_hash"]) -> Select[Any]:
    """Session, user and roles by ``:key`` in one statement, built once and reused."""
    key: BindParameter[Any] = bindparam("key")
    return (
        select(
            *SESSION_COLUMNS,
            Session.idle_timeout_seconds.label("s_idle"),
            *USER_COLUMNS,
            roles_column(dialect),
        )
        .select_from(Session)
        .join(User, User.id == Session.user_id)
        .where(Session.id == key if by == "id" else Session.token_hash == key)
    )


# Built once: a statement rebuilt per call with its values inline costs more
# Python (cache key, ORM bulk path) than the INSERT itself on a login.
_INSERT = insert(table_of(Session))


def _live(now: datetime) -> Any:
    return (Session.expires_at > now) & (Session.absolute_expires_at > now)


class SqlSessionRepository:
    """``SessionRepository`` bound to one open transaction's connection."""

    def __init__(self, db: Connection, *, dialect: str) -> None:
        self.db = db
        self.dialect = dialect

    def add(self, new: NewSession) -> SessionRecord:
        self.db.execute(
            _INSERT,
            {
                "id": new.id,
                "token_hash": new.token_hash,
                "user_id": new.user_id,
                "created_at": new.created_at,
                "last_seen_at": new.created_at,
                "idle_timeout_seconds": new.idle_timeout_seconds,
                "expires_at": new.expires_at,
                "absolute_expires_at": new.absolute_expires_at,
                "remember": new.remember,
                "mfa": new.mfa,
                "ip": new.ip,
                "user_agent": new.user_agent,
            },
        )
        return SessionRecord(
            id=new.id,
            user_id=new.user_id,
            created_at=new.created_at,
            last_seen_at=new.created_at,
            expires_at=new.expires_at,
            absolute_expires_at=new.absolute_expires_at,
            remember=new.remember,
            ip=new.ip,
            user_agent=new.user_agent,
            mfa=new.mfa,
        )

    def find(
        self, *, session_id: str | None = None, token_hash: str | None = None
    ) -> SessionView | None:
        if isinstance(session_id, str):
            statement, key = _view_query(self.dialect, "id"), session_id
        elif isinstance(token_hash, str):
            statement, key = _view_query(self.dialect, "token_hash"), token_hash
        else:
            return None
        row = self.db.execute(statement, {"key": key}).first()
        if row is None:
            return None
        return SessionView(session=to_session(row), user=to_user(row), idle_seconds=int(row.s_idle))

    def slide(self, session_id: str, *, last_seen_at: datetime, expires_at: datetime) -> None:
        apply(
            self.db,
            update(Session)
            .where(Session.id == session_id)
            .values(last_seen_at=last_seen_at, expires_at=expires_at),
        )

    def set_token_hash(self, session_id: str, token_hash: str) -> None:
        apply(
            self.db, update(Session).where(Session.id == session_id).values(token_hash=token_hash)
        )

    def delete(self, session_id: str) -> SessionRecord | None:
        """The DELETE's row count decides, so of two racing logouts only one gets the record."""
        row = self.db.execute(select(*SESSION_COLUMNS).where(Session.id == session_id)).first()
        if row is None:
            return None
        if apply(self.db, delete(Session).where(Session.id == session_id)) != 1:
            return None
        return to_session(row)

    def delete_for_user(self, user_id: int, *, keep: str | None = None) -> int:
        statement = delete(Session).where(Session.user_id == user_id)
        if keep:
            statement = statement.where(Session.id != keep)
        return apply(self.db, statement)

    def list_live(self, user_id: int, *, now: datetime) -> list[SessionRecord]:
        rows = self.db.execute(
            select(*SESSION_COLUMNS)
            .where(Session.user_id == user_id, _live(now))
            .order_by(Session.last_seen_at.desc())
        )
        return [to_session(row) for row in rows]

    def list_all_live(self, *, now: datetime, limit: int) -> list[tuple[SessionRecord, str]]:
        rows = self.db.execute(
            select(*SESSION_COLUMNS, User.username.label("u_username"))
            .join(User, User.id == Session.user_id)
            .where(_live(now))
            .order_by(Session.last_seen_at.desc())
            .limit(max(1, min(limit, _MAX_LIST)))
        )
        return [(to_session(row), row.u_username) for row in rows]

    def count_live(self, *, now: datetime) -> int:
        counted = self.db.scalar(select(func.count()).select_from(Session).where(_live(now)))
        return int(counted or 0)

    def delete_expired(self, *, now: datetime, batch_size: int) -> int:
        """One batch by id: a bounded DELETE that never holds locks on the whole table."""
        ids = self.db.scalars(
            select(Session.id)
            .where((Session.expires_at <= now) | (Session.absolute_expires_at <= now))
            .limit(max(1, batch_size))
        ).all()
        if not ids:
            return 0
        apply(self.db, delete(Session).where(Session.id.in_(ids)))
        return len(ids)
