"""Audit events of passkeys: every step, success or failure, carries ids and never a key."""

from __future__ import annotations

from authgate.core.events import AuthEvent

__all__ = [
    "PasskeyAdded",
    "PasskeyChallengeIssued",
    "PasskeyCloneSuspected",
    "PasskeyFailed",
    "PasskeyRemoved",
    "Reauthenticated",
]


class PasskeyChallengeIssued(AuthEvent, event_type="passkey.challenge_issued"):
    purpose: str = ""


class PasskeyAdded(AuthEvent, event_type="passkey.added"):
    passkey_id: int = 0
    name: str = ""
    backup_eligible: bool = False
    backed_up: bool = False


class PasskeyRemoved(AuthEvent, event_type="passkey.removed"):
    passkey_id: int = 0
    name: str = ""
    by_admin: bool = False


class PasskeyFailed(AuthEvent, event_type="passkey.failed", outcome="failure"):
    reason: str = ""
    purpose: str = ""
    passkey_id: int | None = None


class PasskeyCloneSuspected(AuthEvent, event_type="passkey.clone_suspected", outcome="failure"):
    """The authenticator's counter went backwards: two copies of one key may exist."""

    passkey_id: int = 0
    stored_count: int = 0
    presented_count: int = 0


class Reauthenticated(AuthEvent, event_type="session.reauthenticated"):
    session_id: str = ""
    method: str = ""
