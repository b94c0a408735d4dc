"""The public keys, at ``/.well-known/jwks.json``, for services that verify tokens."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from authgate.api.schemas import JwksResponse
from authgate.api.security import GetAuth
from authgate.root import Authgate

__all__ = ["JWKS_PATH", "build_jwks_router"]

JWKS_PATH = "/.well-known/jwks.json"
# Short enough that a rotated key reaches every verifier well within the
# lifetime of the tokens the old key signed.
_CACHE_SECONDS = 300


def build_jwks_router(get_auth: GetAuth) -> APIRouter:
    router = APIRouter(tags=["keys"])

    @router.get(JWKS_PATH, response_model=JwksResponse)
    async def jwks(
        response: Response, auth: Annotated[Authgate, Depends(get_auth)]
    ) -> JwksResponse:
        """The JSON Web Key Set: the current signing key first, then previous keys."""
        response.headers["Cache-Control"] = f"public, max-age={_CACHE_SECONDS}"
        return JwksResponse.model_validate(auth.tokens.jwks())

    return router
