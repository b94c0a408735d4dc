"""Admin-only passkey management: see a user's passkeys, remove one (a lost device).

The same admin requirement as ``/admin/users`` (``build_require_admin``); the
removal's audit row names the admin (``actor_id``) and says ``by_admin``.

No ``from __future__ import annotations``: FastAPI reads the ``Annotated``
aliases defined inside the factory at runtime.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response, status

from authgate.api.errors import error_responses
from authgate.api.routers.admin import UserId, build_require_admin
from authgate.api.schemas_admin import MAX_ID
from authgate.api.schemas_passkeys import PasskeyOut
from authgate.api.security import GetAuth
from authgate.core.tokens.service import TokenContext
from authgate.root import Authgate

__all__ = ["PasskeyId", "build_admin_passkeys_router"]

PasskeyId = Annotated[int, Path(ge=1, le=MAX_ID, description="A passkey id.")]


def build_admin_passkeys_router(get_auth: GetAuth, *, token_url: str) -> APIRouter:
    """``GET``/``DELETE /admin/users/{user_id}/passkeys[/{passkey_id}]``."""
    router = APIRouter(prefix="/admin/users", tags=["admin"])
    Auth = Annotated[Authgate, Depends(get_auth)]
    Admin = Annotated[TokenContext, Depends(build_require_admin(get_auth, token_url=token_url))]

    @router.get(
        "/{user_id}/passkeys",
        response_model=list[PasskeyOut],
        responses=error_responses(401, 403, 503),
    )
    def list_user_passkeys(user_id: UserId, admin: Admin, auth: Auth) -> list[PasskeyOut]:
        """A user's passkeys (names, dates, backup flags; never a key)."""
        return [PasskeyOut.of(p) for p in auth.passkeys.list(user_id)]

    @router.delete(
        "/{user_id}/passkeys/{passkey_id}",
        status_code=status.HTTP_204_NO_CONTENT,
        responses=error_responses(401, 403, 404, 503),
    )
    def remove_user_passkey(
        user_id: UserId, passkey_id: PasskeyId, admin: Admin, auth: Auth
    ) -> Response:
        """Remove a user's passkey, for example one on a lost device (404 when there is none)."""
        auth.passkeys.admin_remove(user_id, passkey_id, actor_id=admin.user.id)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    return router
