"""Transactions for the service, with driver failures turned into StoreUnavailable."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

from authgate.core.errors import StoreUnavailable

__all__ = ["is_unavailable", "transaction"]


def is_unavailable(error: BaseException) -> bool:
    """True for failures that mean "the database cannot be used now", not a bug."""
    if isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError):
        return True
    return isinstance(error, sa_exc.DBAPIError) and bool(error.connection_invalidated)


@contextmanager
def transaction(factory: sessionmaker[DbSession]) -> Iterator[DbSession]:
    """One unit of work: commit on success, roll back on any error.

    A lost connection or a locked/unreachable server becomes ``StoreUnavailable``
    so callers show "temporarily unavailable" instead of a driver traceback;
    nothing was committed in that case.
    """
    try:
        with factory() as db, db.begin():
            yield db
    except (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError) as error:
        raise StoreUnavailable() from error
    except sa_exc.DBAPIError as error:
        if error.connection_invalidated:
            raise StoreUnavailable() from error
        raise
