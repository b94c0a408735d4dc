"""The Admin page's users, sessions and audit tabs, in AppTest over the real service."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest
from streamlit.util import calc_hash

from authgate.core.audit.log import audit_csv
from authgate.core.records import AuditRecord
from authgate.errors import AccountLocked, AuthgateError, InvalidCredentials
from authgate.root import Authgate
from authgate.streamlit import texts
from authgate.streamlit.ui.admin_audit import logins_per_day


def _admin_page(app_test: Any, set_cookie: Any, service: Authgate) -> Any:
    set_cookie(service.logins.password("root", "gatekeeper-2026").token)
    at = app_test()
    at._page_hash = calc_hash("admin")
    at.run()
    assert not at.exception
    return at


def _pick(at: Any, username: str, service: Authgate) -> Any:
    user = service.accounts.find_user(username)
    assert user is not None
    at.selectbox(key="authgate_admin_pick_user").select(user.id)
    at.run()
    return user.id


def _actor_of(service: Authgate, event_type: str) -> int | None:
    (event,) = service.audit.list(event_type=event_type, limit=1)
    return event.actor_id


def test_admin_sees_the_users_table_and_tabs(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    at = _admin_page(app_test, set_cookie, gate_service)
    assert [t.label for t in at.tabs] == [
        texts.ADMIN_TAB_USERS,
        texts.ADMIN_TAB_SESSIONS,
        texts.ADMIN_TAB_AUDIT,
    ]
    table = at.dataframe[0].value
    assert set(table[texts.COLUMN_USERNAME]) == {"alice", "sam", "root"}
    for column in (texts.COLUMN_MFA, texts.COLUMN_FAILED, texts.COLUMN_LOCKED_UNTIL):
        assert column in table.columns


def test_disable_roles_password_and_delete_name_the_admin(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    at = _admin_page(app_test, set_cookie, gate_service)
    root = gate_service.accounts.find_user("root")
    assert root is not None
    uid = _pick(at, "alice", gate_service)

    at.button(key=f"authgate_admin_toggle_{uid}").click()
    at.run()
    assert texts.ADMIN_DISABLED.format(username="alice") in [s.value for s in at.success]
    assert gate_service.accounts.get_user(uid).is_active is False  # type: ignore[union-attr]
    assert _actor_of(gate_service, "user.disabled") == root.id

    at.multiselect(key=f"authgate_admin_roles_{uid}").select("staff")
    at.button(key=f"authgate_admin_save_roles_{uid}").click()
    at.run()
    assert "staff" in gate_service.accounts.get_user(uid).roles  # type: ignore[union-attr]
    assert _actor_of(gate_service, "user.roles_changed") == root.id

    at.button(key=f"authgate_admin_toggle_{uid}").click()  # enable again
    at.run()
    form = f"authgate_admin_password_form_{uid}"
    at.text_input(key=f"authgate_admin_temp_password_{uid}").input("temporary-pass-2026")
    at.button(key=f"FormSubmitter:{form}-{texts.ADMIN_SET_PASSWORD}").click()
    at.run()
    assert not at.exception
    alice = gate_service.accounts.get_user(uid)
    assert alice is not None and alice.must_change_password
    assert _actor_of(gate_service, "password.set") == root.id

    delete = at.button(key=f"authgate_admin_delete_{uid}")
    assert delete.disabled
    at.checkbox(key=f"authgate_admin_delete_sure_{uid}").check()
    at.run()
    at.button(key=f"authgate_admin_delete_{uid}").click()
    at.run()
    assert gate_service.accounts.get_user(uid) is None
    assert _actor_of(gate_service, "user.deleted") == root.id


def test_admin_cannot_disable_or_delete_themselves(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    at = _admin_page(app_test, set_cookie, gate_service)
    uid = _pick(at, "root", gate_service)
    assert at.button(key=f"authgate_admin_toggle_{uid}").disabled
    assert at.button(key=f"authgate_admin_delete_{uid}").disabled


def test_unlock_and_sessions_tab(app_test: Any, set_cookie: Any, gate_service: Authgate) -> None:
    for _ in range(gate_service.settings.lockout_threshold):
        with pytest.raises(AuthgateError):  # wrong password, then locked
            gate_service.logins.password("sam", "wrong-password")
    gate_service.logins.password("alice", "wonderland-2026")
    at = _admin_page(app_test, set_cookie, gate_service)
    with pytest.raises(AccountLocked):
        gate_service.logins.password("sam", "staff-member-2026")
    uid = _pick(at, "sam", gate_service)
    at.button(key=f"authgate_admin_unlock_{uid}").click()
    at.run()
    assert texts.ADMIN_UNLOCKED.format(username="sam") in [s.value for s in at.success]
    assert gate_service.logins.password("sam", "staff-member-2026").user.username == "sam"

    alice = gate_service.accounts.find_user("alice")
    assert alice is not None
    sessions = [s.id for s in gate_service.sessions.list_for(alice.id)]
    at.selectbox(key="authgate_admin_pick_session").select(sessions[0])
    at.run()
    at.button(key="authgate_admin_revoke_user").click()
    at.run()
    assert gate_service.sessions.list_for(alice.id) == []


def test_audit_tab_chart_and_csv(app_test: Any, set_cookie: Any, gate_service: Authgate) -> None:
    with pytest.raises(InvalidCredentials):
        gate_service.logins.password("alice", "nope-nope-nope")
    at = _admin_page(app_test, set_cookie, gate_service)
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    assert f"**{texts.ADMIN_LATEST_FAILURES}**" in [m.value for m in at.markdown]
    assert at.get("download_button")


def test_logins_per_day_and_csv_cells() -> None:
    now = datetime(2026, 1, 2, tzinfo=UTC)

    def event(kind: str, outcome: str, username: str) -> AuditRecord:
        return AuditRecord(
            id=1,
            occurred_at=now,
            event_type=kind,
            outcome=outcome,
            user_id=1,
            actor_id=None,
            username=username,
            ip=None,
            user_agent=None,
            detail={},
        )

    events = [
        event("login.succeeded", "success", "a"),
        event("login.failed", "failure", "=cmd()"),
        event("login.failed", "failure", "b"),
        event("mfa.failed", "failure", "c"),
    ]
    assert logins_per_day(events) == [
        {"day": "2026-01-02", texts.ADMIN_SUCCEEDED: 1, texts.ADMIN_FAILED: 3}
    ]
    rows = list(csv.DictReader(io.StringIO(audit_csv(events))))
    assert list(rows[0])[2] == "event_type" and rows[1]["username"] == "'=cmd()"


def test_a_temporary_password_asks_for_a_change_until_it_is_changed(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    alice = gate_service.accounts.find_user("alice")
    assert alice is not None
    gate_service.accounts.set_password(alice.id, "temporary-pass-2026", must_change=True)
    set_cookie(gate_service.logins.password("alice", "temporary-pass-2026").token)
    at = app_test().run()
    assert texts.MUST_CHANGE_PASSWORD in [w.value for w in at.warning]
    gate_service.accounts.change_password(alice.id, "temporary-pass-2026", "a-chosen-secret-2026")
    fresh = gate_service.logins.password("alice", "a-chosen-secret-2026")
    set_cookie(fresh.token)
    again = app_test().run()
    assert texts.MUST_CHANGE_PASSWORD not in [w.value for w in again.warning]


def test_admin_creates_a_user_with_a_temporary_password(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    at = _admin_page(app_test, set_cookie, gate_service)
    root = gate_service.accounts.find_user("root")
    assert root is not None
    at.text_input(key="authgate_admin_new_username").input("newbie")
    at.text_input(key="authgate_admin_new_email").input("newbie@example.com")
    at.text_input(key="authgate_admin_new_roles").input("user, analyst")
    at.text_input(key="authgate_admin_new_password").input("first-day-password-1")
    at.button(key=f"FormSubmitter:authgate_admin_create_form-{texts.ADMIN_CREATE_SUBMIT}").click()
    at.run()
    assert not at.exception
    assert texts.ADMIN_CREATED.format(username="newbie") in [s.value for s in at.success]
    created = gate_service.logins.password("newbie", "first-day-password-1").user
    assert created.roles == frozenset({"user", "analyst"})
    assert created.must_change_password
    assert _actor_of(gate_service, "user.registered") == root.id


def test_admin_create_user_shows_policy_errors(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    at = _admin_page(app_test, set_cookie, gate_service)
    at.text_input(key="authgate_admin_new_username").input("alice")
    at.text_input(key="authgate_admin_new_password").input("short")
    at.button(key=f"FormSubmitter:authgate_admin_create_form-{texts.ADMIN_CREATE_SUBMIT}").click()
    at.run()
    assert not at.exception
    assert at.error, "a refused creation must say why"
    assert gate_service.accounts.count_users() == 3
