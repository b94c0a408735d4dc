"""How the remote backend reads API answers: errors to core exceptions, odd answers to 503."""

from __future__ import annotations

import inspect

import httpx
import pytest

from authgate.core import errors as e
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
