"""A client-side deadline for every wait on a PostgreSQL connection.

A PostgreSQL server that freezes (stopped, swapped out, a dead network path
that still ACKs) answers nothing and closes nothing: the server-side
``statement_timeout`` cannot fire and libpq has no read timeout, so a request
would wait as long as the freeze lasts and hold its worker thread. Here every
blocking wait of psycopg (``Connection.wait``: queries, fetches, commits,
rollbacks, pings, ``notifies``) is registered with a deadline; one watchdog
thread shuts down the socket of any wait past its deadline. The wait then
fails at once as a lost connection, which SQLAlchemy invalidates and the
store reports as ``StoreUnavailable``. The engine sets the deadline half a
second past the server's own ``statement_timeout``, so a server that is alive
always cancels a slow statement first and keeps its connection. Connecting is bounded by libpq's own
``connect_timeout``.

Right after a cut, new connections fail at once for a second instead of
waiting for their connect timeout: SQLAlchemy answers a dead pooled connection
with one fresh attempt, and against a frozen server that attempt would double
the wait. A second later connecting is tried again, so recovery is not
delayed.

MySQL/MariaDB need none of this: PyMySQL has client-side ``read_timeout`` and
``write_timeout``.
"""

from __future__ import annotations

import itertools
import logging
import math
import socket
import threading
import time
from typing import Any

import psycopg

__all__ = ["DEADLINES", "Deadlines", "deadline_connection_class"]

logger = logging.getLogger("authgate.store")

_TICK = 0.1


class Deadlines:
    """Socket deadlines watched by one daemon thread, started on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: dict[int, tuple[float, int]] = {}
        self._ids = itertools.count()
        self._thread: threading.Thread | None = None
        self.last_cut = -math.inf

    def cut_within(self, seconds: float) -> bool:
        """True if a wait was cut in the last ``seconds``: the server is not answering."""
        return time.monotonic() - self.last_cut < seconds

    def arm(self, fileno: int, seconds: float) -> int:
        """Watch ``fileno`` for ``seconds``; returns the id to ``disarm`` with."""
        ident = next(self._ids)
        with self._lock:
            self._armed[ident] = (time.monotonic() + seconds, fileno)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._watch, name="authgate-db-deadlines", daemon=True
                )
                self._thread.start()
        return ident

    def disarm(self, ident: int) -> None:
        with self._lock:
            self._armed.pop(ident, None)

    def _watch(self) -> None:
        while True:
            time.sleep(_TICK)
            now = time.monotonic()
            with self._lock:  # held while shutting down: no disarm (and close) can slip in
                for ident, (deadline, fileno) in list(self._armed.items()):
                    if now >= deadline:
                        del self._armed[ident]
                        self.last_cut = now
                        _shut_down(fileno)


def _shut_down(fileno: int) -> None:
    """Wake the waiting thread: its socket reads EOF and the driver reports a lost connection."""
    try:
        sock = socket.socket(fileno=fileno)
    except OSError:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        sock.detach()  # the driver still owns the descriptor and closes it
    logger.debug("authgate cut a database wait past its deadline (fd %d)", fileno)


DEADLINES = Deadlines()


def deadline_connection_class(seconds: float) -> type[psycopg.Connection[Any]]:
    """A psycopg connection class whose every wait ends within ``seconds``."""

    class DeadlineConnection(psycopg.Connection[Any]):
        def wait(self, *args: Any, **kwargs: Any) -> Any:
            ident = DEADLINES.arm(self.pgconn.socket, seconds)
            try:
                return super().wait(*args, **kwargs)
            finally:
                DEADLINES.disarm(ident)

    return DeadlineConnection
