"""The invalidation channel over PostgreSQL ``LISTEN/NOTIFY``: no service beyond the database.

A change that may end or alter cached sessions runs ``pg_notify`` inside its
own write transaction, so PostgreSQL delivers the notification exactly when
the change commits, and never for a change that rolled back. Each process
listens on a connection of its own (psycopg, autocommit) in a background
thread (``notify_listener.ListenerLoop``); the payload is the sender's
origin id, so a process ignores its own announcements. Every wait on that
connection has the same client-side deadline as the pool's
(``store/deadlines.py``), so a frozen server cannot hold the heartbeat.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import URL

from authgate.core.ports.invalidation import ChannelListener
from authgate.core.ports.store import Repositories
from authgate.store.deadlines import deadline_connection_class
from authgate.store.engine import DEFAULT_TIMEOUT
from authgate.store.notify_listener import ListenerLoop
from authgate.store.repositories import SqlRepositories

__all__ = ["CHANNEL", "PostgresChannel", "listener_application_name"]

CHANNEL = "authgate_invalidate"
_NOTIFY = text("SELECT pg_notify(:channel, :origin)")


def listener_application_name(origin: str) -> str:
    """The ``application_name`` of a process's listening connection.

    Lets an operator (and a test) tell in ``pg_stat_activity`` which
    connection is whose listener, e.g. to end it on purpose.
    """
    return f"authgate-listener-{origin[:32]}"


class _PgSubscription:
    def __init__(self, conninfo: str, timeout: float, origin: str) -> None:
        connection_class = deadline_connection_class(timeout)
        self.connection: psycopg.Connection[Any] = connection_class.connect(
            conninfo,
            autocommit=True,
            connect_timeout=max(2, int(timeout)),
            application_name=listener_application_name(origin),
        )
        self.connection.execute(f"LISTEN {CHANNEL}")

    def receive(self, timeout: float) -> Iterator[str]:
        for notify in self.connection.notifies(timeout=timeout):
            yield notify.payload

    def ping(self) -> None:
        self.connection.execute("SELECT 1")

    def close(self) -> None:
        self.connection.close()


class PostgresChannel:
    """``InvalidationChannel`` for a PostgreSQL database at ``url``."""

    name = "postgresql"
    exact = True

    def __init__(
        self, url: URL, *, timeout: float = DEFAULT_TIMEOUT, heartbeat: float = 1.0
    ) -> None:
        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.loop = ListenerLoop(
            name=self.name,
            subscribe=lambda: _PgSubscription(conninfo, timeout, self.loop.origin),
            heartbeat=heartbeat,
        )

    def announce_in(self, repositories: Repositories) -> None:
        if not isinstance(repositories, SqlRepositories):  # pragma: no cover - wired by the root
            raise TypeError("PostgresChannel announces only inside a SqlStore transaction")
        repositories.db.execute(_NOTIFY, {"channel": CHANNEL, "origin": self.loop.origin})

    def announce(self) -> None:
        """Nothing to do: the notification left with the commit."""

    def listen(self, listener: ChannelListener) -> None:
        self.loop.start(listener)

    def close(self) -> None:
        self.loop.stop()
