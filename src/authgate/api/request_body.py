"""Guards on request bodies that act before any route reads them.

Two pure ASGI middlewares, ``BodySizeLimit`` outermost:

- ``BodySizeLimit`` answers 413 ``payload_too_large`` to a body over the
  limit (``AUTHGATE_MAX_REQUEST_BODY``): at once when ``Content-Length`` says
  so, and as soon as the streamed bytes pass the limit when the body is
  chunked. Without it a route reads the whole body into memory before it can
  refuse it (one 10 MB JSON body cost 187 MiB of RSS).
- ``DuplicateJsonKeys`` answers 422 ``duplicate_json_key`` to a JSON body
  that names one key twice. Python's parser keeps the last value and others
  (a proxy, a web application firewall) may keep the first, so
  ``{"username": "nobody", "username": "admin"}`` could be checked as one
  user and logged in as another. Form bodies (the OAuth 2.0 endpoints) pass
  untouched. It buffers JSON bodies, which is safe only because the size
  limit is outside it.
"""

from __future__ import annotations

import json
from email.message import Message as MimeHeader
from typing import Any

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from authgate.api.errors import FieldError, error_response

__all__ = ["BodySizeLimit", "BodyTooLarge", "DuplicateJsonKeys", "document_body_limit"]

_CLOSE = {"Connection": "close"}
_KEY_ECHO_LIMIT = 64


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` once the streamed body passes the limit.

    An ``HTTPException``, so FastAPI's body parsing lets it through (it turns
    other errors into a 400) and the API's handler answers 413 in the usual
    shape; ``BodySizeLimit`` answers it itself when it comes from outside
    the routes. ``Connection: close`` tells a client still sending that the
    rest will not be read.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=_too_large_message(limit), headers=_CLOSE)


class BodySizeLimit:
    """Refuse request bodies over ``max_body`` bytes with 413, without reading them."""

    def __init__(self, app: ASGIApp, *, max_body: int) -> None:
        if max_body < 0:
            raise ValueError("max_body must not be negative")
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body:
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge(self.max_body)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            413, "payload_too_large", _too_large_message(self.max_body), headers=_CLOSE
        )
        await response(scope, receive, send)


class DuplicateJsonKeys:
    """Refuse a JSON body that names a key twice (at any depth) with 422."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _may_be_json(scope):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        if body is None:
            return  # the client went away: nobody to answer
        key = _duplicate_key(body)
        if key is not None:
            shown = key[:_KEY_ECHO_LIMIT]
            message = "The JSON body names the same key more than once."
            field = FieldError(loc=["body", shown], code="duplicate_json_key", message=message)
            response = error_response(422, "duplicate_json_key", message, errors=[field])
            await response(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)


def document_body_limit(app: FastAPI, *, max_body: int) -> None:
    """Add the 413 answer to every operation that takes a body, so the schema says what is enforced.

    The limit applies to every route alike, so it is stated once here rather
    than in each route's ``responses``; clients and the schema fuzzing then
    expect the 413 a large body gets.
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        schema = build()  # FastAPI builds it once and caches it; adding is idempotent
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                if isinstance(operation, dict) and "requestBody" in operation:
                    operation.setdefault("responses", {}).setdefault(
                        "413", _too_large_doc(max_body)
                    )
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _too_large_doc(limit: int) -> dict[str, Any]:
    return {
        "description": _too_large_message(limit),
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
    }


class _Duplicate(Exception):
    """Stops the parse at the first repeated key; never leaves this module."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _duplicate_key(body: bytes) -> str | None:
    """The first key named twice in one object, or None (also for a body that is not JSON).

    A body that does not parse is left to the route, whose answer to it is
    already the API's (422 ``invalid_input``).
    """
    if not body:
        return None

    def unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise _Duplicate(key)
            seen.add(key)
        return dict(pairs)

    try:
        json.loads(body, object_pairs_hook=unique_pairs)
    except _Duplicate as found:
        return found.key
    except (ValueError, RecursionError):
        return None
    return None


def _may_be_json(scope: Scope) -> bool:
    """True for the bodies FastAPI parses as JSON: no content type, or ``*/json``, ``*/*+json``."""
    value = Headers(scope=scope).get("content-type")
    if not value:
        return True
    header = MimeHeader()
    header["content-type"] = value
    subtype = header.get_content_subtype()
    return header.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


async def _read_body(receive: Receive) -> bytes | None:
    """The whole body, or None if the client disconnected first."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        if message["type"] == "http.request":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the buffered body once, then defers to the server's."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _content_length(scope: Scope) -> int | None:
    """The declared length, or None when absent or unreadable (then the bytes are counted)."""
    value = Headers(scope=scope).get("content-length", "")
    if not (value.isascii() and value.isdigit()):
        return None
    try:
        return int(value)
    except ValueError:  # more digits than int() will read: let the counting decide
        return None


def _too_large_message(limit: int) -> str:
    return f"The request body is larger than the limit of {limit} bytes."
