"""Authorization server metadata (RFC 8414) at ``/.well-known/oauth-authorization-server``.

Served at the root path, like the JWKS, where clients that discover a server
from its issuer look. The endpoint URLs are absolute: under the issuer
(``AUTHGATE_JWT_ISSUER``) when it is an http(s) URL, which is what to
configure in production, since the document's ``issuer`` then names the
server it is served from and matches the ``iss`` of every token, as RFC 8414
and RFC 9068 ask; otherwise under the URL the request came to.
"""

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request, Response

from authgate.api.routers.jwks import JWKS_PATH
from authgate.api.schemas_oauth import AuthorizationServerMetadata
from authgate.api.security import GetAuth
from authgate.root import Authgate

__all__ = ["METADATA_PATH", "build_oauth_metadata_router"]

METADATA_PATH = "/.well-known/oauth-authorization-server"
# The document changes only with the configuration.
_CACHE_SECONDS = 3600
_CLIENT_AUTH = ["client_secret_basic", "client_secret_post"]


def build_oauth_metadata_router(get_auth: GetAuth, *, prefix: str) -> APIRouter:
    """The metadata route; ``prefix`` is where the API's own routes are."""
    router = APIRouter(tags=["oauth"])

    @router.get(METADATA_PATH, response_model=AuthorizationServerMetadata)
    async def metadata(
        request: Request, response: Response, auth: Annotated[Authgate, Depends(get_auth)]
    ) -> AuthorizationServerMetadata:
        """Where the token, revocation and introspection endpoints and the keys are."""
        response.headers["Cache-Control"] = f"public, max-age={_CACHE_SECONDS}"
        issuer = auth.tokens.issuer
        base = issuer if _is_http_url(issuer) else str(request.base_url)
        base = base.rstrip("/")
        api = base + prefix
        return AuthorizationServerMetadata(
            issuer=issuer,
            token_endpoint=f"{api}/token",
            revocation_endpoint=f"{api}/revoke",
            introspection_endpoint=f"{api}/introspect",
            jwks_uri=base + JWKS_PATH,
            grant_types_supported=["password", "refresh_token"],
            response_types_supported=[],
            token_endpoint_auth_methods_supported=["none", *_CLIENT_AUTH],
            revocation_endpoint_auth_methods_supported=["none", *_CLIENT_AUTH],
            introspection_endpoint_auth_methods_supported=_CLIENT_AUTH,
            service_documentation=f"{api}/docs",
        )

    return router


def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
