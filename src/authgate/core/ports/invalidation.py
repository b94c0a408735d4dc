"""The invalidation channel: "cached sessions may be wrong" between processes.

Every process keeps short-lived read caches of sessions (the token service's
session cache, the gate's per-tab check). A change made in one process moves
that process's ``StateVersion`` at once; the channel carries the same news to
every other process sharing the store (PostgreSQL ``LISTEN/NOTIFY`` or Redis
pub/sub, implemented in ``authgate.store``), so a logout made anywhere is
refused everywhere within a second instead of within the revalidation
interval.

The sending half is called by the unit of work: ``announce_in`` inside the
write transaction, before it commits (PostgreSQL delivers a ``NOTIFY`` only
if that transaction commits, never before), and ``announce`` after the commit
(Redis, which knows nothing of the transaction). The listening half runs in a
background thread and reports to a ``ChannelListener``.
"""

from __future__ import annotations

from typing import Protocol

from authgate.core.ports.store import Repositories

__all__ = ["ChannelListener", "InvalidationChannel"]


class ChannelListener(Protocol):
    """What a channel's background listener tells the process it serves."""

    def changed(self) -> None:
        """Another process committed a change that may end or alter cached sessions."""
        ...

    def trusted_for(self, seconds: float, *, reconnected: bool = False) -> None:
        """The channel works and will report changes for at least ``seconds`` more.

        ``reconnected`` says that the channel was down before: anything sent
        meanwhile was lost, so every cached answer must go.
        """
        ...

    def distrusted(self) -> None:
        """The channel is down: revalidate every request until it is back."""
        ...


class InvalidationChannel(Protocol):
    """Announces this process's changes and listens for everyone else's."""

    @property
    def name(self) -> str:
        """What carries the news ("postgresql", "redis", "database"), for logs and docs."""
        ...

    @property
    def exact(self) -> bool:
        """The news commits with the change, so none is lost while the listener is trusted.

        True for PostgreSQL ``NOTIFY`` and the database counter; False for
        Redis (published after the commit: a crash in between loses it).
        Caches may then keep an answer until the version moves.
        """
        ...

    def announce_in(self, repositories: Repositories) -> None:
        """Queue the announcement inside the open write transaction (no-op if not transactional)."""
        ...

    def announce(self) -> None:
        """Send the announcement after the commit (no-op if sent with the transaction)."""
        ...

    def listen(self, listener: ChannelListener) -> None:
        """Start the background listener (once; later calls do nothing)."""
        ...

    def close(self) -> None:
        """Stop listening and release the channel's own connection."""
        ...
