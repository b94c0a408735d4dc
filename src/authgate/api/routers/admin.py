"""Admin-only user management: list, create, edit roles, disable, unlock, reset MFA, delete.

Every route needs an access token of a user with the ``admin`` role (else 403
``permission_denied``) who has enrolled MFA if their role requires it. Every
change passes the admin's id as ``actor_id``, so its audit row names the
admin. An admin cannot disable or delete their own account, nor take away
their own ``admin`` role (409 ``self_lockout``): that is how the last admin
of a deployment gets locked out.

No ``from __future__ import annotations``: FastAPI reads the ``Annotated``
aliases defined inside the factory at runtime.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response, status

from authgate.api._password_pool import PasswordWorkPool
from authgate.api.errors import ApiError, error_responses
from authgate.api.mfa_guard import refuse_unless_enrolled
from authgate.api.routers.account import register_from
from authgate.api.schemas_admin import (
    MAX_ID,
    AdminUserOut,
    CreateUserRequest,
    SessionsEnded,
    SetPasswordRequest,
    UserPatch,
    UserSort,
)
from authgate.api.security import GetAuth, build_authenticate
from authgate.core.accounts.service import AccountService
from authgate.core.records import AuthUser
from authgate.core.tokens.service import TokenContext
from authgate.errors import PermissionDenied, UserNotFound
from authgate.root import Authgate

__all__ = ["ADMIN_ROLE", "SELF_LOCKOUT", "UserId", "build_admin_router", "build_require_admin"]

ADMIN_ROLE = "admin"
SELF_LOCKOUT = "self_lockout"
_SORT_SCAN_LIMIT = 10_000
_SCAN_PAGE = 1000

UserId = Annotated[int, Path(ge=1, le=MAX_ID, description="A user id.")]
_ADMIN_ERRORS = error_responses(401, 403, 404, 503)


def build_require_admin(
    get_auth: GetAuth, *, token_url: str
) -> Callable[..., Awaitable[TokenContext]]:
    """A dependency giving the caller's context when they are an (MFA-enrolled) admin."""
    authenticate = build_authenticate(get_auth, token_url)

    async def require_admin(
        caller: Annotated[TokenContext, Depends(authenticate)],
        auth: Annotated[Authgate, Depends(get_auth)],
    ) -> TokenContext:
        if not caller.user.has_role(ADMIN_ROLE):
            raise PermissionDenied("This needs the admin role.")
        refuse_unless_enrolled(auth.mfa, caller.user)
        return caller

    return require_admin


def build_admin_router(
    get_auth: GetAuth, *, token_url: str, password_pool: PasswordWorkPool | None = None
) -> APIRouter:
    """The ``/admin/users`` routes; password hashing runs in ``password_pool``."""
    router = APIRouter(prefix="/admin/users", tags=["admin"])
    pool = password_pool or PasswordWorkPool()
    Auth = Annotated[Authgate, Depends(get_auth)]
    require_admin = build_require_admin(get_auth, token_url=token_url)
    Admin = Annotated[TokenContext, Depends(require_admin)]

    @router.get("", response_model=list[AdminUserOut], responses=_ADMIN_ERRORS)
    def list_users(
        admin: Admin,
        auth: Auth,
        search: Annotated[str | None, Query(max_length=100)] = None,
        sort: UserSort = "username",
        order: Literal["asc", "desc"] = "asc",
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> list[AdminUserOut]:
        """Users matching ``search`` (username, email or display name), sorted and paged.

        A page shorter than ``limit`` is the last. Sorting by anything but
        ascending username sorts the first 10,000 matches in memory: enough
        for an admin panel, not for a user export.
        """
        accounts = auth.accounts
        if sort == "username" and order == "asc":
            users = accounts.list_users(search=search, limit=limit, offset=offset)
        else:
            users = _sorted(_all_matching(accounts, search), sort, descending=order == "desc")
            users = users[offset : offset + limit]
        return [_admin_view(auth, user) for user in users]

    @router.post(
        "",
        status_code=status.HTTP_201_CREATED,
        response_model=AdminUserOut,
        responses=error_responses(401, 403, 409, 503),
    )
    async def create_user(body: CreateUserRequest, admin: Admin, auth: Auth) -> AdminUserOut:
        """Create an account with chosen roles; by default its password is temporary."""
        user = await register_from(
            pool,
            auth,
            body,
            roles=body.roles,
            actor_id=admin.user.id,
            must_change_password=body.must_change_password,
        )
        return _admin_view(auth, user)

    @router.get("/{user_id}", response_model=AdminUserOut, responses=_ADMIN_ERRORS)
    def get_user(user_id: UserId, admin: Admin, auth: Auth) -> AdminUserOut:
        """One user with their lockout state."""
        return _admin_view(auth, _existing(auth.accounts, user_id))

    @router.patch(
        "/{user_id}",
        response_model=AdminUserOut,
        responses=error_responses(401, 403, 404, 409, 503),
    )
    def update_user(body: UserPatch, user_id: UserId, admin: Admin, auth: Auth) -> AdminUserOut:
        """Replace the user's roles (their sessions see the change at once)."""
        user = _existing(auth.accounts, user_id)
        if body.roles is not None:
            roles = {role.strip().lower() for role in body.roles}
            if user_id == admin.user.id and ADMIN_ROLE not in roles:
                raise _self_lockout()
            user = auth.accounts.set_roles(user_id, body.roles, actor_id=admin.user.id)
        return _admin_view(auth, user)

    @router.post(
        "/{user_id}/disable",
        response_model=AdminUserOut,
        responses=error_responses(401, 403, 404, 409, 503),
    )
    def disable_user(user_id: UserId, admin: Admin, auth: Auth) -> AdminUserOut:
        """Disable the account; all its sessions (and their tokens) end at once."""
        if user_id == admin.user.id:
            raise _self_lockout()
        user = auth.accounts.set_active(user_id, False, actor_id=admin.user.id)
        return _admin_view(auth, user)

    @router.post("/{user_id}/enable", response_model=AdminUserOut, responses=_ADMIN_ERRORS)
    def enable_user(user_id: UserId, admin: Admin, auth: Auth) -> AdminUserOut:
        """Enable a disabled account again."""
        user = auth.accounts.set_active(user_id, True, actor_id=admin.user.id)
        return _admin_view(auth, user)

    @router.post("/{user_id}/unlock", response_model=AdminUserOut, responses=_ADMIN_ERRORS)
    def unlock_user(user_id: UserId, admin: Admin, auth: Auth) -> AdminUserOut:
        """Clear the failed-attempt counter and any lockout."""
        auth.accounts.unlock_user(user_id, actor_id=admin.user.id)
        return _admin_view(auth, _existing(auth.accounts, user_id))

    @router.post("/{user_id}/reset-mfa", response_model=AdminUserOut, responses=_ADMIN_ERRORS)
    def reset_mfa(user_id: UserId, admin: Admin, auth: Auth) -> AdminUserOut:
        """Remove the user's second factor and recovery codes (they can enrol again)."""
        auth.mfa.admin_reset_mfa(user_id, actor_id=admin.user.id)
        return _admin_view(auth, _existing(auth.accounts, user_id))

    @router.post("/{user_id}/verify-email", response_model=AdminUserOut, responses=_ADMIN_ERRORS)
    def verify_email(user_id: UserId, admin: Admin, auth: Auth) -> AdminUserOut:
        """Vouch for the user's address (for deployments without mail)."""
        user = auth.verification.mark_email_verified(user_id, actor_id=admin.user.id)
        return _admin_view(auth, user)

    @router.post("/{user_id}/set-password", response_model=SessionsEnded, responses=_ADMIN_ERRORS)
    async def set_password(
        body: SetPasswordRequest, user_id: UserId, admin: Admin, auth: Auth
    ) -> SessionsEnded:
        """Set a password (by default temporary: changed at next login); all sessions end."""
        ended = await pool.run(
            auth.accounts.set_password,
            user_id,
            body.password,
            actor_id=admin.user.id,
            must_change=body.must_change,
        )
        return SessionsEnded(sessions_ended=ended)

    @router.delete(
        "/{user_id}",
        status_code=status.HTTP_204_NO_CONTENT,
        responses=error_responses(401, 403, 404, 409, 503),
    )
    def delete_user(user_id: UserId, admin: Admin, auth: Auth) -> Response:
        """Delete the account with its sessions and tokens; its audit history stays."""
        if user_id == admin.user.id:
            raise _self_lockout()
        auth.accounts.delete_user(user_id, actor_id=admin.user.id)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    return router


def _existing(accounts: AccountService, user_id: int) -> AuthUser:
    user = accounts.get_user(user_id)
    if user is None:
        raise UserNotFound()
    return user


def _admin_view(auth: Authgate, user: AuthUser) -> AdminUserOut:
    lockout = auth.accounts.lockout_status(user.id)
    return AdminUserOut.of_admin(user, lockout, now=auth.clock.now())


def _all_matching(accounts: AccountService, search: str | None) -> list[AuthUser]:
    users: list[AuthUser] = []
    while len(users) < _SORT_SCAN_LIMIT:
        page = accounts.list_users(search=search, limit=_SCAN_PAGE, offset=len(users))
        users.extend(page)
        if len(page) < _SCAN_PAGE:
            break
    return users


def _sorted(users: list[AuthUser], sort: UserSort, *, descending: bool) -> list[AuthUser]:
    """Sort on one column; empty values (no email, never logged in) always come last."""
    present = [u for u in users if getattr(u, sort) is not None]
    missing = [u for u in users if getattr(u, sort) is None]
    present.sort(key=lambda u: _sort_key(getattr(u, sort)), reverse=descending)
    return present + missing


def _sort_key(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _self_lockout() -> ApiError:
    return ApiError(
        409,
        SELF_LOCKOUT,
        "You cannot disable or delete your own account, or remove your own admin role.",
    )
