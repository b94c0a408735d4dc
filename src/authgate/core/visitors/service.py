"""``VisitorService``: anonymous visitors, from first stored item to hand-off at login.

Rules kept here, once:

- a visitor exists only when a page keeps something for it (``start``); a
  bare page view or a bot that never stores anything costs no row;
- its id is 128 random bits (``new_id``), its token 256; the store keeps the
  token's SHA-256 only, and the token is the only proof of being the visitor;
- each client address may start ``rate_limit`` visitors per window (the
  ``Throttle`` port counts them, in SQL or Redis), so a script cannot fill
  the table;
- a visitor lives ``lifetime`` (default 7 days) from its start and is then
  deleted by ``cleanup`` (``authgate sessions cleanup``);
- at login or registration ``claim_in`` ends the visitor inside the login's
  own transaction (one winner if two logins race with one token) and audits
  ``visitor.handed_off``; after the commit ``hand_off`` calls the
  application's hook once with the visitor's id and the user's id, so the
  application moves its rows. The hook runs after the commit because it
  usually writes to the same database through its own connection (on SQLite
  it would wait on the login's write lock). A failing hook is logged with both
  ids and does not undo the login: the data is still under the visitor's id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from authgate.core.clock import Clock
from authgate.core.ports.throttle import Throttle
from authgate.core.ports.visitors import NewVisitor, VisitorRecord
from authgate.core.records import AuthUser, Client
from authgate.core.secrets import digest, new_id, new_token
from authgate.core.unit_of_work import UnitOfWork, Work
from authgate.core.visitors.events import VisitorHandedOff
from authgate.core.visitors.tickets import issue_visitor_ticket, redeem_visitor_ticket
from authgate.errors import InvalidToken, TooManyVisitors

__all__ = ["Handoff", "VisitorPass", "VisitorService", "rate_key"]

logger = logging.getLogger("authgate.visitors")

Handoff = Callable[[str, int], None]
"""The application's hook: ``(visitor_id, user_id)``; move what was kept for the visitor."""

_MAX_TOKEN = 512


@dataclass(frozen=True)
class VisitorPass:
    """A visitor and its token: the token goes to the HttpOnly cookie (or an API client)."""

    visitor: VisitorRecord
    token: str

    def __repr__(self) -> str:
        return f"VisitorPass(visitor={self.visitor!r}, token=...)"


def rate_key(ip: str | None) -> str:
    """The throttle key that counts new visitors of one client address."""
    return f"visitor:{ip or 'unknown'}"


def _usable(token: object) -> str | None:
    return token if isinstance(token, str) and token and len(token) <= _MAX_TOKEN else None


@dataclass(kw_only=True, eq=False)
class VisitorService:
    """Anonymous visitors on one store; build once per process (through the root)."""

    uow: UnitOfWork
    clock: Clock
    lifetime: timedelta = timedelta(days=7)
    throttle: Throttle | None = None
    handoff: Handoff | None = None

    def start(self, *, ip: str | None = None) -> VisitorPass:
        """Start a visitor for a client; TooManyVisitors past the client's rate limit."""
        client = Client.of(ip, None)
        key = rate_key(client.ip)
        now = self.clock.now()
        if self.throttle is not None and self.throttle.status(key, now).locked_at(now):
            raise TooManyVisitors()
        token = new_token()
        new = NewVisitor(
            id=new_id(),
            token_hash=digest(token),
            created_at=now,
            expires_at=now + self.lifetime,
            ip=client.ip,
        )
        with self.uow.write() as work:
            visitor = work.visitors.add(new)
        if self.throttle is not None:
            self.throttle.record_failure(key, now)
        return VisitorPass(visitor=visitor, token=token)

    def resolve(self, token: str) -> VisitorRecord | None:
        """The live visitor a token names, or None (unknown, expired, handed off, malformed)."""
        usable = _usable(token)
        if usable is None:
            return None
        with self.uow.read() as repos:
            return repos.visitors.find(token_hash=digest(usable), now=self.clock.now())

    def claim_in(self, work: Work, token: str | None, user: AuthUser) -> VisitorRecord | None:
        """End the visitor inside the caller's transaction; None if there was none to end.

        The caller calls ``hand_off`` with the answer once its transaction has
        committed (``Logins`` does, for every login method).
        """
        usable = _usable(token)
        if usable is None:
            return None
        claimed = work.visitors.claim(token_hash=digest(usable), now=self.clock.now())
        if claimed is not None:
            work.emit(VisitorHandedOff(user=user, visitor_id=claimed.id))
        return claimed

    def hand_off(self, visitor: VisitorRecord | None, user_id: int) -> None:
        """Call the application's hook once for a claimed visitor (after the commit)."""
        if visitor is None or self.handoff is None:
            return
        try:
            self.handoff(visitor.id, user_id)
        except Exception:
            logger.exception(
                "the visitor hand-off hook failed: visitor %s was not moved to user %s",
                visitor.id,
                user_id,
            )

    def adopt(self, token: str | None, user: AuthUser) -> VisitorRecord | None:
        """Claim and hand off in one go, for a step that is not a login (a registration)."""
        if _usable(token) is None:
            return None
        with self.uow.write() as work:
            claimed = self.claim_in(work, token, user)
        self.hand_off(claimed, user.id)
        return claimed

    # -- the HttpOnly cookie -----------------------------------------------------

    def issue_cookie_ticket(self, token: str) -> str:
        """A single-use ticket the browser trades, on the app's origin, for the visitor cookie."""
        usable = _usable(token)
        with self.uow.write() as work:
            now = self.clock.now()
            found = work.visitors.find(token_hash=digest(usable), now=now) if usable else None
            if found is None or usable is None:
                raise InvalidToken()
            return issue_visitor_ticket(work.one_time_tokens, found.id, usable, now=now)

    def redeem_cookie_ticket(self, ticket: str) -> VisitorPass:
        """Spend a ticket; the visitor and its token for the cookie.

        Raises InvalidToken (also when the visitor ended meanwhile),
        TokenReused or TokenExpired.
        """
        with self.uow.write() as work:
            now = self.clock.now()
            visitor_id, token = redeem_visitor_ticket(work.one_time_tokens, ticket, now=now)
            found = work.visitors.find(token_hash=digest(token), now=now)
        if found is None or found.id != visitor_id:
            raise InvalidToken()
        return VisitorPass(visitor=found, token=token)

    # -- housekeeping --------------------------------------------------------------

    def cleanup(self, *, batch_size: int = 1000, max_batches: int | None = None) -> int:
        """Delete expired visitors in batches; return how many."""
        total, batches = 0, 0
        while max_batches is None or batches < max_batches:
            with self.uow.write() as work:
                deleted = work.visitors.delete_expired(now=self.clock.now(), batch_size=batch_size)
            total += deleted
            batches += 1
            if deleted < batch_size:
                break
        return total
