"""One router per topic, each built by a ``build_<topic>_router(get_auth)`` factory."""

from authgate.api.routers.account import build_account_router
from authgate.api.routers.auth import build_auth_router
from authgate.api.routers.gate import build_gate_router
from authgate.api.routers.health import build_health_router
from authgate.api.routers.jwks import JWKS_PATH, build_jwks_router
from authgate.api.routers.sessions import build_sessions_router

__all__ = [
    "JWKS_PATH",
    "build_account_router",
    "build_auth_router",
    "build_gate_router",
    "build_health_router",
    "build_jwks_router",
    "build_sessions_router",
]
