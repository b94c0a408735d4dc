"""``RemoteBackend`` against a real authgate API server over HTTP (uvicorn on loopback)."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from e2e_helpers import free_port

from api_server import ApiServer
from authgate import errors as e
from authgate.streamlit.backend import AuthBackend
from authgate.streamlit.remote_backend import RemoteBackend

PASSWORD = "correct horse battery staple"
_names = itertools.count(1)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    server = ApiServer(
        tmp_path_factory.mktemp("remote-api"),
        access_token_ttl=timedelta(seconds=2),
        lockout_threshold=3,
    )
    server.start()
    yield server
    server.stop()


class Recorder:
    """Counts the requests a backend sends, by method and path."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> None:
        with self._lock:
            self.calls[f"{request.method} {request.url.path.removeprefix('/api/auth')}"] += 1


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def backend(api: ApiServer, recorder: Recorder) -> Iterator[RemoteBackend]:
    client = httpx.Client(timeout=5, event_hooks={"request": [recorder]})
    remote = RemoteBackend(api.url, client=client)
    yield remote
    client.close()


@pytest.fixture
def user(api: ApiServer) -> tuple[int, str]:
    """A fresh account per test: (id, username)."""
    name = f"user{next(_names)}"
    return api.add_user(name, PASSWORD, email=f"{name}@example.com"), name


def test_it_is_an_auth_backend(backend: RemoteBackend) -> None:
    assert isinstance(backend, AuthBackend)
    assert backend.state_version == 0
    assert backend.allow_registration is True
    assert backend.now().tzinfo is not None


def test_login_and_validate_by_id(backend: RemoteBackend, user: tuple[int, str]) -> None:
    user_id, name = user
    context = backend.login(name, PASSWORD, remember=True, user_agent="TestBrowser/1.0")
    assert context.user.id == user_id and context.user.username == name
    assert context.session.user_id == user_id and context.session.remember
    again = backend.validate_session_id(context.session.id)
    assert again.session.id == context.session.id
    assert again.user.email == f"{name}@example.com"


def test_client_address_is_not_taken_from_forwarded_headers(
    backend: RemoteBackend, user: tuple[int, str]
) -> None:
    context = backend.login(user[1], PASSWORD, ip="203.0.113.9", user_agent="TestBrowser/1.0")
    sessions = {s.id: s for s in backend.list_sessions(user[0])}
    mine = sessions[context.session.id]
    assert mine.user_agent == "TestBrowser/1.0"
    assert mine.ip == "127.0.0.1"  # the API was not told to trust this host as a proxy


def test_bad_credentials_and_lockout_map_to_core_errors(
    backend: RemoteBackend, user: tuple[int, str]
) -> None:
    with pytest.raises(e.InvalidCredentials) as wrong:
        backend.login(user[1], "not the password")
    assert wrong.value.message == e.InvalidCredentials.default_message
    for _ in range(3):
        with pytest.raises((e.InvalidCredentials, e.AccountLocked)):
            backend.login(user[1], "still not it")
    with pytest.raises(e.AccountLocked) as locked:
        backend.login(user[1], PASSWORD)
    assert locked.value.retry_after_seconds >= 1


def test_register_and_its_errors(backend: RemoteBackend) -> None:
    name = f"newcomer{next(_names)}"
    created = backend.register(name, PASSWORD, email=f"{name}@example.com", display_name="New")
    assert created.username == name and created.display_name == "New"
    with pytest.raises(e.UsernameTaken):
        backend.register(name, PASSWORD)
    with pytest.raises(e.WeakPassword) as weak:
        backend.register(f"other{next(_names)}", "short")
    assert weak.value.violations and all(v.message for v in weak.value.violations)
    with pytest.raises(e.InvalidUsername):
        backend.register("no spaces allowed!", PASSWORD)


def test_cookie_ticket_round_trip_and_a_reload(
    api: ApiServer, backend: RemoteBackend, user: tuple[int, str]
) -> None:
    context = backend.login(user[1], PASSWORD)
    ticket = backend.issue_cookie_ticket(context.session.id)
    token, redeemed = backend.redeem_cookie_ticket(ticket)
    assert redeemed.session.id == context.session.id
    with pytest.raises(e.TokenReused):
        backend.redeem_cookie_ticket(ticket)
    with pytest.raises(e.InvalidToken):
        backend.redeem_cookie_ticket("x" * 600)
    # A reload, served by another Streamlit replica that never saw this login.
    replica = RemoteBackend(api.url)
    try:
        resolved = replica.validate_session(token)
        assert resolved.session.id == context.session.id
        assert replica.validate_session_id(context.session.id).user.id == user[0]
    finally:
        replica.close()


@pytest.mark.parametrize("token", ["", "unknown-token", "z" * 513])
def test_validate_session_refuses_bad_cookies(backend: RemoteBackend, token: str) -> None:
    with pytest.raises(e.NotAuthenticated):
        backend.validate_session(token)


def test_an_unknown_session_id_is_not_authenticated(backend: RemoteBackend) -> None:
    with pytest.raises(e.NotAuthenticated):
        backend.validate_session_id("not-a-session-of-this-process")
    with pytest.raises(e.NotAuthenticated):
        backend.issue_cookie_ticket("not-a-session-of-this-process")
    assert backend.logout("not-a-session-of-this-process") is False


def test_access_token_is_refreshed_before_it_expires(
    backend: RemoteBackend, recorder: Recorder, user: tuple[int, str]
) -> None:
    sid = backend.login(user[1], PASSWORD).session.id
    backend.validate_session_id(sid)
    assert recorder.calls["POST /refresh"] == 0
    time.sleep(1.2)  # of the 2 s lifetime, less than half is left
    backend.validate_session_id(sid)
    assert recorder.calls["POST /refresh"] == 1
    time.sleep(2.2)  # past the first token's expiry altogether
    assert backend.validate_session_id(sid).session.id == sid
    assert recorder.calls["POST /refresh"] == 2


def test_concurrent_renewals_are_single_flight(
    backend: RemoteBackend, recorder: Recorder, user: tuple[int, str]
) -> None:
    sid = backend.login(user[1], PASSWORD).session.id
    time.sleep(1.2)
    failures: list[BaseException] = []

    def check() -> None:
        try:
            backend.validate_session_id(sid)
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=check) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert recorder.calls["POST /refresh"] == 1  # a second use would have ended the session
    assert backend.validate_session_id(sid).session.id == sid


def test_a_token_refused_early_is_renewed_once_and_retried(
    backend: RemoteBackend, recorder: Recorder, user: tuple[int, str]
) -> None:
    sid = backend.login(user[1], PASSWORD).session.id
    entry = backend.api.cache.get(sid)
    assert entry is not None
    entry.tokens = type(entry.tokens)(
        access_token="forged.access.token",
        refresh_token=entry.tokens.refresh_token,
        access_expires_at=entry.tokens.access_expires_at + 60,
        access_lifetime=120,
        refresh_expires_at=entry.tokens.refresh_expires_at,
    )
    assert backend.validate_session_id(sid).session.id == sid
    assert recorder.calls["POST /refresh"] == 1


def test_a_session_ended_elsewhere_is_seen(
    api: ApiServer, backend: RemoteBackend, user: tuple[int, str]
) -> None:
    sid = backend.login(user[1], PASSWORD).session.id
    api.service.sessions.revoke(sid, reason="admin")
    with pytest.raises(e.NotAuthenticated):
        backend.validate_session_id(sid)
    assert backend.api.cache.get(sid) is None
    sid = backend.login(user[1], PASSWORD).session.id
    api.service.sessions.revoke(sid, reason="admin")
    time.sleep(1.2)  # the next call must renew first, and the family died with the session
    with pytest.raises(e.NotAuthenticated):
        backend.validate_session_id(sid)


def test_logout_ends_the_session_and_the_cookie(
    backend: RemoteBackend, user: tuple[int, str]
) -> None:
    sid = backend.login(user[1], PASSWORD).session.id
    token, _ = backend.redeem_cookie_ticket(backend.issue_cookie_ticket(sid))
    version = backend.state_version
    assert backend.logout(sid) is True
    assert backend.state_version > version
    with pytest.raises(e.NotAuthenticated):
        backend.validate_session_id(sid)
    with pytest.raises(e.NotAuthenticated):
        backend.validate_session(token)
    assert backend.logout(sid) is False


def test_revoke_other_sessions(
    api: ApiServer, backend: RemoteBackend, user: tuple[int, str]
) -> None:
    user_id, name = user
    other = RemoteBackend(api.url)
    try:
        elsewhere = other.login(name, PASSWORD).session.id
        here = backend.login(name, PASSWORD).session.id
        assert backend.revoke_other_sessions(user_id, here) == 1
        with pytest.raises(e.NotAuthenticated):
            other.validate_session_id(elsewhere)
        assert [s.id for s in backend.list_sessions(user_id)] == [here]
    finally:
        other.close()


def test_change_password(api: ApiServer, backend: RemoteBackend, user: tuple[int, str]) -> None:
    user_id, name = user
    other = backend.login(name, PASSWORD).session.id
    here = backend.login(name, PASSWORD).session.id
    with pytest.raises(e.InvalidCredentials):
        backend.change_password(user_id, "wrong", "a much better passphrase", keep_session_id=here)
    with pytest.raises(e.WeakPassword):
        backend.change_password(user_id, PASSWORD, "short", keep_session_id=here)
    new = "an entirely new passphrase 2026"
    assert backend.change_password(user_id, PASSWORD, new, keep_session_id=here) == 1
    with pytest.raises(e.NotAuthenticated):
        backend.validate_session_id(other)
    assert backend.validate_session_id(here).user.id == user_id
    assert backend.login(name, new).user.id == user_id


def test_update_profile(api: ApiServer, backend: RemoteBackend, user: tuple[int, str]) -> None:
    user_id, name = user
    api.add_user(f"taken{user_id}", PASSWORD, email=f"taken{user_id}@example.com")
    backend.login(name, PASSWORD)
    updated = backend.update_profile(user_id, display_name="Renamed", email=None)
    assert (updated.display_name, updated.email) == ("Renamed", None)
    with pytest.raises(e.EmailTaken):
        backend.update_profile(user_id, display_name="Renamed", email=f"taken{user_id}@example.com")
    with pytest.raises(e.InvalidEmail):
        backend.update_profile(user_id, display_name="Renamed", email="nope")
    with pytest.raises(e.NotAuthenticated):
        backend.update_profile(10**9, display_name="Nobody", email=None)


def test_admin_calls_are_for_admins(
    api: ApiServer, backend: RemoteBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = f"admin{next(_names)}"
    api.add_user(admin, PASSWORD, "user", "admin")
    plain = f"plain{next(_names)}"
    api.add_user(plain, PASSWORD)
    admin_sid = backend.login(admin, PASSWORD).session.id
    plain_sid = backend.login(plain, PASSWORD).session.id
    with pytest.raises(e.NotAuthenticated):
        backend.admin_list_users()  # no tab, no session: nobody to act as
    tab = "authgate.streamlit.remote_backend._tab_session_id"
    monkeypatch.setattr(tab, lambda: admin_sid)
    names = {row.user.username for row in backend.admin_list_users(limit=500)}
    assert {admin, plain} <= names
    monkeypatch.setattr(tab, lambda: plain_sid)
    with pytest.raises(e.PermissionDenied):
        backend.admin_list_users()


# -- round trips: a login is the login request and the browser's redeem ------------------


def test_a_login_costs_two_round_trips(
    backend: RemoteBackend, recorder: Recorder, user: tuple[int, str]
) -> None:
    """``/login``, ``GET /session``, ``/session-tickets`` and the redeem were four."""
    context = backend.login(user[1], PASSWORD, remember=True)
    ticket = backend.issue_cookie_ticket(context.session.id)
    token, redeemed = backend.redeem_cookie_ticket(ticket)
    assert recorder.calls == Counter({"POST /session/login": 1, "POST /session-tickets/redeem": 1})
    assert redeemed.session.id == context.session.id and context.session.remember
    assert context.user.id == user[0]
    # The pair came with the login: the tab acts for the user with no more requests to log in.
    assert backend.validate_session_id(context.session.id).session.id == context.session.id
    # The login's ticket is handed out once; a later cookie sync asks the API for a new one.
    again = backend.issue_cookie_ticket(context.session.id)
    assert again != ticket and recorder.calls["POST /session-tickets"] == 1
    assert backend.redeem_cookie_ticket(again)[1].session.id == context.session.id
    with pytest.raises(e.TokenReused):
        backend.redeem_cookie_ticket(ticket)
    assert token


def test_failed_logins_cost_one_round_trip(
    backend: RemoteBackend, recorder: Recorder, user: tuple[int, str]
) -> None:
    with pytest.raises(e.InvalidCredentials):
        backend.login(user[1], "not the password")
    assert recorder.calls == Counter({"POST /session/login": 1})


def test_password_strength(backend: RemoteBackend) -> None:
    weak = backend.password_strength("password1", username="alice")
    strong = backend.password_strength("violet-kayak-sextant-93-marmalade" * 200)
    assert weak.score < strong.score == 4
    assert isinstance(weak.suggestions, tuple)


def test_api_down_is_store_unavailable() -> None:
    remote = RemoteBackend(f"http://127.0.0.1:{free_port()}", timeout=2)
    try:
        with pytest.raises(e.StoreUnavailable):
            remote.login("anyone", PASSWORD)
        with pytest.raises(e.StoreUnavailable):
            remote.validate_session("some-cookie-token")
    finally:
        remote.close()


def test_a_server_that_stops_is_store_unavailable(tmp_path: Path) -> None:
    server = ApiServer(tmp_path).start()
    server.add_user("carol", PASSWORD)
    remote = RemoteBackend(server.url, timeout=2)
    try:
        sid = remote.login("carol", PASSWORD).session.id
        server.stop()
        with pytest.raises(e.StoreUnavailable):
            remote.validate_session_id(sid)
    finally:
        remote.close()
        server.stop()
