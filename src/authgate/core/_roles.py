"""Role rows are created on first use; users hold them through ``user_roles``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from authgate.store.models import Role, User

__all__ = ["assign_roles", "get_or_create_role"]


def get_or_create_role(db: DbSession, name: str, *, now: datetime) -> Role:
    role = db.scalar(select(Role).where(Role.name == name))
    if role is not None:
        return role
    try:
        with db.begin_nested():
            role = Role(name=name, created_at=now)
            db.add(role)
            db.flush()
        return role
    except IntegrityError:
        # Another transaction created it between our SELECT and INSERT.
        found = db.scalar(select(Role).where(Role.name == name))
        assert found is not None
        return found


def assign_roles(db: DbSession, user: User, names: Iterable[str], *, now: datetime) -> None:
    """Make the user's roles exactly ``names`` (already normalized)."""
    user.roles = [get_or_create_role(db, name, now=now) for name in sorted(set(names))]
