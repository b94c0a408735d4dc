"""The caller's own sessions: list them, end one."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response, status

from authgate.api.errors import ApiError, error_responses
from authgate.api.schemas import SessionOut
from authgate.api.security import GetAuth, build_authenticate
from authgate.core.tokens.service import TokenContext
from authgate.root import Authgate

__all__ = ["build_sessions_router"]

SessionId = Annotated[str, Path(min_length=1, max_length=64, description="A session id.")]


def build_sessions_router(get_auth: GetAuth, *, token_url: str) -> APIRouter:
    router = APIRouter(prefix="/sessions", tags=["sessions"])
    Auth = Annotated[Authgate, Depends(get_auth)]
    Caller = Annotated[TokenContext, Depends(build_authenticate(get_auth, token_url))]

    @router.get("", response_model=list[SessionOut], responses=error_responses(401, 503))
    def list_sessions(caller: Caller, auth: Auth) -> list[SessionOut]:
        """The caller's live sessions (browser and API alike), most recently used first."""
        records = auth.sessions.list_for(caller.user.id)
        return [SessionOut.of(r, current_id=caller.claims.sid) for r in records]

    @router.delete(
        "/{session_id}",
        status_code=status.HTTP_204_NO_CONTENT,
        responses=error_responses(401, 404, 503),
    )
    def revoke_session(session_id: SessionId, caller: Caller, auth: Auth) -> Response:
        """End one of the caller's own sessions; another user's id is "not found"."""
        ended = auth.sessions.revoke(
            session_id, user_id=caller.user.id, actor_id=caller.user.id, reason="user"
        )
        if not ended:
            raise ApiError(404, "session_not_found", "No such session.")
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    return router
