"""How the remote backend reads API answers: errors to core exceptions, odd answers to 503."""

from __future__ import annotations

import inspect

import httpx
import pytest

from authgate import errors as e
from authgate.core.passwords.strength import ESTIMATE_MAX_CHARS
from authgate.streamlit._remote_wire import STRENGTH_SAMPLE_CHARS
from authgate.streamlit.remote_backend import RemoteBackend

PASSWORD = "correct horse battery staple"


def _mocked(status: int, body: bytes, content_type: str = "application/json") -> RemoteBackend:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"content-type": content_type})

    return RemoteBackend(
        "http://api.test", client=httpx.Client(transport=httpx.MockTransport(answer))
    )


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, b'{"detail": {"code": "internal_error", "message": "x", "errors": []}}'),
        (502, b"<html>bad gateway</html>"),
        (503, b'{"detail": {"code": "store_unavailable", "message": "down", "errors": []}}'),
        (404, b'{"detail": {"code": "not_found", "message": "Not Found", "errors": []}}'),
        (404, b"not json"),
        (200, b"not json"),
        (200, b'{"user": {"id": "not a number"}}'),
    ],
)
def test_answers_that_are_not_the_api_are_store_unavailable(status: int, body: bytes) -> None:
    with pytest.raises(e.StoreUnavailable):
        _mocked(status, body).register("someone", PASSWORD)


def test_every_core_error_code_maps_back() -> None:
    from authgate.streamlit._remote_wire import ERRORS_BY_CODE

    classes = [
        cls
        for _, cls in inspect.getmembers(e, inspect.isclass)
        if issubclass(cls, e.AuthgateError) and cls is not e.AuthgateError
    ]
    missing = [cls.__name__ for cls in classes if ERRORS_BY_CODE.get(cls.code) is not cls]
    assert missing == []


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (403, "mfa_enrollment_required", e.PermissionDenied),
        (401, "some_new_reason", e.NotAuthenticated),
        (409, "self_lockout", e.AuthgateError),
    ],
)
def test_api_codes_without_a_core_class_keep_status_and_message(
    status: int, code: str, expected: type[e.AuthgateError]
) -> None:
    body = f'{{"detail": {{"code": "{code}", "message": "Shown as is.", "errors": []}}}}'
    with pytest.raises(expected) as raised:
        _mocked(status, body.encode()).register("someone", PASSWORD)
    assert raised.value.message == "Shown as is."
    assert not isinstance(raised.value, e.StoreUnavailable)


# -- a login's answer, read without a server -----------------------------------------------

_WHEN = "2026-01-01T12:00:00+00:00"
_USER = {
    "id": 7,
    "username": "alice",
    "email": None,
    "display_name": "Alice",
    "roles": ["user", "admin"],
    "is_active": True,
    "email_verified": True,
    "mfa_enabled": False,
    "must_change_password": False,
    "created_at": _WHEN,
    "last_login_at": _WHEN,
}
_SESSION = {
    "id": "session-1",
    "created_at": _WHEN,
    "last_seen_at": _WHEN,
    "expires_at": "2026-01-01T12:30:00+00:00",
    "absolute_expires_at": "2026-01-02T00:00:00+00:00",
    "remember": False,
    "ip": None,
    "user_agent": None,
    "mfa": False,
    "current": True,
}
_LOGIN = {
    "user": _USER,
    "session": _SESSION,
    "mfa_enrollment_required": True,
    "access_token": "access-1",
    "token_type": "bearer",
    "expires_in": 900,
    "refresh_token": "refresh-1",
    "refresh_token_expires_in": 3600,
    "cookie_ticket": "ticket-1",
}


def _api(answers: dict[str, object], seen: list[str]) -> RemoteBackend:
    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/auth")
        seen.append(f"{request.method} {path}")
        if path in answers:
            return httpx.Response(200, json=answers[path])
        return httpx.Response(404, json={"detail": {"code": "not_found", "message": "x"}})

    client = httpx.Client(transport=httpx.MockTransport(answer))
    return RemoteBackend("http://api.test", client=client)


def test_a_login_is_one_request_and_the_redeem_another() -> None:
    seen: list[str] = []
    redeemed = {"session_token": "cookie-token", "user": _USER, "session": _SESSION}
    backend = _api({"/session/login": _LOGIN, "/session-tickets/redeem": redeemed}, seen)
    context = backend.login("alice", PASSWORD)
    assert context.user.id == 7 and context.session.id == "session-1"
    ticket = backend.issue_cookie_ticket(context.session.id)
    assert ticket == "ticket-1"
    token, again = backend.redeem_cookie_ticket(ticket)
    assert token == "cookie-token" and again.session.id == "session-1"
    assert seen == ["POST /session/login", "POST /session-tickets/redeem"]
    assert backend.mfa_enrollment_required(context.user) is True  # the server's word, no request
    assert len(seen) == 2


@pytest.mark.parametrize("missing", ["cookie_ticket", "refresh_token", "session"])
def test_a_login_answer_without_its_parts_is_store_unavailable(missing: str) -> None:
    body = {name: value for name, value in _LOGIN.items() if name != missing}
    with pytest.raises(e.StoreUnavailable):
        _api({"/session/login": body}, []).login("alice", PASSWORD)


def test_the_strength_sample_is_what_the_api_scores() -> None:
    assert STRENGTH_SAMPLE_CHARS == ESTIMATE_MAX_CHARS


def test_too_many_attempts_keeps_its_kind_and_retry_after() -> None:
    """The API's 429 for an address past its budget becomes TooManyAttempts, wait included."""
    body = b'{"detail": {"code": "too_many_attempts", "message": "x", "errors": []}}'

    def answer(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "application/json", "retry-after": "540"}
        return httpx.Response(429, content=body, headers=headers)

    backend = RemoteBackend(
        "http://api.test", client=httpx.Client(transport=httpx.MockTransport(answer))
    )
    with pytest.raises(e.TooManyAttempts) as raised:
        backend.login("alice", PASSWORD)
    assert raised.value.retry_after_seconds == 540
    assert "network" in raised.value.message and "9 minutes" in raised.value.message
