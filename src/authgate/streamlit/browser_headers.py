"""Response headers that keep the app's pages out of hostile frames and sniffers.

A login form inside someone else's frame is a clickjacking target, so every
page and route of the app says who may frame it: ``Content-Security-Policy:
frame-ancestors`` (the standard) and ``X-Frame-Options`` (for older browsers;
it can say only "same origin" or "nobody", so it is left out when an app is
embedded on purpose by the origins it names). Streamlit's own component
frames are same-origin, so ``'self'`` (the default) keeps them working.
``X-Content-Type-Options: nosniff`` stops a browser from running an upload
or a JSON answer as a script, and ``Referrer-Policy: same-origin`` keeps the
page's address (a reset link carries its token in the query until the page
moves it out) from leaving the site in a ``Referer``.

``SecurityHeaders`` is plain ASGI middleware for ``st.App(middleware=...)``;
it touches HTTP responses only (websockets pass through) and never replaces
a header a route set itself (a route's own CSP without ``frame-ancestors``
gets ours as a second CSP header; browsers enforce both).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from authgate.frames import valid_frame_ancestors

__all__ = ["SecurityHeaders", "security_headers"]

REFERRER_POLICY = "same-origin"


def security_headers(frame_ancestors: str = "'self'") -> dict[str, str]:
    """The headers every response of the app carries, for the given ``frame-ancestors``."""
    ancestors = valid_frame_ancestors(frame_ancestors)
    headers = {
        "Content-Security-Policy": f"frame-ancestors {ancestors}",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": REFERRER_POLICY,
    }
    legacy = {"'self'": "SAMEORIGIN", "'none'": "DENY"}.get(ancestors)
    if legacy is not None:
        headers["X-Frame-Options"] = legacy
    return headers


class SecurityHeaders:
    """ASGI middleware adding ``security_headers(frame_ancestors)`` to every HTTP response."""

    def __init__(self, app: ASGIApp, *, frame_ancestors: str = "'self'") -> None:
        self.app = app
        self.headers = security_headers(frame_ancestors)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:
                        headers[name] = value
                    elif name == "Content-Security-Policy" and "frame-ancestors" not in " ".join(
                        headers.getlist(name)
                    ):
                        headers.append(name, value)  # browsers enforce every CSP header
            await send(message)

        await self.app(scope, receive, send_with_headers)
