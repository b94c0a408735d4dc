"""``create_api``: the JSON auth API as one FastAPI application.

The app holds its ``Authgate`` (the composition root) on ``app.state``; every
route reaches it through the single ``get_auth`` dependency, so tests (and
embedders) swap it with ``app.dependency_overrides[get_auth]``, and every
service a route uses (tokens, accounts, MFA, recovery, audit) moves with it.
There is no module-level service: two apps in one process (tests, a mounted
copy) never share state.
"""

from __future__ import annotations

from fastapi import Depends, FastAPI, Request

from authgate.api._password_pool import PasswordWorkPool
from authgate.api.docs import install_offline_docs
from authgate.api.errors import install_error_handlers
from authgate.api.mfa_guard import build_mfa_enrollment_guard
from authgate.api.request_body import BodySizeLimit, DuplicateJsonKeys, document_body_limit
from authgate.api.routers import (
    build_account_router,
    build_auth_router,
    build_health_router,
    build_jwks_router,
    build_sessions_router,
)
from authgate.api.routers.admin import build_admin_router
from authgate.api.routers.admin_activity import build_admin_activity_router
from authgate.api.routers.admin_passkeys import build_admin_passkeys_router
from authgate.api.routers.gate import build_gate_router
from authgate.api.routers.mfa import build_mfa_router
from authgate.api.routers.oauth import build_oauth_router
from authgate.api.routers.oauth_metadata import build_oauth_metadata_router
from authgate.api.routers.passkeys import build_passkeys_router
from authgate.api.routers.recovery import build_recovery_router
from authgate.api.routers.visitors import build_visitors_router
from authgate.api.security import PROXIES_STATE_KEY
from authgate.config import AuthgateSettings
from authgate.proxies import TrustedProxies
from authgate.root import Authgate

__all__ = ["create_api", "get_auth"]

_STATE_KEY = "authgate"


async def get_auth(request: Request) -> Authgate:
    """The app's ``Authgate``: its ``.tokens``, ``.accounts``, ``.mfa`` and the rest.

    ``async`` on purpose: FastAPI runs sync dependencies in the thread pool,
    and a lookup this cheap should not pay for a thread hop on every request.
    """
    auth: Authgate = getattr(request.app.state, _STATE_KEY)
    return auth


def create_api(auth: Authgate, *, settings: AuthgateSettings | None = None) -> FastAPI:
    """Build the API around ``auth``; raises ConfigurationError without signing keys.

    ``settings`` defaults to the root's own; only ``api_prefix`` and
    ``max_request_body`` are read here (the token settings belong to
    ``auth.tokens``). The token service is built
    now rather than on the first request, so a production deployment without
    signing keys fails at start-up, not at its first login.
    """
    settings = settings or auth.settings
    auth.tokens  # noqa: B018 - built eagerly for its ConfigurationError
    prefix = settings.api_prefix
    token_url = f"{prefix}/token"
    pool = PasswordWorkPool()
    # Users whose role requires MFA and who have not enrolled get 403
    # mfa_enrollment_required everywhere but /me, /logout and the MFA routes.
    enrolled = [Depends(build_mfa_enrollment_guard(get_auth, prefix=prefix, exempt_paths=["/me"]))]

    app = FastAPI(
        title="authgate",
        summary="Authentication API: JWT access tokens with rotating refresh tokens.",
        version=_version(),
        openapi_url=f"{prefix}/openapi.json",
        docs_url=None,  # install_offline_docs serves it without a CDN
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    install_offline_docs(app, prefix=prefix)
    setattr(app.state, _STATE_KEY, auth)
    setattr(app.state, PROXIES_STATE_KEY, TrustedProxies.of(settings.trusted_proxies))
    install_error_handlers(app)
    # The last added runs first: the size limit bounds what the duplicate-key
    # check buffers, and both answer before any route reads a body.
    app.add_middleware(DuplicateJsonKeys)
    app.add_middleware(BodySizeLimit, max_body=settings.max_request_body)
    document_body_limit(app, max_body=settings.max_request_body)
    app.include_router(
        build_auth_router(get_auth, token_url=token_url, password_pool=pool), prefix=prefix
    )
    app.include_router(
        build_oauth_router(get_auth, token_url=token_url, password_pool=pool), prefix=prefix
    )
    app.include_router(
        build_account_router(get_auth, token_url=token_url, password_pool=pool),
        prefix=prefix,
        dependencies=enrolled,
    )
    app.include_router(
        build_sessions_router(get_auth, token_url=token_url),
        prefix=prefix,
        dependencies=enrolled,
    )
    for build in (build_mfa_router, build_recovery_router, build_admin_router):
        app.include_router(build(get_auth, token_url=token_url, password_pool=pool), prefix=prefix)
    app.include_router(build_admin_activity_router(get_auth, token_url=token_url), prefix=prefix)
    app.include_router(
        build_gate_router(get_auth, token_url=token_url, password_pool=pool), prefix=prefix
    )
    app.include_router(build_visitors_router(get_auth), prefix=prefix)
    for build_passkeys in (build_passkeys_router, build_admin_passkeys_router):
        app.include_router(build_passkeys(get_auth, token_url=token_url), prefix=prefix)
    app.include_router(build_health_router(get_auth), prefix=prefix)
    app.include_router(build_jwks_router(get_auth))
    app.include_router(build_oauth_metadata_router(get_auth, prefix=prefix))
    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("authgate")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0"
