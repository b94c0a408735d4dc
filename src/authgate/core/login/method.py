"""What a login method is: one way to prove who you are, behind one interface.

A method checks a credential (a password, a second factor, later an identity
provider's answer or a passkey) and says whom it proved, or raises. What
happens around it is the same for every method and lives in ``Logins``: the
account-state rules, the second-factor step, opening the session, handing it
to a token strategy, the audit. A method counts its own failures through the
shared ``Lockout`` component, so the lockout rule is still written once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from authgate.core.lockout.guard import Attempt
from authgate.core.records import AuthUser, Client

__all__ = ["Client", "LoginMethod", "Verified"]


@dataclass(frozen=True)
class Verified:
    """A method's answer: whom it proved, and how strongly.

    ``multi_factor`` means no second step is needed (a second factor just
    given, a passkey with user verification). ``remember`` overrides the
    caller's choice when the method carries it (the MFA ticket does).
    ``attempted`` is what the person typed to name the account, for the audit
    (defaults to the username). ``attempt`` is the guess the method reserved
    with ``Lockout``; the flow gives its counts back once the login is through
    (or as far as it goes: MFA still to come, an account that may not log in).
    """

    user: AuthUser
    method: str
    multi_factor: bool = False
    remember: bool | None = None
    attempted: str | None = None
    attempt: Attempt | None = None


class LoginMethod(Protocol):
    """One way to log in; registered under ``name`` in the composition root."""

    name: str

    def authenticate(self, credentials: Mapping[str, object], client: Client) -> Verified:
        """Prove the user or raise a core error (InvalidCredentials, AccountLocked, ...)."""
        ...
