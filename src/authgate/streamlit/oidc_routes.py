"""The provider routes: start a sign-in, and come back from the provider with a session.

- ``GET {base}/_authgate/oidc/<name>/login?next=<page>[&purpose=link]`` makes
  the flow's state and sends the browser to the provider, with the flow's
  *binding* secret in an HttpOnly cookie named after the state: the callback
  is accepted only from the browser that started it (login CSRF, stolen
  callback URLs).
- ``GET {base}/_authgate/oidc/<name>/callback`` verifies the answer, logs the
  account in through the shared login flow and answers with the same HttpOnly
  session cookie as a password login, redirecting to the page first asked for.
  When the flow needs a step in the page (the account's second factor, or
  proving a local account before linking), a five-minute HttpOnly step cookie
  carries its single-use ticket to the Login page. Failures go to the Login
  page with a reason code; its text comes from ``texts``, never from the URL.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from authgate.core.oidc.flow import Assertion
from authgate.core.records import Client, SessionContext
from authgate.errors import (
    AuthgateError,
    MfaRequired,
    NotAuthenticated,
    OidcFailed,
    OidcLinkRequired,
)
from authgate.proxies import TrustedProxies
from authgate.streamlit.cookie_routes import SessionCookie
from authgate.streamlit.oidc_local import InProcessOidc

__all__ = ["STEP_COOKIE", "binding_cookie_name", "build_oidc_routes", "safe_next"]

logger = logging.getLogger("authgate.streamlit.oidc")

STEP_COOKIE = "authgate_oidc_step"
_STEP_SECONDS = 300
_BINDING_SECONDS = 600
_NEXT_RE = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_/-]{0,127}$")
_NO_STORE = {"Cache-Control": "no-store"}


def safe_next(value: object) -> str:
    """A page's URL path, or "": never a scheme, a host or ``//`` (no open redirect)."""
    if not isinstance(value, str) or not _NEXT_RE.fullmatch(value) or "//" in value:
        return ""
    return value


def binding_cookie_name(state: str) -> str:
    """One cookie per flow, so two tabs signing in at once do not overwrite each other."""
    return "authgate_oidc_" + hashlib.sha256(state.encode()).hexdigest()[:16]


def build_oidc_routes(
    get_oidc: Callable[[], InProcessOidc | None],
    *,
    cookie: SessionCookie,
    base_path: str = "",
    prefix: str = "/_authgate",
    proxies: TrustedProxies | None = None,
    visitor_cookie: SessionCookie | None = None,
) -> list[Route]:
    """The login and callback routes of every configured provider (``<name>`` in the path).

    A browser that arrives with an anonymous visitor's cookie (``visitor_cookie``)
    has that visitor handed to the user by the login, as after a password.
    """
    base = "/" + base_path.strip("/") if base_path.strip("/") else ""
    flow_path = f"{base}{prefix}/oidc/"
    trusted = proxies or TrustedProxies()

    def client_of(request: Request) -> Client:
        peer = request.client.host if request.client else None
        ip = trusted.client_ip(peer, request.headers.get("x-forwarded-for"))
        return Client.of(ip, request.headers.get("user-agent"))

    def page(path: str, **query: str) -> RedirectResponse:
        target = f"{base}/{path}" + (f"?{urlencode(query)}" if query else "")
        return RedirectResponse(target, status_code=303, headers=_NO_STORE)

    def set_temporary(
        response: Response, request: Request, name: str, value: str, *, path: str, seconds: int
    ) -> None:
        response.set_cookie(
            name,
            value,
            max_age=seconds,
            path=path,
            httponly=True,
            samesite="lax",
            secure=cookie.is_secure(request),
        )

    def step_page(request: Request, step: str, **query: str) -> Response:
        """The Login page, with the step's single-use ticket in the five-minute step cookie."""
        response = page("login", **query)
        set_temporary(response, request, STEP_COOKIE, step, path=cookie.path, seconds=_STEP_SECONDS)
        return response

    def clear_temporary(response: Response, request: Request, name: str, *, path: str) -> None:
        response.set_cookie(
            name,
            "",
            max_age=0,
            expires=0,
            path=path,
            httponly=True,
            samesite="lax",
            secure=cookie.is_secure(request),
        )

    async def login(request: Request) -> Response:
        name = str(request.path_params["name"])
        oidc = get_oidc()
        next_path = safe_next(request.query_params.get("next"))
        purpose = "link" if request.query_params.get("purpose") == "link" else "login"
        if oidc is None:
            return page("login", oidc_error="unavailable", provider=name)
        user_id = None
        if purpose == "link":
            context = await _session(oidc, request, cookie)
            if context is None:
                return page("login", oidc_error="not_logged_in", provider=name)
            user_id = context.user.id
        try:
            started = await run_in_threadpool(
                oidc.begin, name, purpose=purpose, next_path=next_path, user_id=user_id
            )
        except OidcFailed as failure:
            return page(
                "account" if purpose == "link" else "login",
                oidc_error=failure.reason,
                provider=name,
            )
        except AuthgateError as error:
            return page("login", oidc_error=error.code, provider=name)
        response = RedirectResponse(started.url, status_code=303, headers=_NO_STORE)
        set_temporary(
            response,
            request,
            binding_cookie_name(started.state),
            started.binding,
            path=flow_path,
            seconds=_BINDING_SECONDS,
        )
        return response

    async def callback(request: Request) -> Response:
        name = str(request.path_params["name"])
        oidc = get_oidc()
        if oidc is None:
            return page("login", oidc_error="unavailable", provider=name)
        params = {
            key: request.query_params[key]
            for key in ("state", "code", "error")
            if key in request.query_params
        }
        state = params.get("state", "")
        binding_name = binding_cookie_name(state)
        client = client_of(request)
        try:
            assertion = await run_in_threadpool(
                oidc.finish, name, params, binding=request.cookies.get(binding_name), client=client
            )
        except AuthgateError as error:
            response = page("login", oidc_error=_reason(error), provider=name)
            clear_temporary(response, request, binding_name, path=flow_path)
            return response
        answer: Response
        if assertion.purpose == "link":
            answer = await _link(oidc, request, assertion, client, name)
        elif assertion.purpose == "login":
            answer = await _log_in(oidc, request, assertion, client, name)
        else:  # a flow the API started belongs to the API's callback
            answer = page("login", oidc_error="state_invalid", provider=name)
        clear_temporary(answer, request, binding_name, path=flow_path)
        return answer

    async def _link(
        oidc: InProcessOidc,
        request: Request,
        assertion: Assertion,
        client: Client,
        name: str,
    ) -> Response:
        context = await _session(oidc, request, cookie)
        if context is None:
            return page("login", oidc_error="not_logged_in", provider=name)
        try:
            await run_in_threadpool(oidc.link, assertion, context.user.id, client)
        except AuthgateError as error:
            return page("account", oidc_error=_reason(error), provider=name)
        return page("account", oidc_linked=name)

    async def _log_in(
        oidc: InProcessOidc,
        request: Request,
        assertion: Assertion,
        client: Client,
        name: str,
    ) -> Response:
        next_query = {"next": assertion.next_path} if assertion.next_path else {}
        try:
            visitor = request.cookies.get(visitor_cookie.name) if visitor_cookie else None
            result = await run_in_threadpool(oidc.log_in, assertion, client, visitor)
        except MfaRequired as step:
            return step_page(request, f"mfa.{step.ticket}", **next_query)
        except OidcLinkRequired as step:
            return step_page(request, f"link.{step.ticket}", oidc_link=name, **next_query)
        except AuthgateError as error:
            return page("login", oidc_error=_reason(error), provider=name)
        response = page(assertion.next_path)
        context = SessionContext(user=result.user, session=result.session)
        cookie.write(response, request, result.token, context)
        if visitor_cookie is not None and visitor_cookie.name in request.cookies:
            visitor_cookie.clear(response, request)
        return response

    return [
        Route(f"{flow_path}{{name}}/login", login, methods=["GET"], name="authgate_oidc_login"),
        Route(
            f"{flow_path}{{name}}/callback",
            callback,
            methods=["GET"],
            name="authgate_oidc_callback",
        ),
    ]


def _reason(error: AuthgateError) -> str:
    """The reason code a failure page shows: a provider failure's own, else the error's code."""
    return error.reason if isinstance(error, OidcFailed) else error.code


async def _session(
    oidc: InProcessOidc, request: Request, cookie: SessionCookie
) -> SessionContext | None:
    token = request.cookies.get(cookie.name)
    if not token:
        return None
    try:
        return await run_in_threadpool(oidc.session_of, token)
    except NotAuthenticated:
        return None
