"""The lockout, written once: key names, reserving a guess, refusal while locked, lock events.

Every check of a secret (a password at login, the current password on a
change, a second-factor code, the password that turns MFA off) asks this
component, so the rules hold everywhere:

- one key per account (``account:<id>``); an unknown login name gets its own
  key (``login:<name>``) so guessing names is throttled too; the client's
  address (``ip:<address>``, an IPv6 one by its /64) has a budget of failures
  across all accounts when ``client_policy`` is set (password spraying), and
  only failures spend it;
- a guess is *reserved* before its secret is checked: counted on every key in
  one atomic step of the store, or refused because a key is locked. A burst
  of concurrent guesses therefore evaluates at most ``threshold`` of them,
  and the one that starts a lock is the one that announces it;
- a refused guess writes no audit row: the store counts refusals on the
  locked key, and one ``account.lock_ended`` row reports them when the lock is
  seen to be over (the next guess after it, a success, an unlock);
- a failed guess keeps its count and records its failure (and the lock it
  started) in one transaction; a right secret gives its count back: a full
  login forgets the account's failures, anything less (MFA still to come, a
  disabled account) leaves them as they were; the client gets back exactly
  the one it lent, so a valid login cannot wipe a sprayer's record.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import datetime

from authgate.core.clock import Clock
from authgate.core.events import AccountLockedOut, AuthEvent, LockEnded
from authgate.core.lockout.policy import Claim, Hold, ThrottlePolicy, ThrottleStatus
from authgate.core.ports.store import Repositories
from authgate.core.ports.throttle import Throttle
from authgate.core.records import Client
from authgate.core.unit_of_work import UnitOfWork, Work
from authgate.errors import AccountLocked, TooManyAttempts

__all__ = ["Attempt", "Lockout", "account_key", "client_key", "login_key"]

_CLIENT_PREFIX = "ip:"


def account_key(user_id: int) -> str:
    """The counter of one account: passwords and second factors count on it alike."""
    return f"account:{user_id}"


def login_key(login: str) -> str:
    """The counter of a login name that names no account."""
    return f"login:{login}"


def client_key(ip: str) -> str:
    """The counter of one client, across every account it tries.

    An IPv6 client is counted by its /64: one subscriber is usually handed a
    whole /64, so counting single addresses would give a sprayer 2**64
    budgets. An IPv4-mapped IPv6 address counts as its IPv4 address.
    """
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return f"{_CLIENT_PREFIX}{ip}"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return f"{_CLIENT_PREFIX}{address.ipv4_mapped}"
        return f"{_CLIENT_PREFIX}{ipaddress.ip_network(f'{address}/64', strict=False)}"
    return f"{_CLIENT_PREFIX}{address}"


@dataclass(frozen=True)
class Attempt:
    """One guess at a secret, reserved before the secret is checked.

    ``holds`` are the counts it holds (none when refused); ``refusal`` is the
    error to raise when a lock refused it. Hand it back to ``Lockout.failed``
    or ``Lockout.succeeded`` once the secret is checked.
    """

    key: str
    client: Client
    user_id: int | None
    attempted: str | None
    reserved_at: datetime
    holds: tuple[Hold, ...] = ()
    refusal: AccountLocked | None = field(default=None, compare=False)

    def check(self) -> None:
        """Raise AccountLocked (or TooManyAttempts for the address) when it was refused."""
        if self.refusal is not None:
            raise self.refusal


@dataclass(kw_only=True, eq=False)
class Lockout:
    """Reserves guesses per account (and per client address) and refuses while locked."""

    throttle: Throttle
    uow: UnitOfWork
    clock: Clock
    policy: ThrottlePolicy = field(default_factory=ThrottlePolicy)
    client_policy: ThrottlePolicy | None = None

    def status(self, key: str, *, within: Repositories | None = None) -> ThrottleStatus:
        """The key's failures and lock now (inside ``within`` when the store allows)."""
        policy = self.client_policy if key.startswith(_CLIENT_PREFIX) else self.policy
        return self.throttle.status(key, policy or self.policy, self.clock.now(), within=within)

    def account_status(self, user_id: int) -> ThrottleStatus:
        return self.status(account_key(user_id))

    def reserve_in(
        self,
        work: Work,
        key: str,
        *,
        client: Client,
        user_id: int | None,
        attempted: str | None,
    ) -> Attempt:
        """Reserve a guess on ``key`` (and the client's address) inside ``work``; never raises.

        The caller lets ``work`` commit (a refusal is counted too) and then
        calls ``Attempt.check``.
        """
        now = self.clock.now()
        claims = [Claim(key, self.policy)]
        if client.ip and self.client_policy is not None:
            claims.append(Claim(client_key(client.ip), self.client_policy))
        reservation = self.throttle.reserve(claims, now, within=work.repositories)
        attempt = Attempt(key, client, user_id, attempted, now, reservation.holds)
        for hold in reservation.holds:
            if hold.refused_before:
                work.emit(_lock_ended(attempt, hold.key, hold.refused_before))
        refused_by = reservation.refused_by
        if refused_by is None or refused_by.locked_until is None:
            return attempt
        wait = int((refused_by.locked_until - now).total_seconds() + 0.999)
        kind = TooManyAttempts if refused_by.key.startswith(_CLIENT_PREFIX) else AccountLocked
        return Attempt(
            key, client, user_id, attempted, now, refusal=kind(refused_by.locked_until, wait)
        )

    def reserve(
        self, key: str, *, client: Client, user_id: int | None, attempted: str | None
    ) -> Attempt:
        """Reserve a guess in a transaction of its own; raises AccountLocked when refused."""
        with self.uow.write() as work:
            attempt = self.reserve_in(
                work, key, client=client, user_id=user_id, attempted=attempted
            )
        attempt.check()
        return attempt

    def failed(self, attempt: Attempt, failure: AuthEvent) -> None:
        """The secret was wrong: the counts stay; record ``failure`` and any lock it started."""
        events: list[AuthEvent] = [failure]
        events += [_lock_event(attempt, hold) for hold in attempt.holds if hold.locks]
        self.uow.record(*events)

    def succeeded(
        self, attempt: Attempt, *, complete: bool = True, work: Work | None = None
    ) -> None:
        """The secret was right: give the counts back (inside ``work`` when given).

        ``complete`` (a full login, a code accepted) also forgets the account
        key's earlier failures; otherwise (MFA still to come, an account
        that may not log in) they stay as they were before this guess.
        """
        if not attempt.holds:
            return
        if work is None:
            with self.uow.write() as own:
                self._give_back(own, attempt, complete=complete)
        else:
            self._give_back(work, attempt, complete=complete)

    def clear(self, key: str, *, user_id: int | None = None, username: str | None = None) -> None:
        """Forget the key's failures and lock (an unlock, a new password)."""
        with self.uow.write() as work:
            refused = self.throttle.reset(key, within=work.repositories)
            if refused:
                scope = _scope(key)
                work.emit(
                    LockEnded(user_id=user_id, username=username, refused=refused, scope=scope)
                )

    def clear_account(self, user_id: int, *, username: str | None = None) -> None:
        self.clear(account_key(user_id), user_id=user_id, username=username)

    def _give_back(self, work: Work, attempt: Attempt, *, complete: bool) -> None:
        forget = (attempt.key,) if complete else ()
        ended = self.throttle.give_back(
            attempt.holds, self.clock.now(), forget=forget, within=work.repositories
        )
        for key, refused in ended.items():
            work.emit(_lock_ended(attempt, key, refused))


def _scope(key: str) -> str:
    return "ip" if key.startswith(_CLIENT_PREFIX) else "account"


def _lock_ended(attempt: Attempt, key: str, refused: int) -> LockEnded:
    """The one row for a lock's refusals: whose lock it was and how many it refused."""
    scope = _scope(key)
    if scope == "ip":
        return LockEnded(ip=key.removeprefix(_CLIENT_PREFIX), refused=refused, scope=scope)
    return LockEnded(
        user_id=attempt.user_id, username=attempt.attempted, refused=refused, scope=scope
    )


def _lock_event(attempt: Attempt, hold: Hold) -> AccountLockedOut:
    status = hold.status
    assert status.locked_until is not None
    now = attempt.reserved_at
    return AccountLockedOut(
        user_id=attempt.user_id,
        username=attempt.attempted,
        ip=attempt.client.ip,
        failures=status.failures,
        locked_seconds=int((status.locked_until - now).total_seconds()),
        scope=_scope(hold.key),
    )
