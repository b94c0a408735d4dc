"""The invalidation channel over the database itself: a counter row every process polls.

For stores with neither ``LISTEN/NOTIFY`` nor Redis (SQLite, MySQL/MariaDB):
a change that may end or alter cached sessions increments
``authgate_invalidation.version`` inside its own write transaction (so the
news commits, or rolls back, with the change), recording the sender's origin
id. Each process reads that one row every ``heartbeat`` (half a second) on a
connection of its own, in the background thread of ``ListenerLoop``; when the
version moved and the last writer was not this process alone, every cached
session goes. A revocation made by another process (a replica, the CLI, the
Streamlit app beside the API on one SQLite file) is therefore seen within a
heartbeat, and the read caches no longer need a short revalidation interval.

The cost: one primary-key read per process per heartbeat, and one row that
every stale change updates (logouts, disables and password changes queue on
its row lock, never logins or page views).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from authgate.core.ports.invalidation import ChannelListener
from authgate.core.ports.store import Repositories
from authgate.store.engine import DEFAULT_TIMEOUT, create_store_engine
from authgate.store.notify_listener import ListenerLoop
from authgate.store.repositories import SqlRepositories

__all__ = ["DatabaseChannel"]

_BUMP = text(
    "UPDATE authgate_invalidation SET version = version + 1, origin = :origin WHERE id = 1"
)
_READ = text("SELECT version, origin FROM authgate_invalidation WHERE id = 1")
# Yielded for a change this process did not make alone (never equal to an origin id).
_SOMEONE_ELSE = "-"


class CounterMissing(RuntimeError):
    """The counter row is gone (an unmigrated or hand-edited database): nothing can be trusted."""


class _CounterSubscription:
    """Polls the counter; yields when it moved, with whose change it was when that is certain."""

    def __init__(self, url: URL, timeout: float) -> None:
        # A pool of its own: the poll never waits for, nor holds, a request's connection.
        self.engine: Engine = create_store_engine(
            url, statement_timeout=timeout, pool_size=1, max_overflow=0
        )
        try:
            self.seen = self._read()[0]
        except BaseException:
            self.engine.dispose()
            raise

    def _read(self) -> tuple[int, str]:
        with self.engine.connect() as connection:
            row = connection.execution_options(authgate_readonly=True).execute(_READ).first()
        if row is None:
            raise CounterMissing("authgate_invalidation has no row; run `authgate migrate`")
        return int(row[0]), str(row[1])

    def receive(self, timeout: float) -> Iterator[str]:
        time.sleep(timeout)
        version, origin = self._read()
        moved, self.seen = version - self.seen, version
        if moved == 1:
            yield origin  # the listener ignores it if it was this process's own change
        elif moved != 0:
            yield _SOMEONE_ELSE

    def ping(self) -> None:
        """Nothing more to prove: the read in ``receive`` just answered."""

    def close(self) -> None:
        self.engine.dispose()


class DatabaseChannel:
    """``InvalidationChannel`` over the store's own database at ``url``."""

    name = "database"
    exact = True

    def __init__(
        self, url: URL, *, timeout: float = DEFAULT_TIMEOUT, heartbeat: float = 0.5
    ) -> None:
        self.loop = ListenerLoop(
            name=self.name,
            subscribe=lambda: _CounterSubscription(url, timeout),
            heartbeat=heartbeat,
        )

    def announce_in(self, repositories: Repositories) -> None:
        if not isinstance(repositories, SqlRepositories):  # pragma: no cover - wired by the root
            raise TypeError("DatabaseChannel announces only inside a SqlStore transaction")
        repositories.db.execute(_BUMP, {"origin": self.loop.origin})

    def announce(self) -> None:
        """Nothing to do: the counter moved with the commit."""

    def listen(self, listener: ChannelListener) -> None:
        self.loop.start(listener)

    def close(self) -> None:
        """Stop polling; the thread disposes of its own pool within a heartbeat."""
        self.loop.stop()
