"""The remote backend's two-factor calls: the Account page's MFA section, over the API.

Each call acts through a session of the user it concerns (``acting_session``),
so the API checks the code, the password and the lockout for that user; the
seed and the recovery codes come back once, in answers the API marks
``no-store``. Turning MFA on or off changes what other tabs cached of the
user, so it calls ``changed``.
"""

from __future__ import annotations

from collections.abc import Callable

from authgate.core.mfa.service import MfaStatus
from authgate.core.mfa.totp import MfaEnrollment
from authgate.streamlit._remote_client import RemoteApiClient
from authgate.streamlit._remote_wire import (
    parse_enrollment,
    parse_mfa_status,
    parse_recovery_codes,
)

__all__ = ["RemoteMfa"]


class RemoteMfa:
    """A user's second factor, as an authgate API keeps it."""

    def __init__(
        self,
        api: RemoteApiClient,
        *,
        acting_session: Callable[[int], str],
        changed: Callable[[], None],
    ) -> None:
        self.api = api
        self.acting_session = acting_session
        self.changed = changed

    def status(self, user_id: int) -> MfaStatus:
        answer = self.api.as_session(self.acting_session(user_id), "GET", "/mfa")
        return self.api.read(parse_mfa_status, answer)

    def begin_enrollment(self, user_id: int) -> MfaEnrollment:
        answer = self.api.as_session(self.acting_session(user_id), "POST", "/mfa/enroll")
        return self.api.read(parse_enrollment, answer)

    def confirm_enrollment(self, user_id: int, code: str) -> list[str]:
        """Switch MFA on with a first code; the ten recovery codes come back once."""
        sid = self.acting_session(user_id)
        answer = self.api.as_session(sid, "POST", "/mfa/enroll/confirm", json={"code": code})
        self.changed()
        return self.api.read(parse_recovery_codes, answer)

    def regenerate_recovery_codes(self, user_id: int, code: str) -> list[str]:
        sid = self.acting_session(user_id)
        answer = self.api.as_session(sid, "POST", "/mfa/recovery-codes", json={"code": code})
        return self.api.read(parse_recovery_codes, answer)

    def disable(self, user_id: int, password: str, code: str) -> None:
        body = {"password": password, "code": code}
        self.api.as_session(self.acting_session(user_id), "POST", "/mfa/disable", json=body)
        self.changed()
