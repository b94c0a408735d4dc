"""The MFA, recovery and verification services behind the API, built once per ``AuthService``.

They are built from whatever ``TokenService`` the ``get_service`` dependency
yields, not from the service ``create_api`` was given, so overriding
``get_service`` in a test moves these along with it. The cache lives in the
closure of one app (no module-level state) and is keyed weakly by the
``AuthService``, so a discarded service does not linger.

The ``require_mfa_enrolled`` guard also lives here: it is shared by the
routers of several topics and by ``create_api`` for the older routers.
"""

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from threading import Lock
from typing import Annotated, Literal
from weakref import WeakKeyDictionary

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from authgate.api.errors import ApiError
from authgate.api.security import GetService
from authgate.core.account_recovery import AccountRecovery
from authgate.core.email_verification import EmailVerification
from authgate.core.errors import AuthgateError
from authgate.core.mail import Mailer, mailer_from_settings
from authgate.core.mfa_service import MfaService
from authgate.core.records import AuthUser
from authgate.core.service import AuthService
from authgate.core.token_service import TokenService

__all__ = [
    "MFA_ENROLLMENT_REQUIRED",
    "AccountServices",
    "GetAccountServices",
    "build_get_account_services",
    "build_mfa_enrollment_guard",
    "refuse_unless_enrolled",
]

MFA_ENROLLMENT_REQUIRED = "mfa_enrollment_required"


@dataclass(frozen=True)
class AccountServices:
    """The second-factor, recovery and email-verification faces of one ``AuthService``."""

    mfa: MfaService
    recovery: AccountRecovery
    verification: EmailVerification


GetAccountServices = Callable[..., Awaitable[AccountServices]]


def build_get_account_services(
    get_service: GetService, *, mailer: Mailer | Literal["settings"] | None = "settings"
) -> GetAccountServices:
    """A dependency yielding the ``AccountServices`` of the current ``AuthService``.

    ``mailer="settings"`` (the default) takes it from the service's settings
    (SMTP, a mail folder, or none); ``None`` switches mail off; a ``Mailer``
    is used as given (tests capture messages that way).
    """
    cache: WeakKeyDictionary[AuthService, AccountServices] = WeakKeyDictionary()
    lock = Lock()

    def build(auth: AuthService) -> AccountServices:
        outbox = mailer_from_settings(auth.settings) if isinstance(mailer, str) else mailer
        mfa = MfaService(auth)
        return AccountServices(
            mfa=mfa,
            recovery=AccountRecovery(auth, mailer=outbox, mfa=mfa),
            verification=EmailVerification(auth, mailer=outbox),
        )

    async def get_account_services(
        tokens: Annotated[TokenService, Depends(get_service)],
    ) -> AccountServices:
        with lock:
            services = cache.get(tokens.service)
            if services is None:
                services = cache[tokens.service] = build(tokens.service)
        return services

    return get_account_services


def refuse_unless_enrolled(mfa: MfaService, user: AuthUser) -> None:
    """Raise 403 ``mfa_enrollment_required`` while the user's roles demand MFA they lack.

    The session is real (enrolment needs it), so this is not a 401: the client
    should send the user to ``POST /mfa/enroll`` rather than to the login form.
    """
    if mfa.mfa_enrollment_required(user):
        raise ApiError(
            403,
            MFA_ENROLLMENT_REQUIRED,
            "Your role requires two-factor authentication: set it up first.",
        )


def build_mfa_enrollment_guard(
    get_service: GetService,
    get_account: GetAccountServices,
    *,
    prefix: str = "",
    exempt_paths: Iterable[str] = (),
) -> Callable[..., Awaitable[None]]:
    """A router-level guard for routers that also hold public or exempt routes.

    It reads the bearer token itself and stays silent when there is none or
    it is not valid: the route's own authentication then answers (401 for a
    protected route, nothing for ``/register``). Only a valid token of a user
    who must enrol is refused, except on ``exempt_paths`` (route paths below
    the API ``prefix``, such as ``/me``; FastAPI reports a route's path with
    or without the prefix depending on its version, so both are accepted).
    Reading the header directly keeps this guard out of the OpenAPI schema.
    """
    exempt = frozenset(exempt_paths)

    async def guard(
        request: Request,
        tokens: Annotated[TokenService, Depends(get_service)],
        account: Annotated[AccountServices, Depends(get_account)],
    ) -> None:
        path = str(getattr(request.scope.get("route"), "path", ""))
        if path in exempt or (prefix and path.removeprefix(prefix) in exempt):
            return
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return
        try:
            claims = tokens.verify(token.strip())
            context = tokens.cached_context(claims)
            if context is None:
                context = await run_in_threadpool(tokens.check_session, claims)
        except AuthgateError:
            return  # the route's own authentication gives the proper answer
        refuse_unless_enrolled(account.mfa, context.user)

    return guard
