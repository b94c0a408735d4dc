"""Page declarations, role filtering, built-in pages and failure pages, in AppTest."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.util import calc_hash

from authgate.core.records import AuthUser
from authgate.errors import StoreUnavailable
from authgate.root import Authgate
from authgate.streamlit import GatePage, texts
from authgate.streamlit.ui.account import describe_device
from authgate.streamlit.ui.sidebar import escape_markdown


def _texts(at: Any) -> str:
    parts = [e.value for e in at.title] + [e.value for e in at.markdown]
    parts += [e.value for e in at.error] + [e.value for e in at.warning]
    parts += [e.value for e in at.info] + [e.value for e in at.subheader]
    return "\n".join(str(p) for p in parts)


def _as(at: Any, set_cookie: Any, service: Authgate, login: str, password: str) -> Any:
    set_cookie(service.logins.password(login, password).token)
    return at


def _goto(at: Any, url_path: str) -> Any:
    at._page_hash = calc_hash(url_path)
    return at


def _user(*roles: str) -> AuthUser:
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    return AuthUser(
        id=1,
        username="u",
        email=None,
        display_name="U",
        roles=frozenset(roles),
        is_active=True,
        email_verified=False,
        mfa_enabled=False,
        must_change_password=False,
        created_at=now,
        updated_at=now,
        last_login_at=None,
    )


def test_page_rules() -> None:
    public = GatePage(lambda: None, title="P", public=True)
    members = GatePage(lambda: None, title="M")
    staff = GatePage(lambda: None, title="S", roles=("staff",))
    login = GatePage(lambda: None, title="L", public=True, anonymous_only=True)
    assert public.allows(None) and public.allows(_user())
    assert not members.allows(None) and members.allows(_user())
    assert not staff.allows(_user("user")) and staff.allows(_user("staff"))
    assert login.allows(None) and not login.allows(_user())
    assert GatePage(lambda: None, roles="admin").roles == frozenset({"admin"})


@pytest.mark.parametrize(
    "kwargs",
    [{"public": True, "roles": ("a",)}, {"anonymous_only": True}, {"roles": ("",)}],
)
def test_contradictory_page_rules_fail_at_declaration(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        GatePage(lambda: None, **kwargs)


def test_user_without_the_role_is_refused_by_url(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    at = _goto(_as(app_test(), set_cookie, gate_service, "alice", "wonderland-2026"), "staff")
    at.run()
    assert not at.exception
    assert texts.FORBIDDEN in _texts(at)
    assert "Staff page" not in _texts(at)


def test_user_with_the_role_sees_the_page(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    at = _goto(_as(app_test(), set_cookie, gate_service, "sam", "staff-member-2026"), "staff")
    at.run()
    assert "Staff page" in _texts(at)


def test_admin_page_lists_users_for_admins_only(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    at = _goto(_as(app_test(), set_cookie, gate_service, "root", "gatekeeper-2026"), "admin")
    at.run()
    assert not at.exception
    assert texts.ADMIN_USERS_HEADER in _texts(at)
    names = list(at.dataframe[0].value[texts.COLUMN_USERNAME])
    assert names == ["alice", "root", "sam"]

    other = _goto(_as(app_test(), set_cookie, gate_service, "alice", "wonderland-2026"), "admin")
    other.run()
    assert texts.ADMIN_USERS_HEADER not in _texts(other)
    assert texts.FORBIDDEN in _texts(other)


def test_account_page_shows_sessions_and_logs_out_the_others(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    elsewhere = gate_service.logins.password(
        "alice", "wonderland-2026", user_agent="Mozilla Firefox/1"
    )
    at = _goto(_as(app_test(), set_cookie, gate_service, "alice", "wonderland-2026"), "account")
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    assert sorted(table[texts.SESSION_THIS]) == ["", texts.THIS_SESSION_MARK]
    at.button(key="authgate_account_logout_others").click()
    at.run()
    assert "Logged out 1 other session(s)." in [s.value for s in at.success]
    with pytest.raises(Exception):
        gate_service.sessions.validate(elsewhere.token)


def test_change_password_reports_a_wrong_current_password(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    at = _goto(_as(app_test(), set_cookie, gate_service, "alice", "wonderland-2026"), "account")
    at.run()
    at.text_input(key="authgate_account_current").input("not-my-password")
    at.text_input(key="authgate_account_new").input("another-fine-passphrase")
    at.text_input(key="authgate_account_confirm").input("another-fine-passphrase")
    at.button(key="authgate_account_change").click()
    at.run()
    assert not at.exception
    assert "The current password is incorrect." in _texts(at)


def test_store_down_shows_the_unavailable_page(
    app_test: Any,
    set_cookie: Any,
    gate_service: Authgate,
    spy_backend: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    set_cookie(gate_service.logins.password("alice", "wonderland-2026").token)

    def down(token: str) -> Any:
        raise StoreUnavailable()

    monkeypatch.setattr(spy_backend, "validate_session", down)
    at = app_test().run()
    assert not at.exception
    assert texts.UNAVAILABLE_TITLE in _texts(at)
    assert texts.UNAVAILABLE in _texts(at)


def test_helpers_render_user_data_as_text() -> None:
    assert describe_device("Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537") == (
        "Chrome on Linux"
    )
    assert describe_device(None) == texts.UNKNOWN_DEVICE
    assert escape_markdown("[x](javascript:alert(1)) **b**") == (
        "\\[x\\]\\(javascript:alert\\(1\\)\\) \\*\\*b\\*\\*"
    )
