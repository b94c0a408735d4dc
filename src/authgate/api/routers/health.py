"""Liveness and readiness: 200 when the store answers, 503 when it does not."""

from typing import Annotated

from fastapi import APIRouter, Depends

from authgate.api.errors import error_responses
from authgate.api.schemas import HealthResponse
from authgate.api.security import GetService
from authgate.core.errors import StoreUnavailable
from authgate.core.token_service import TokenService

__all__ = ["build_health_router"]


def build_health_router(get_service: GetService) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/health", response_model=HealthResponse, responses=error_responses(503))
    def health(tokens: Annotated[TokenService, Depends(get_service)]) -> HealthResponse:
        """A trivial database query; for load balancers and orchestrators."""
        if not tokens.service.health():
            raise StoreUnavailable()
        return HealthResponse()

    return router
