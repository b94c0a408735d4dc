"""The remote backend's account-recovery calls: forgot password or username, mailed links.

None of them needs a session: they are what a visitor who cannot log in may
do. The API answers a request for an unknown account exactly as for a known
one, and mails the link itself (the gate never sees a reset or verification
token it did not get from the browser's URL). A token that cannot be valid
(empty, too long) is refused here without a request.
"""

from __future__ import annotations

from collections.abc import Callable

from authgate.core.recovery.password_reset import PasswordResetInfo
from authgate.errors import InvalidToken
from authgate.streamlit._remote_client import RemoteApiClient
from authgate.streamlit._remote_wire import MAX_FIELD, MAX_TOKEN, parse_reset_info
from authgate.streamlit.backend import RequestMeta

__all__ = ["RemoteRecovery"]


def _checked(token: str) -> str:
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN:
        raise InvalidToken()
    return token


class RemoteRecovery:
    """Forgot-password, forgot-username and email-verification requests to an authgate API."""

    def __init__(self, api: RemoteApiClient, *, changed: Callable[[], None]) -> None:
        self.api = api
        self.changed = changed

    def request_password_reset(self, login: str, meta: RequestMeta) -> None:
        body = {"login": login[:MAX_FIELD]}
        self.api.call("POST", "/password/forgot", json=body, meta=meta)

    def request_username_reminder(self, email: str, meta: RequestMeta) -> None:
        body = {"email": email[:MAX_FIELD]}
        self.api.call("POST", "/username/forgot", json=body, meta=meta)

    def verify_email(self, token: str) -> str:
        """Use up a verification link's token; answers the username it verified."""
        answer = self.api.call("POST", "/email/verify", json={"token": _checked(token)})
        return self.api.read(lambda data: str(data["username"]), answer)

    def inspect_reset_token(self, token: str) -> PasswordResetInfo:
        """What the reset page shows before asking for the password; the token stays usable."""
        answer = self.api.call("POST", "/password/reset/inspect", json={"token": _checked(token)})
        return self.api.read(parse_reset_info, answer)

    def reset_password(self, token: str, new_password: str, *, code: str | None) -> None:
        """Set the new password; the API ends the account's sessions, so ``changed`` is called."""
        body = {"token": _checked(token), "new_password": new_password, "code": code or None}
        self.api.call("POST", "/password/reset", json=body)
        self.changed()
