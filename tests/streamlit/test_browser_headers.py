"""Browser headers: framing, sniffing and referrer rules on every page and route of the app."""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from e2e_helpers import DemoServer
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket

from authgate.config import AuthgateSettings
from authgate.streamlit.browser_headers import SecurityHeaders, security_headers
from authgate.streamlit.routes import gate_middleware

DEFAULT = {
    "x-frame-options": "SAMEORIGIN",
    "content-security-policy": "frame-ancestors 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def test_the_default_headers() -> None:
    assert {k.lower(): v for k, v in security_headers().items()} == DEFAULT


@pytest.mark.parametrize(
    ("ancestors", "csp", "xfo"),
    [
        ("'none'", "frame-ancestors 'none'", "DENY"),
        (
            "'self'   https://portal.example.org",
            "frame-ancestors 'self' https://portal.example.org",
            None,
        ),
        ("https://*.example.org:8443", "frame-ancestors https://*.example.org:8443", None),
    ],
)
def test_embedding_on_purpose_is_configurable(ancestors: str, csp: str, xfo: str | None) -> None:
    headers = security_headers(ancestors)
    assert headers["Content-Security-Policy"] == csp
    # X-Frame-Options cannot name other origins: left out rather than contradicting the CSP
    assert headers.get("X-Frame-Options") == xfo


@pytest.mark.parametrize(
    "ancestors",
    ["", "   ", "'self'; script-src *", "'none' 'self'", "https://a.example,https://b", "'unsafe'"],
)
def test_a_bad_frame_ancestors_setting_fails_at_start_up(ancestors: str) -> None:
    with pytest.raises(ValidationError, match="frame"):
        AuthgateSettings(frame_ancestors=ancestors)


def _app(frame_ancestors: str = "'self'") -> Starlette:
    async def page(request: Request) -> Response:
        return PlainTextResponse("page")

    async def own_policy(request: Request) -> Response:
        return PlainTextResponse(
            "x",
            headers={
                "Content-Security-Policy": "default-src 'self'",
                "Referrer-Policy": "no-referrer",
            },
        )

    async def own_frame_rule(request: Request) -> Response:
        return PlainTextResponse("x", headers={"Content-Security-Policy": "frame-ancestors 'none'"})

    async def socket(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("hello")
        await websocket.close()

    settings = AuthgateSettings(frame_ancestors=frame_ancestors)
    return Starlette(
        routes=[
            Route("/", page),
            Route("/own", own_policy),
            Route("/frame", own_frame_rule),
            WebSocketRoute("/ws", socket),
        ],
        middleware=gate_middleware(settings),
    )


def test_the_middleware_adds_the_headers_to_every_http_answer() -> None:
    with TestClient(_app()) as client:
        for path in ("/", "/missing"):
            answer = client.get(path)
            assert {k: answer.headers[k] for k in DEFAULT} == DEFAULT
        with client.websocket_connect("/ws") as websocket:  # websockets pass through
            assert websocket.receive_text() == "hello"


def test_the_middleware_keeps_a_routes_own_headers_and_adds_the_frame_rule() -> None:
    with TestClient(_app()) as client:
        own = client.get("/own")
        assert own.headers["referrer-policy"] == "no-referrer"
        assert own.headers.get_list("content-security-policy") == [
            "default-src 'self'",
            "frame-ancestors 'self'",
        ]
        framed = client.get("/frame")
        assert framed.headers.get_list("content-security-policy") == ["frame-ancestors 'none'"]


def test_the_middleware_class_checks_its_setting() -> None:
    with pytest.raises(ValueError):
        SecurityHeaders(_app(), frame_ancestors="'self'; sandbox")


# -- the real st.App: the demo under `streamlit run` --------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    server = DemoServer(tmp_path_factory.mktemp("headers"))
    server.start()
    yield server
    server.stop()


def _get(url: str, **kwargs: Any) -> Any:
    request = urllib.request.Request(url, **kwargs)
    try:
        return urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as error:
        return error


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/", "/chat", "/_stcore/health", "/_authgate/session"])
def test_the_demo_sends_the_headers_on_pages_and_routes(demo: DemoServer, path: str) -> None:
    method = "POST" if path.startswith("/_authgate") else "GET"
    answer = _get(demo.url + path, method=method, data=b"{}" if method == "POST" else None)
    assert {k: answer.headers[k] for k in DEFAULT} == DEFAULT


class _Framer(BaseHTTPRequestHandler):
    """A page on another origin that frames ``target``."""

    target = ""

    def do_GET(self) -> None:
        body = f'<iframe id="victim" src="{self.target}" width=600 height=400></iframe>'.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.mark.browser
@pytest.mark.slow
def test_a_browser_refuses_to_frame_the_demo_on_another_site(
    demo: DemoServer, context: Any
) -> None:
    """Clickjacking: another origin's page gets an empty, blocked frame; the app still loads."""
    handler = type("Framer", (_Framer,), {"target": demo.url + "/"})
    other = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        page = context.new_page()
        direct = page.goto(demo.url + "/")
        assert direct is not None and direct.headers["x-frame-options"] == "SAMEORIGIN"
        blocked: list[str] = []
        page.on("console", lambda message: blocked.append(message.text))
        page.goto(f"http://127.0.0.1:{other.server_address[1]}/")  # another port: another origin
        page.wait_for_timeout(2000)
        frame = page.frame_locator("#victim")
        assert frame.locator("[data-testid='stApp']").count() == 0
        assert any("frame-ancestors" in text or "X-Frame-Options" in text for text in blocked)
    finally:
        other.shutdown()
        other.server_close()
