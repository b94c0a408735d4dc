"""The unit of work: one transaction, the events recorded in it, and what follows a commit.

Every core service changes state the same way::

    with uow.write() as work:
        ...  # work.users, work.sessions, ... inside one transaction
        work.emit(SomethingHappened(...))  # the audit row joins the transaction
        work.mark_stale()  # cached sessions may now be wrong
    # committed: the state version moved (if stale), then the event hooks ran

so no service reaches into another for its transaction, its events or its
hooks. Hooks run only after a commit and never undo it: a failing hook is
logged. ``state_version`` increases whenever a committed change may have ended
or altered a session or an account, so read caches in front of the store can
drop their entries at once instead of waiting for their interval.

With an ``InvalidationChannel`` (PostgreSQL ``LISTEN/NOTIFY`` or Redis), the
same news reaches every other process sharing the store: the write announces
itself, and each process's listener moves its own ``StateVersion``. While the
channel is down the version cannot be trusted, and then it moves on every
read, so the caches in front of the store revalidate every request until the
channel is back.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager

from authgate.core.audit.recorder import record_event
from authgate.core.clock import Clock
from authgate.core.events import AuthEvent
from authgate.core.ports.audit import AuditRepository
from authgate.core.ports.identities import IdentityRepository
from authgate.core.ports.invalidation import InvalidationChannel
from authgate.core.ports.mfa import MfaRepository
from authgate.core.ports.passkeys import PasskeyRepository
from authgate.core.ports.sessions import SessionRepository
from authgate.core.ports.store import Repositories, Store
from authgate.core.ports.tokens import OneTimeTokenRepository, RefreshTokenRepository
from authgate.core.ports.users import UserRepository
from authgate.core.ports.visitors import VisitorRepository

__all__ = ["EventHook", "StateVersion", "UnitOfWork", "Work"]

logger = logging.getLogger("authgate.service")

EventHook = Callable[[AuthEvent], None]


class StateVersion:
    """A counter that moves when a committed change makes cached sessions suspect.

    Without a channel it moves only for this process's changes (other
    processes' changes are caught by each cache's interval). With one, it also
    moves when the channel's listener hears another process, and on every
    read while the channel is down or overdue (``trusted_for`` not renewed in
    time): a cache never trusts an entry it could not hear about. The
    listener is started by the first read, so a process that never reads
    (the CLI) never opens a listening connection.
    """

    def __init__(self, channel: InvalidationChannel | None = None) -> None:
        self._lock = threading.Lock()
        self._value = 0
        self._channel = channel
        self._listening = channel is None
        # Monotonic deadline up to which the channel vouches for this version.
        self._trusted_until = math.inf if channel is None else 0.0

    @property
    def value(self) -> int:
        if self._trusted_until != math.inf and time.monotonic() >= self._trusted_until:
            self._untrusted_read()
        return self._value

    @property
    def channel(self) -> InvalidationChannel | None:
        return self._channel

    def bump(self) -> None:
        with self._lock:
            self._value += 1

    # -- ChannelListener ----------------------------------------------------------

    def changed(self) -> None:
        self.bump()

    def trusted_for(self, seconds: float, *, reconnected: bool = False) -> None:
        if reconnected:
            self.bump()
        self._trusted_until = time.monotonic() + seconds

    def distrusted(self) -> None:
        self._trusted_until = 0.0
        self.bump()

    def _untrusted_read(self) -> None:
        if not self._listening and self._channel is not None:
            with self._lock:
                start, self._listening = not self._listening, True
            if start:
                self._channel.listen(self)
        self.bump()


class Work:
    """One open write transaction: its repositories, its events, its staleness."""

    __slots__ = (
        "_clock",
        "audit",
        "events",
        "identities",
        "mfa",
        "one_time_tokens",
        "passkeys",
        "refresh_tokens",
        "repositories",
        "sessions",
        "stale",
        "users",
        "visitors",
    )

    def __init__(self, repositories: Repositories, clock: Clock) -> None:
        # The transaction itself, for store components that can work inside it
        # (the SQL throttle counts a login attempt in the login's own transaction).
        self.repositories = repositories
        self.users: UserRepository = repositories.users
        self.sessions: SessionRepository = repositories.sessions
        self.one_time_tokens: OneTimeTokenRepository = repositories.one_time_tokens
        self.refresh_tokens: RefreshTokenRepository = repositories.refresh_tokens
        self.mfa: MfaRepository = repositories.mfa
        self.audit: AuditRepository = repositories.audit
        self.visitors: VisitorRepository = repositories.visitors
        self.passkeys: PasskeyRepository = repositories.passkeys
        self.identities: IdentityRepository = repositories.identities
        self.events: list[AuthEvent] = []
        self.stale = False
        self._clock = clock

    def emit(self, event: AuthEvent) -> None:
        """Record ``event`` in this transaction; its hooks run after the commit."""
        record_event(self.audit, event, now=self._clock.now())
        self.events.append(event)

    def mark_stale(self) -> None:
        """Say that this change ends or alters sessions or accounts others may have cached."""
        self.stale = True


class UnitOfWork:
    """Transactions over a ``Store`` with events, after-commit hooks and the state version."""

    def __init__(
        self,
        store: Store,
        *,
        clock: Clock,
        hooks: list[EventHook] | None = None,
        version: StateVersion | None = None,
        channel: InvalidationChannel | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.hooks: list[EventHook] = hooks if hooks is not None else []
        self.version = version or StateVersion(channel)
        self.channel = self.version.channel

    @property
    def state_version(self) -> int:
        return self.version.value

    @contextmanager
    def write(self) -> Iterator[Work]:
        """A write transaction; on a clean exit it commits, then bumps and runs hooks.

        A stale change is announced to the other processes too: inside the
        transaction when the channel is transactional (it is then delivered
        exactly when the change commits), else right after the commit.
        """
        channel = self.channel
        with self.store.write() as repositories:
            work = Work(repositories, self.clock)
            yield work
            if work.stale and channel is not None:
                channel.announce_in(repositories)
        if work.stale:
            self.version.bump()
            if channel is not None:
                self._announce(channel)
        self.after_commit(work.events)

    @staticmethod
    def _announce(channel: InvalidationChannel) -> None:
        try:
            channel.announce()
        except Exception:  # committed already; the others fall back to their interval
            logger.warning("authgate could not announce a change on %s", channel.name)

    def read(self) -> AbstractContextManager[Repositories, None]:
        """A read-only transaction: nothing to record, nothing to announce."""
        return self.store.read()

    def record(self, *events: AuthEvent) -> None:
        """Record events in a transaction of their own (failures whose work rolled back)."""
        with self.write() as work:
            for event in events:
                work.emit(event)

    def after_commit(self, events: Iterable[AuthEvent]) -> None:
        for event in events:
            for hook in self.hooks:
                try:
                    hook(event)
                except Exception:  # a hook must never undo a committed change
                    logger.exception("authgate event hook failed for %s", event.event_type)
