"""Passkey test helpers over the composition root: a user with a passkey, audit rows by type."""

from __future__ import annotations

from authgate.core.login.passkey import passkey_credentials
from authgate.core.records import AuditRecord, LoginResult
from authgate.root import Authgate
from passkey_authenticator import SoftAuthenticator

GOOD = "correct horse battery"


def signed_in(service: Authgate, name: str = "alice") -> LoginResult:
    """``name`` registered and logged in with a password (a fresh session: a recent login)."""
    service.accounts.register(name, GOOD)
    return service.logins.password(name, GOOD)


def add_passkey(
    service: Authgate, login: LoginResult, authenticator: SoftAuthenticator, name: str = "Laptop"
) -> int:
    """Register a passkey of ``authenticator`` for the logged-in user; its id."""
    issued = service.passkeys.registration_options(login.user.id, login.session.id)
    answer = authenticator.create(issued.options)
    stored = service.passkeys.register(
        login.user.id, login.session.id, issued.challenge_id, answer, name=name
    )
    return stored.id


def passkey_login(
    service: Authgate, authenticator: SoftAuthenticator, **answer_options: object
) -> LoginResult:
    """A usernameless passkey login through the flow."""
    issued = service.passkeys.login_options()
    answer = authenticator.get(issued.options, **answer_options)  # type: ignore[arg-type]
    return service.logins.login("passkey", passkey_credentials(issued.challenge_id, answer))


def audit_rows(service: Authgate, event_type: str) -> list[AuditRecord]:
    return service.audit.list(event_type=event_type)
