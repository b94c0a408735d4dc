"""Drive an ASGI app by hand, for request bodies no HTTP client would send.

A test client reads a body it is given before sending it; these helpers
stream one chunk at a time and count what the app pulled, so a test can show
that a body was refused before it was read.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message

CHUNK = 64 * 1024


@dataclass
class Exchange:
    """What the app answered, and how much of the body it asked for."""

    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    bytes_pulled: int = 0
    chunks_pulled: int = 0

    def json(self) -> Any:
        return json.loads(self.body)


def zeros(total: int, chunk: int = CHUNK) -> Iterator[bytes]:
    """``total`` bytes in ``chunk``-sized pieces, each made only when asked for."""
    sent = 0
    while sent < total:
        size = min(chunk, total - sent)
        sent += size
        yield b"0" * size


def post(
    app: ASGIApp,
    path: str,
    chunks: Iterable[bytes],
    *,
    headers: Iterable[tuple[str, str]] = (("content-type", "application/json"),),
    on_send: Callable[[Message], None] | None = None,
) -> Exchange:
    """POST ``chunks`` as a streamed body (no Content-Length unless given); the answer."""
    exchange = Exchange()
    pieces = iter(chunks)

    async def receive() -> Message:
        piece = next(pieces, None)
        if piece is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        exchange.bytes_pulled += len(piece)
        exchange.chunks_pulled += 1
        return {"type": "http.request", "body": piece, "more_body": True}

    async def send(message: Message) -> None:
        if on_send is not None:
            on_send(message)
        if message["type"] == "http.response.start":
            exchange.status = message["status"]
            exchange.headers = {k.decode(): v.decode() for k, v in message.get("headers", [])}
        elif message["type"] == "http.response.body":
            exchange.body += message.get("body", b"")

    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")] + [(k.encode(), v.encode()) for k, v in headers],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }
    # A thread of its own: a browser test's Playwright loop may be running in this one.
    failures: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(app(scope, receive, send))
        except BaseException as error:
            failures.append(error)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if failures:
        raise failures[0]
    return exchange
