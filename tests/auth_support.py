"""Test helpers over the composition root: a look at the rows, a root with its own mailer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session as DbSession

from authgate.core.recovery.mail import Mailer
from authgate.root import Authgate


@contextmanager
def db_session(auth: Authgate) -> Iterator[DbSession]:
    """A SQLAlchemy session on the services' database, committed at the end."""
    with DbSession(auth.store.engine) as db, db.begin():
        yield db


def with_mailer(auth: Authgate, mailer: Mailer | None) -> Authgate:
    """The same store, settings and clock, with mail going to ``mailer``."""
    return Authgate(auth.settings, store=auth.store, clock=auth.clock, mailer=mailer, migrate=False)
