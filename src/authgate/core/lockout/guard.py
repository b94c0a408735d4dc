"""The lockout, written once: key names, refusal while locked, counting, lock events.

Every check of a secret (a password at login, the current password on a
change, a second-factor code, the password that turns MFA off) asks this
component, so the rules hold everywhere:

- one key per account (``account:<id>``); an unknown login name gets its own
  key (``login:<name>``) so guessing names is throttled too; a client address
  (``ip:<address>``) is counted, and locked only when ``ip_throttle`` is set,
  so one office behind NAT cannot lock out all of its users;
- a locked key refuses before any secret is checked, audited as a failed
  login with reason ``locked``;
- a failure is counted even though the work that caused it rolls back, and
  the failure event plus any lock events are recorded together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from authgate.core.clock import Clock
from authgate.core.events import AccountLockedOut, AuthEvent, LoginFailed
from authgate.core.lockout.policy import ThrottleStatus
from authgate.core.ports.store import Repositories
from authgate.core.ports.throttle import Throttle
from authgate.core.records import AuthUser, Client
from authgate.core.unit_of_work import UnitOfWork
from authgate.errors import AccountLocked

__all__ = ["Lockout", "account_key", "login_key"]


def account_key(user_id: int) -> str:
    """The counter of one account: passwords and second factors count on it alike."""
    return f"account:{user_id}"


def login_key(login: str) -> str:
    """The counter of a login name that names no account."""
    return f"login:{login}"


def _ip_key(ip: str) -> str:
    return f"ip:{ip}"


@dataclass(kw_only=True, eq=False)
class Lockout:
    """Counts failed secrets per account (and per client address) and refuses while locked."""

    throttle: Throttle
    uow: UnitOfWork
    clock: Clock
    ip_throttle: Throttle | None = None

    def status(self, key: str, *, within: Repositories | None = None) -> ThrottleStatus:
        """The key's failures and lock now (inside ``within``'s read when the store allows)."""
        return self.throttle.status(key, self.clock.now(), within=within)

    def account_status(self, user_id: int) -> ThrottleStatus:
        return self.status(account_key(user_id))

    def refuse_if_locked(
        self,
        key: str,
        *,
        client: Client,
        user_id: int | None,
        attempted: str | None,
        status: ThrottleStatus | None = None,
    ) -> int:
        """Raise AccountLocked (and audit the refusal) while the key or the address is locked.

        Returns the key's current failure count, so a clean account can skip
        the reset write after a success.
        """
        moment = self.clock.now()
        statuses = [status or self.throttle.status(key, moment)]
        if client.ip and self.ip_throttle is not None:
            statuses.append(self.ip_throttle.status(_ip_key(client.ip), moment))
        for current in statuses:
            if current.locked_until is not None and current.locked_at(moment):
                self.uow.record(
                    LoginFailed(
                        user_id=user_id,
                        username=attempted,
                        client=client,
                        reason="locked",
                    )
                )
                wait = (current.locked_until - moment).total_seconds()
                raise AccountLocked(current.locked_until, int(wait + 0.999))
        return statuses[0].failures

    def count_failure(
        self,
        key: str,
        failure: AuthEvent,
        *,
        user: AuthUser | None,
        attempted: str | None,
    ) -> None:
        """Count one failed secret on ``key`` (and ``failure.ip``) and record ``failure``.

        Each failure past the threshold (re)locks the key, and each such lock
        is recorded as ``account.locked`` in the same transaction as the failure.
        """
        now, ip = self.clock.now(), failure.ip
        events: list[AuthEvent] = [failure]
        status = self.throttle.record_failure(key, now)
        if status.locked_at(now):
            events.append(_lock_event(status, now, user, attempted, ip, "account"))
        if ip and self.ip_throttle is not None:
            ip_status = self.ip_throttle.record_failure(_ip_key(ip), now)
            if ip_status.locked_at(now):
                events.append(_lock_event(ip_status, now, user, attempted, ip, "ip"))
        self.uow.record(*events)

    def clear(self, key: str) -> None:
        """Forget the key's failures (a success, an unlock, a new password)."""
        self.throttle.reset(key)

    def clear_account(self, user_id: int) -> None:
        self.throttle.reset(account_key(user_id))


def _lock_event(
    status: ThrottleStatus,
    now: datetime,
    user: AuthUser | None,
    attempted: str | None,
    ip: str | None,
    scope: str,
) -> AccountLockedOut:
    assert status.locked_until is not None
    return AccountLockedOut(
        user_id=user.id if user else None,
        username=attempted,
        ip=ip,
        failures=status.failures,
        locked_seconds=int((status.locked_until - now).total_seconds()),
        scope=scope,
    )
