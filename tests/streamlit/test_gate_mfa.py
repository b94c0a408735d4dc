"""Two-factor login, the Account page's MFA section, and the reset page, in AppTest."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pyotp
from login_form import field_labels, submit_login
from streamlit.util import calc_hash

from auth_support import with_mailer
from authgate.config import AuthgateSettings
from authgate.core.clock import FrozenClock
from authgate.core.recovery.mail import FileMailer
from authgate.root import Authgate
from authgate.streamlit import texts
from authgate.streamlit.in_process import InProcessBackend
from authgate.streamlit.state import AUTH, MFA_TICKET
from authgate.streamlit.ui.mfa import FRESH_CODES, PENDING, recovery_codes_text
from authgate.streamlit.ui.reset import RESET_TOKEN

_VERIFY = "FormSubmitter:authgate_mfa_form-Verify"


def _texts(at: Any) -> str:
    parts = [e.value for e in at.title] + [e.value for e in at.markdown]
    parts += [e.value for e in at.error] + [e.value for e in at.warning]
    parts += [e.value for e in at.info] + [e.value for e in at.success]
    parts += [e.value for e in at.code] + [e.value for e in at.subheader]
    return "\n".join(str(p) for p in parts)


def _goto(at: Any, url_path: str) -> Any:
    at._page_hash = calc_hash(url_path)
    return at


def _enable_mfa(service: Authgate, username: str) -> tuple[str, list[str]]:
    """Turn MFA on for ``username``; return its secret and recovery codes."""
    user = service.accounts.find_user(username)
    assert user is not None
    mfa = service.mfa
    enrollment = mfa.begin_enrollment(user.id)
    codes = mfa.confirm_enrollment(user.id, _code(service, enrollment.secret))
    return enrollment.secret, codes


def _code(service: Authgate, secret: str) -> str:
    return pyotp.TOTP(secret).at(service.clock.now())


def _token_from_mail(outbox: Path) -> str:
    """The token in the link of the one message in ``outbox``."""
    (path,) = [p for p in outbox.rglob("*") if p.is_file()]
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    return str(text.split("token=", 1)[1].split()[0].strip())


def _next_step(service: Authgate) -> None:
    assert isinstance(service.clock, FrozenClock)
    service.clock.advance(timedelta(seconds=30))


def _password_step(at: Any) -> Any:
    _goto(at, "secret").run()
    return submit_login(at, "alice", "wonderland-2026")


def _verify(at: Any, code: str) -> Any:
    at.text_input(key="authgate_mfa_code").input(code)
    at.button(key=_VERIFY).click()
    return at.run()


def test_login_with_mfa_asks_for_a_code_then_lands(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    secret, _ = _enable_mfa(gate_service, "alice")
    used = _code(gate_service, secret)
    at = _password_step(app_test())
    assert not at.exception
    assert AUTH not in at.session_state
    assert isinstance(at.session_state[MFA_TICKET], str)
    assert [w.label for w in at.text_input] == [texts.MFA_CODE]
    assert "Secret page" not in _texts(at)

    _verify(at, "000000")
    assert "The authentication code is not valid" in _texts(at) or at.error
    assert AUTH not in at.session_state
    _verify(at, used)  # the enrolment's code: a replay
    assert AUTH not in at.session_state and at.error

    _next_step(gate_service)
    _verify(at, _code(gate_service, secret))
    assert not at.exception
    assert "secret for alice" in _texts(at)
    assert at.session_state[AUTH].user.username == "alice"
    assert MFA_TICKET not in at.session_state


def test_recovery_code_works_once_and_cancel_returns_to_the_form(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    _, codes = _enable_mfa(gate_service, "alice")
    at = _password_step(app_test())
    _verify(at, codes[0])
    assert at.session_state[AUTH].user.username == "alice"

    again = _password_step(app_test())
    _verify(again, codes[0])
    assert AUTH not in again.session_state and again.error
    again.button(key="authgate_mfa_cancel").click()
    again.run()
    assert MFA_TICKET not in again.session_state
    assert field_labels(again) == [texts.USERNAME, texts.PASSWORD]


def test_account_enrolment_shows_secret_then_codes_once(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    set_cookie(gate_service.logins.password("alice", "wonderland-2026").token)
    at = _goto(app_test(), "account").run()
    assert texts.MFA_OFF in _texts(at)
    at.button(key="authgate_mfa_start").click()
    at.run()
    assert not at.exception
    pending = at.session_state[PENDING]
    assert pending.secret in _texts(at)
    assert at.get("image") or at.get("imgs") or at.get("image_list")
    at.text_input(key="authgate_mfa_confirm_code").input(_code(gate_service, pending.secret))
    at.button(key=f"FormSubmitter:authgate_mfa_confirm_form-{texts.MFA_CONFIRM}").click()
    at.run()
    assert not at.exception
    codes = at.session_state[FRESH_CODES]
    assert len(codes) == 10 and codes[0] in _texts(at)
    assert texts.MFA_ENABLED in _texts(at)
    at.button(key="authgate_mfa_codes_done").click()
    at.run()
    assert FRESH_CODES not in at.session_state
    assert texts.MFA_ON.format(left=10) in _texts(at)

    # disable: needs the password and a fresh code
    _next_step(gate_service)
    at.text_input(key="authgate_mfa_disable_password").input("wonderland-2026")
    at.text_input(key="authgate_mfa_disable_code").input(_code(gate_service, pending.secret))
    at.button(key=f"FormSubmitter:authgate_mfa_disable_form-{texts.MFA_DISABLE}").click()
    at.run()
    assert not at.exception
    assert texts.MFA_DISABLED in _texts(at)
    user = gate_service.accounts.find_user("alice")
    assert user is not None and not user.mfa_enabled


def test_recovery_codes_file() -> None:
    text = recovery_codes_text("alice", ["aaaa-bbbb", "cccc-dddd"])
    assert text.splitlines()[2:] == ["aaaa-bbbb", "cccc-dddd"]


def test_forgot_without_mail_says_ask_an_admin(app_test: Any, set_cookie: Any) -> None:
    at = _goto(app_test(), "forgot-password").run()
    assert not at.exception
    assert texts.FORGOT_BODY in _texts(at)


def test_reset_page_takes_token_from_url_and_resets(
    tmp_path: Path, app_test: Any, set_cookie: Any, gate_service: Authgate, spy_backend: Any
) -> None:
    outbox = tmp_path / "mail"
    spy_backend.auth = with_mailer(gate_service, FileMailer(outbox, sender="a@example.com"))
    recovery = spy_backend.auth.recovery
    alice = gate_service.accounts.find_user("alice")
    assert alice is not None
    gate_service.accounts.update_profile(alice.id, display_name="Alice", email="alice@example.com")
    recovery.request_password_reset("alice")
    assert spy_backend.auth.background.wait_idle(10)  # the lookup runs after the answer
    token = _token_from_mail(outbox)

    at = app_test()
    _goto(at, "reset-password")
    at.query_params["token"] = token
    at.run()
    assert not at.exception
    assert "token" not in at.query_params
    assert at.session_state[RESET_TOKEN] == token
    at.text_input(key="authgate_reset_new").input("a-brand-new-secret-77")
    at.text_input(key="authgate_reset_confirm").input("a-brand-new-secret-77")
    at.button(key="authgate_reset_submit").click()
    at.run()
    assert not at.exception
    assert texts.RESET_DONE in _texts(at)
    assert gate_service.logins.password("alice", "a-brand-new-secret-77").user.username == "alice"


def test_forgot_with_mail_always_gives_the_same_answer(
    tmp_path: Path, app_test: Any, set_cookie: Any, gate_service: Authgate, spy_backend: Any
) -> None:
    spy_backend.auth = with_mailer(gate_service, FileMailer(tmp_path / "m", sender="a@example.com"))
    answers = []
    for login in ("alice", "nobody-here"):
        at = _goto(app_test(), "forgot-password").run()
        at.text_input(key="authgate_forgot_login").input(login)
        at.button(key=f"FormSubmitter:authgate_forgot_form-{texts.FORGOT_SEND}").click()
        at.run()
        assert not at.exception
        answers.append([s.value for s in at.success])
    assert answers[0] == answers[1] == [texts.FORGOT_SENT]


def test_backend_is_lazy_about_mfa_and_recovery(gate_service: Authgate) -> None:
    backend = InProcessBackend(gate_service)
    assert backend.recovery_mail_enabled is False
    assert isinstance(gate_service.settings, AuthgateSettings)


def test_role_that_requires_mfa_sees_only_enrolment_until_done(
    app_test: Any, set_cookie: Any, gate_service: Authgate, monkeypatch: Any
) -> None:
    import sys

    hooks = sys.modules["authgate_gate_test_hooks"]
    # The server decides who must enrol; the gate only asks its backend.
    strict = gate_service.settings.model_copy(update={"mfa_required_roles": ("admin",)})
    monkeypatch.setattr(hooks, "settings", strict)
    hooks.backend.auth = Authgate(
        strict, store=gate_service.store, clock=gate_service.clock, migrate=False
    )
    set_cookie(gate_service.logins.password("root", "gatekeeper-2026").token)
    at = _goto(app_test(), "secret").run()
    assert not at.exception
    assert texts.MFA_ENROLMENT_REQUIRED in _texts(at)
    assert "Secret page" not in _texts(at)  # the asked-for page never ran
    assert texts.ACCOUNT_TITLE in _texts(at)
    _enable_mfa(gate_service, "root")
    root = gate_service.accounts.find_user("root")
    assert root is not None
    set_cookie(gate_service.sessions.open(root, mfa=True).token)
    at = _goto(app_test(), "secret").run()
    assert not at.exception
    assert texts.MFA_ENROLMENT_REQUIRED not in _texts(at)
    assert "Secret page" in _texts(at)


def test_roles_without_the_requirement_are_not_held(
    app_test: Any, set_cookie: Any, gate_service: Authgate, monkeypatch: Any
) -> None:
    import sys

    hooks = sys.modules["authgate_gate_test_hooks"]
    # The server decides who must enrol; the gate only asks its backend.
    strict = gate_service.settings.model_copy(update={"mfa_required_roles": ("admin",)})
    monkeypatch.setattr(hooks, "settings", strict)
    hooks.backend.auth = Authgate(
        strict, store=gate_service.store, clock=gate_service.clock, migrate=False
    )
    set_cookie(gate_service.logins.password("alice", "wonderland-2026").token)
    at = _goto(app_test(), "secret").run()
    assert not at.exception
    assert "Secret page" in _texts(at)
    assert texts.MFA_ENROLMENT_REQUIRED not in _texts(at)


def test_temporary_password_holds_the_user_on_account_until_changed(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    alice = gate_service.accounts.find_user("alice")
    assert alice is not None
    gate_service.accounts.set_password(
        alice.id, "temporary-pass-2026", actor_id=0, must_change=True
    )
    login = gate_service.logins.password("alice", "temporary-pass-2026")
    set_cookie(login.token)
    at = _goto(app_test(), "secret").run()
    assert not at.exception
    assert texts.MUST_CHANGE_PASSWORD in _texts(at)
    assert "Secret page" not in _texts(at)
    gate_service.accounts.change_password(
        alice.id, "temporary-pass-2026", "a-brand-new-secret-77", keep_session_id=login.session.id
    )
    at = _goto(app_test(), "secret").run()
    assert not at.exception
    assert "Secret page" in _texts(at)
    assert texts.MUST_CHANGE_PASSWORD not in _texts(at)


def test_forgot_username_mails_the_name_and_answers_alike(
    tmp_path: Path, app_test: Any, set_cookie: Any, gate_service: Authgate, spy_backend: Any
) -> None:
    alice = gate_service.accounts.find_user("alice")
    assert alice is not None
    gate_service.accounts.update_profile(alice.id, email="alice@example.com")
    outbox = tmp_path / "m"
    spy_backend.auth = with_mailer(gate_service, FileMailer(outbox, sender="a@example.com"))
    answers = []
    for address in ("alice@example.com", "nobody@example.com"):
        at = _goto(app_test(), "forgot-password").run()
        at.text_input(key="authgate_forgot_username_email").input(address)
        submit = f"FormSubmitter:authgate_forgot_username_form-{texts.FORGOT_USERNAME_SEND}"
        at.button(key=submit).click()
        at.run()
        assert not at.exception
        answers.append([s.value for s in at.success])
    assert answers[0] == answers[1] == [texts.FORGOT_USERNAME_SENT]
    (message,) = [p for p in outbox.rglob("*") if p.is_file()]
    assert "alice" in message.read_text(encoding="utf-8", errors="replace")


def test_registration_mails_a_verification_link_that_the_page_redeems(
    tmp_path: Path, app_test: Any, set_cookie: Any, gate_service: Authgate, spy_backend: Any
) -> None:
    outbox = tmp_path / "m"
    spy_backend.auth = with_mailer(gate_service, FileMailer(outbox, sender="a@example.com"))
    user = spy_backend.register("vera", "verify-me-2026!", email="vera@example.com")
    assert not user.email_verified
    token = _token_from_mail(outbox)
    at = _goto(app_test(), "verify-email")
    at.query_params["token"] = token
    at.run()
    assert not at.exception
    assert texts.VERIFY_DONE.format(username="vera") in _texts(at)
    assert gate_service.accounts.find_user("vera").email_verified  # type: ignore[union-attr]
    again = _goto(app_test(), "verify-email")
    again.query_params["token"] = token
    again.run()
    assert not again.exception
    assert again.error  # a spent link says so


def test_verify_page_without_a_token_explains(app_test: Any, set_cookie: Any) -> None:
    at = _goto(app_test(), "verify-email").run()
    assert not at.exception
    assert texts.VERIFY_NO_TOKEN in _texts(at)
