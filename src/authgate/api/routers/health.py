"""Liveness and readiness: 200 when the store answers, 503 when it does not."""

from typing import Annotated

from fastapi import APIRouter, Depends

from authgate.api.errors import error_responses
from authgate.api.schemas import HealthResponse
from authgate.api.security import GetAuth
from authgate.errors import StoreUnavailable
from authgate.root import Authgate

__all__ = ["build_health_router"]


def build_health_router(get_auth: GetAuth) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/health", response_model=HealthResponse, responses=error_responses(503))
    def health(auth: Annotated[Authgate, Depends(get_auth)]) -> HealthResponse:
        """A trivial database query; for load balancers and orchestrators."""
        if not auth.health():
            raise StoreUnavailable()
        return HealthResponse()

    return router
