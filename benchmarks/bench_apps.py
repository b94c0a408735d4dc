"""The other apps the API benchmark runs: an empty FastAPI endpoint (the ceiling)
and a downstream service that verifies authgate tokens with the public key alone.

Started by ``bench_api.py`` as ``uvicorn bench_apps:<name> --factory``. No
``from __future__ import annotations``: FastAPI reads the route annotations at runtime.
"""

import os
from typing import Annotated, Any

from fastapi import Depends, FastAPI

from authgate.api.dependencies import AccessClaims, TokenAuth


def empty_app() -> FastAPI:
    app = FastAPI()

    @app.get("/empty")
    async def empty() -> dict[str, Any]:
        return {}

    return app


def downstream_app() -> FastAPI:
    """Local verification only: JWKS fetched once from the authgate server, then cached."""
    auth = TokenAuth.from_jwks(os.environ["BENCH_JWKS_URL"])
    app = FastAPI()

    @app.get("/orders")
    async def orders(user: Annotated[AccessClaims, Depends(auth.current_user)]) -> dict[str, Any]:
        return {"user_id": user.user_id}

    return app
