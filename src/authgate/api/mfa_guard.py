"""The API's answer to users whose role requires MFA they have not enrolled: 403 until they do.

Whether a user must enrol is core's rule (``MfaService.mfa_enrollment_required``);
this module only turns its answer into the API's 403, either inside a route
(``refuse_unless_enrolled``) or as a router-level guard for routers that also
hold public or exempt routes (``build_mfa_enrollment_guard``). It is shared by
the routers of several topics and by ``create_api``.

No ``from __future__ import annotations``: FastAPI reads the ``guard``
dependency's annotations at runtime.
"""

from collections.abc import Awaitable, Callable, Iterable
from typing import Annotated

from fastapi import Depends, Request

from authgate.api.errors import ApiError
from authgate.api.security import GetAuth, context_of
from authgate.core.mfa.service import MfaService
from authgate.core.records import AuthUser
from authgate.errors import AuthgateError
from authgate.root import Authgate

__all__ = ["MFA_ENROLLMENT_REQUIRED", "build_mfa_enrollment_guard", "refuse_unless_enrolled"]

MFA_ENROLLMENT_REQUIRED = "mfa_enrollment_required"


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
    get_auth: GetAuth, *, prefix: str = "", exempt_paths: Iterable[str] = ()
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

    async def guard(request: Request, auth: Annotated[Authgate, Depends(get_auth)]) -> None:
        path = str(getattr(request.scope.get("route"), "path", ""))
        if path in exempt or (prefix and path.removeprefix(prefix) in exempt):
            return
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return
        try:
            context = await context_of(auth.tokens, token.strip())
        except AuthgateError:
            return  # the route's own authentication gives the proper answer
        refuse_unless_enrolled(auth.mfa, context.user)

    return guard
