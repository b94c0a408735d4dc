"""``RemoteBackend``'s MFA, recovery and admin methods against a real API server."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyotp
import pytest

from api_server import ApiServer
from authgate import errors as e
from authgate.streamlit.admin_records import AuditQuery
from authgate.streamlit.remote_backend import RemoteBackend

PASSWORD = "correct horse battery staple"
_names = itertools.count(1)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    server = ApiServer(tmp_path_factory.mktemp("remote-mfa-api"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def backend(api: ApiServer) -> Iterator[RemoteBackend]:
    remote = RemoteBackend(api.url)
    yield remote
    remote.close()


def _user(api: ApiServer, *roles: str) -> tuple[int, str]:
    name = f"rmfa{next(_names)}"
    return api.add_user(name, PASSWORD, *roles, email=f"{name}@example.com"), name


def test_enrol_then_log_in_with_a_code(api: ApiServer, backend: RemoteBackend) -> None:
    user_id, name = _user(api)
    context = backend.login(name, PASSWORD)
    assert backend.mfa_status(user_id).enabled is False
    enrollment = backend.begin_mfa_enrollment(user_id)
    assert enrollment.qr_png.startswith(b"\x89PNG")
    codes = backend.confirm_mfa_enrollment(user_id, pyotp.TOTP(enrollment.secret).now())
    assert len(codes) == 10
    assert backend.mfa_status(user_id).recovery_codes_left == 10
    backend.logout(context.session.id)

    with pytest.raises(e.MfaRequired) as raised:
        backend.login(name, PASSWORD)
    ticket = raised.value.ticket
    assert ticket
    with pytest.raises(e.MfaInvalidCode):
        backend.complete_mfa_login(ticket, "000000")
    code = pyotp.TOTP(enrollment.secret).at(time.time() + 30)
    second = backend.complete_mfa_login(ticket, code)
    assert second.user.id == user_id and second.session.mfa

    with pytest.raises(e.MfaRequired) as again:
        backend.login(name, PASSWORD)
    assert again.value.ticket
    third = backend.complete_mfa_login(again.value.ticket, codes[0])
    assert third.user.id == user_id
    assert backend.mfa_status(user_id).recovery_codes_left == 9


def test_an_mfa_login_is_one_request_per_step_and_the_redeem(api: ApiServer) -> None:
    """The MFA step answers like a login (session, pair, cookie ticket): no extra requests."""
    calls: list[str] = []

    def record(request: httpx.Request) -> None:
        calls.append(f"{request.method} {request.url.path.removeprefix('/api/auth')}")

    client = httpx.Client(timeout=5, event_hooks={"request": [record]})
    backend = RemoteBackend(api.url, client=client)
    try:
        user_id, name = _user(api)
        context = backend.login(name, PASSWORD)
        enrollment = backend.begin_mfa_enrollment(user_id)
        backend.confirm_mfa_enrollment(user_id, pyotp.TOTP(enrollment.secret).now())
        backend.logout(context.session.id)
        calls.clear()
        with pytest.raises(e.MfaRequired) as raised:
            backend.login(name, PASSWORD)
        assert calls == ["POST /session/login"] and raised.value.ticket
        code = pyotp.TOTP(enrollment.secret).at(time.time() + 30)
        second = backend.complete_mfa_login(raised.value.ticket, code)
        token, redeemed = backend.redeem_cookie_ticket(
            backend.issue_cookie_ticket(second.session.id)
        )
        assert calls == [
            "POST /session/login",
            "POST /session/login/mfa",
            "POST /session-tickets/redeem",
        ]
        assert token and redeemed.session.id == second.session.id and second.session.mfa
    finally:
        client.close()


def test_the_mfa_policy_is_the_servers(tmp_path: Path) -> None:
    """The server's MFA rule holds a user on enrolment, whatever the gate's own settings."""
    server = ApiServer(tmp_path, mfa_required_roles=("admin",)).start()
    backend = RemoteBackend(server.url)
    try:
        root_id = server.add_user("root", PASSWORD, "user", "admin")
        server.add_user("plain", PASSWORD)
        root = backend.login("root", PASSWORD)
        plain = backend.login("plain", PASSWORD)
        assert backend.mfa_enrollment_required(root.user) is True
        assert backend.mfa_enrollment_required(plain.user) is False
        enrollment = backend.begin_mfa_enrollment(root_id)
        backend.confirm_mfa_enrollment(root_id, pyotp.TOTP(enrollment.secret).now())
        enrolled = backend.validate_session_id(root.session.id).user
        assert enrolled.mfa_enabled and backend.mfa_enrollment_required(enrolled) is False
    finally:
        backend.close()
        server.stop()


def test_admin_methods_go_through_the_api(
    api: ApiServer, backend: RemoteBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin_id, admin = _user(api, "admin", "user")
    target_id, target = _user(api)
    backend.login(target, PASSWORD)
    session = backend.login(admin, PASSWORD)

    monkeypatch.setattr(
        "authgate.streamlit.remote_backend._tab_session_id", lambda: session.session.id
    )
    rows = {r.user.username: r for r in backend.admin_list_users(search="rmfa")}
    assert {admin, target} <= set(rows)
    assert rows[target].failed_attempts == 0
    user = backend.admin_set_roles(target_id, ["user", "staff"], actor_id=admin_id)
    assert user.roles == {"user", "staff"}
    sessions = [s for s in backend.admin_list_sessions() if s.username == target]
    assert sessions
    assert backend.admin_revoke_user_sessions(target_id, actor_id=admin_id) >= 1
    assert backend.admin_set_active(target_id, False, actor_id=admin_id).is_active is False
    backend.admin_unlock(target_id, actor_id=admin_id)
    backend.admin_reset_mfa(target_id, actor_id=admin_id)
    backend.admin_set_password(target_id, "temporary-pass-2026-x", actor_id=admin_id)
    events = backend.admin_audit(AuditQuery(user_id=target_id))
    assert "user.disabled" in {ev.event_type for ev in events}
    assert backend.admin_audit(AuditQuery(user_id=target_id, offset=1)) == events[1:]
    assert all(ev.actor_id == admin_id for ev in events if ev.event_type == "user.disabled")
    backend.admin_delete_user(target_id, actor_id=admin_id)
    assert target not in {r.user.username for r in backend.admin_list_users(search=target)}
    created = backend.admin_create_user(
        f"{admin}-new",
        "first-day-password-1",
        email=None,
        display_name="New Person",
        roles=["user", "staff"],
        actor_id=admin_id,
    )
    assert created.roles == {"user", "staff"} and created.must_change_password
    with pytest.raises(e.UsernameTaken):
        backend.admin_create_user(
            f"{admin}-new",
            "first-day-password-1",
            email=None,
            display_name=None,
            roles=["user"],
            actor_id=admin_id,
        )


def test_reset_token_errors_are_typed(backend: RemoteBackend) -> None:
    with pytest.raises(e.InvalidToken):
        backend.inspect_reset_token("not-a-real-token")
    with pytest.raises(e.InvalidToken):
        backend.reset_password("", "whatever-password-1")
