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
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager

from authgate.core.audit.recorder import record_event
from authgate.core.clock import Clock
from authgate.core.events import AuthEvent
from authgate.core.ports.audit import AuditRepository
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
    """A counter that moves when a committed change makes cached sessions suspect."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value = 0

    @property
    def value(self) -> int:
        return self._value

    def bump(self) -> None:
        with self._lock:
            self._value += 1


class Work:
    """One open write transaction: its repositories, its events, its staleness."""

    __slots__ = (
        "_clock",
        "audit",
        "events",
        "mfa",
        "one_time_tokens",
        "passkeys",
        "refresh_tokens",
        "sessions",
        "stale",
        "users",
        "visitors",
    )

    def __init__(self, repositories: Repositories, clock: Clock) -> None:
        self.users: UserRepository = repositories.users
        self.sessions: SessionRepository = repositories.sessions
        self.one_time_tokens: OneTimeTokenRepository = repositories.one_time_tokens
        self.refresh_tokens: RefreshTokenRepository = repositories.refresh_tokens
        self.mfa: MfaRepository = repositories.mfa
        self.audit: AuditRepository = repositories.audit
        self.visitors: VisitorRepository = repositories.visitors
        self.passkeys: PasskeyRepository = repositories.passkeys
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
    ) -> None:
        self.store = store
        self.clock = clock
        self.hooks: list[EventHook] = hooks if hooks is not None else []
        self.version = version or StateVersion()

    @property
    def state_version(self) -> int:
        return self.version.value

    @contextmanager
    def write(self) -> Iterator[Work]:
        """A write transaction; on a clean exit it commits, then bumps and runs hooks."""
        with self.store.write() as repositories:
            work = Work(repositories, self.clock)
            yield work
        if work.stale:
            self.version.bump()
        self.after_commit(work.events)

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
