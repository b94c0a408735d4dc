"""The fixes a new user asked for, in AppTest: forms that keep what was typed, and the wording.

The key-press side of the forms (Tab past the show-password toggle, Enter to
send) is in ``test_e2e_keyboard.py``, in a real browser.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp
from login_form import submit_login
from streamlit.util import calc_hash

from authgate.core.clock import FrozenClock
from authgate.core.records import AuditRecord
from authgate.root import Authgate
from authgate.streamlit import texts
from authgate.streamlit.state import AUTH
from authgate.streamlit.ui.account import password_changed_message
from authgate.streamlit.ui.admin_audit import audit_table, readable_detail
from authgate.streamlit.ui.login import is_recovery_code
from authgate.streamlit.ui.reset import RESET_TOKEN
from authgate.streamlit.ui.sidebar import signed_in_as

_REGISTER = "authgate_register_submit"
_CREATE = f"FormSubmitter:authgate_admin_create_form-{texts.ADMIN_CREATE_SUBMIT}"


def _texts(at: Any) -> str:
    parts = [e.value for e in at.title] + [e.value for e in at.markdown]
    parts += [e.value for e in at.error] + [e.value for e in at.warning]
    parts += [e.value for e in at.info] + [e.value for e in at.success]
    parts += [e.value for e in at.subheader] + [e.value for e in at.caption]
    parts += [e.value for e in at.text]
    return "\n".join(str(p) for p in parts)


def _goto(at: Any, url_path: str) -> Any:
    at._page_hash = calc_hash(url_path)
    return at


def _as(at: Any, set_cookie: Any, service: Authgate, login: str, password: str) -> Any:
    set_cookie(service.logins.password(login, password).token)
    return at


def _register(at: Any, username: str, password: str, confirm: str) -> Any:
    at.text_input(key="authgate_register_username").input(username)
    at.text_input(key="authgate_register_email").input(f"{username}@example.com")
    at.text_input(key="authgate_register_password").input(password)
    at.text_input(key="authgate_register_confirm").input(confirm)
    at.button(key=_REGISTER).click()
    return at.run()


def test_register_is_a_form_without_help_icons(app_test: Any) -> None:
    at = _goto(app_test(), "register").run()
    assert not at.exception
    fields = [w for w in at.text_input if w.key.startswith("authgate_register_")]
    assert [w.label for w in fields] == [
        texts.USERNAME,
        texts.EMAIL,
        texts.DISPLAY_NAME,
        texts.PASSWORD,
        texts.CONFIRM_PASSWORD,
    ]
    assert all(not w.help for w in fields)  # a help icon sits in the Tab order
    assert texts.EMAIL_HELP in _texts(at)


def test_a_refused_registration_keeps_the_fields_and_advises(app_test: Any) -> None:
    at = _goto(app_test(), "register").run()
    _register(at, "newcomer", "password", "password")
    assert not at.exception
    assert at.error
    assert at.text_input(key="authgate_register_username").value == "newcomer"
    assert at.text_input(key="authgate_register_email").value == "newcomer@example.com"
    assert "Strength:" in _texts(at)
    assert AUTH not in at.session_state


def test_registering_says_welcome_not_welcome_back(app_test: Any, gate_service: Authgate) -> None:
    at = _goto(app_test(), "register").run()
    _register(at, "newcomer", "a-long-and-fresh-passphrase", "a-long-and-fresh-passphrase")
    assert not at.exception
    assert at.session_state[AUTH].user.username == "newcomer"
    shown = _texts(at)
    assert texts.WELCOME.format(label="newcomer") in shown
    assert "Welcome back" not in shown
    assert gate_service.accounts.find_user("newcomer") is not None


def test_the_welcome_shows_a_display_name_as_text(app_test: Any) -> None:
    at = _goto(app_test(), "register").run()
    at.text_input(key="authgate_register_display_name").input("[Reset](https://evil.example)")
    _register(at, "newcomer", "a-long-and-fresh-passphrase", "a-long-and-fresh-passphrase")
    assert not at.exception
    (welcome,) = [s.value for s in at.success if "Welcome" in s.value]
    assert "\\[Reset\\]\\(https://evil" in welcome


def test_password_change_clears_the_fields_and_counts_only_real_sessions(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    at = _goto(_as(app_test(), set_cookie, gate_service, "alice", "wonderland-2026"), "account")
    at.run()
    at.text_input(key="authgate_account_current").input("wonderland-2026")
    at.text_input(key="authgate_account_new").input("another-fine-passphrase")
    at.text_input(key="authgate_account_confirm").input("another-fine-passphrase")
    at.button(key="authgate_account_change").click()
    at.run()
    assert not at.exception
    assert [s.value for s in at.success] == [texts.PASSWORD_CHANGED]
    assert "(0)" not in _texts(at)
    # (AppTest does not model clear_on_submit: test_e2e_keyboard sees the fields empty)
    gate_service.logins.password("alice", "another-fine-passphrase")


def test_password_change_message_mentions_other_sessions_only_when_some_ended() -> None:
    assert password_changed_message(0) == texts.PASSWORD_CHANGED
    assert "2 other session(s)" in password_changed_message(2)


def test_a_refused_password_change_says_why(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    at = _goto(_as(app_test(), set_cookie, gate_service, "alice", "wonderland-2026"), "account")
    at.run()
    at.text_input(key="authgate_account_current").input("wonderland-2026")
    at.text_input(key="authgate_account_new").input("one")
    at.text_input(key="authgate_account_confirm").input("two")
    at.button(key="authgate_account_change").click()
    at.run()
    assert texts.PASSWORDS_DIFFER in [e.value for e in at.error]


def test_regenerated_codes_do_not_say_mfa_was_turned_on(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    at = _goto(_as(app_test(), set_cookie, gate_service, "alice", "wonderland-2026"), "account")
    user = gate_service.accounts.find_user("alice")
    assert user is not None
    enrollment = gate_service.mfa.begin_enrollment(user.id)
    totp = pyotp.TOTP(enrollment.secret)
    gate_service.mfa.confirm_enrollment(user.id, totp.at(gate_service.clock.now()))
    assert isinstance(gate_service.clock, FrozenClock)
    gate_service.clock.advance(timedelta(seconds=30))
    at.run()
    at.text_input(key="authgate_mfa_regenerate_code").input(totp.at(gate_service.clock.now()))
    at.button(key=f"FormSubmitter:authgate_mfa_regenerate_form-{texts.MFA_REGENERATE}").click()
    at.run()
    assert not at.exception
    successes = [s.value for s in at.success]
    assert texts.MFA_CODES_REGENERATED in successes
    assert texts.MFA_ENABLED not in successes


def test_a_recovery_code_login_says_how_many_are_left(
    app_test: Any, gate_service: Authgate
) -> None:
    user = gate_service.accounts.find_user("alice")
    assert user is not None
    enrollment = gate_service.mfa.begin_enrollment(user.id)
    codes = gate_service.mfa.confirm_enrollment(
        user.id, pyotp.TOTP(enrollment.secret).at(gate_service.clock.now())
    )
    assert is_recovery_code(codes[0]) and not is_recovery_code("123456")
    at = _goto(app_test(), "secret").run()
    at = submit_login(at, "alice", "wonderland-2026")
    at.text_input(key="authgate_mfa_code").input(codes[0])
    at.button(key="FormSubmitter:authgate_mfa_form-Verify").click()
    at.run()
    assert not at.exception
    assert at.session_state[AUTH].user.username == "alice"
    left = len(codes) - 1
    assert texts.MFA_RECOVERY_CODE_USED.format(left=left) in _texts(at)


def test_admin_create_user_keeps_what_was_typed_when_refused(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    at = _goto(_as(app_test(), set_cookie, gate_service, "root", "gatekeeper-2026"), "admin")
    at.run()
    at.text_input(key="authgate_admin_new_username").input("newbie")
    at.text_input(key="authgate_admin_new_email").input("newbie@example.com")
    at.text_input(key="authgate_admin_new_password").input("short")
    at.button(key=_CREATE).click()
    at.run()
    assert not at.exception and at.error
    assert at.text_input(key="authgate_admin_new_username").value == "newbie"
    assert at.text_input(key="authgate_admin_new_email").value == "newbie@example.com"

    at.text_input(key="authgate_admin_new_password").input("first-day-password-1")
    at.button(key=_CREATE).click()
    at.run()
    assert texts.ADMIN_CREATED.format(username="newbie") in _texts(at)
    assert [w.value for w in at.text_input if w.label == texts.ADMIN_CREATE_USERNAME] == [""]


def test_admin_users_table_hides_the_less_used_columns_until_asked(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    at = _goto(_as(app_test(), set_cookie, gate_service, "root", "gatekeeper-2026"), "admin")
    at.run()
    table = at.dataframe[0]
    assert texts.COLUMN_EMAIL not in table.proto.column_order
    assert texts.COLUMN_USERNAME in table.proto.column_order
    at.toggle(key="authgate_admin_all_columns").set_value(True).run()
    assert list(at.dataframe[0].proto.column_order) == []  # every column


def test_audit_names_the_actor_and_writes_detail_as_text(gate_service: Authgate) -> None:
    admin = gate_service.accounts.find_user("root")
    alice = gate_service.accounts.find_user("alice")
    assert admin is not None and alice is not None
    gate_service.accounts.set_roles(alice.id, ["user", "analyst"], actor_id=admin.id)
    (event,) = gate_service.audit.list(event_type="user.roles_changed", limit=1)
    assert isinstance(event, AuditRecord)
    (row,) = audit_table([event], {admin.id: "root"})
    assert row[texts.COLUMN_ACTOR] == "root"
    detail = str(row[texts.COLUMN_DETAIL])
    assert not detail.startswith("{") and "roles" in detail
    assert readable_detail({"reason": "locked", "extra": None}) == "extra: -; reason: locked"
    assert readable_detail({"new_roles": ["admin", "user"], "by_admin": False}) == (
        "by admin: no; new roles: admin, user"
    )
    assert audit_table([event])[0][texts.COLUMN_ACTOR] == f"#{admin.id}"


def test_sidebar_shows_a_name_once_without_a_display_name(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    at = _goto(_as(app_test(), set_cookie, gate_service, "root", "gatekeeper-2026"), "home")
    at.run()
    sidebar = [m.value for m in at.sidebar.markdown]
    assert "Logged in as **root**" in sidebar
    alice = gate_service.accounts.find_user("alice")
    assert alice is not None
    assert signed_in_as(alice) == "Logged in as **Alice** (`alice`)"


def test_a_bad_reset_link_speaks_of_links_not_tokens(app_test: Any) -> None:
    at = _goto(app_test(), "reset-password")
    at.session_state[RESET_TOKEN] = "not-a-real-token"
    at.run()
    assert not at.exception
    assert texts.LINK_INVALID in [e.value for e in at.error]
    assert "token" not in _texts(at).lower()
