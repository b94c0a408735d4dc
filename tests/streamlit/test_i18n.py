"""Languages: every catalog defines every text and error, and the gate speaks the chosen one."""

from __future__ import annotations

import re
import string
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from streamlit.util import calc_hash

from authgate import errors as e
from authgate.core.passwords import validators
from authgate.streamlit import i18n, texts


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    yield
    i18n.use_language("en")


def _fields(value: str | tuple[str, ...]) -> list[set[str]]:
    items = value if isinstance(value, tuple) else (value,)
    return [{f for _, f, _, _ in string.Formatter().parse(item) if f is not None} for item in items]


@pytest.mark.parametrize("language", sorted(i18n.CATALOGS))
def test_every_language_defines_every_text_with_the_same_placeholders(language: str) -> None:
    catalog = i18n.CATALOGS[language].TEXTS
    missing = sorted(set(texts.ENGLISH) - set(catalog))
    unknown = sorted(set(catalog) - set(texts.ENGLISH))
    assert not missing, f"{language} lacks translations of: {', '.join(missing)}"
    assert not unknown, f"{language} translates texts that no longer exist: {', '.join(unknown)}"
    for name, english in texts.ENGLISH.items():
        translated = catalog[name]
        assert type(translated) is type(english), f"{language}.{name}: str versus tuple"
        assert _fields(translated) == _fields(english), f"{language}.{name}: other placeholders"
        assert all(translated) if isinstance(translated, tuple) else translated, name


@pytest.mark.parametrize("language", sorted(i18n.CATALOGS))
def test_every_language_translates_every_error_code(language: str) -> None:
    catalog = i18n.CATALOGS[language].ERRORS
    missing = sorted(i18n.error_codes() - set(catalog))
    assert not missing, f"{language} lacks error messages for: {', '.join(missing)}"
    for code, message in catalog.items():
        expected = i18n.ERROR_FIELDS.get(code, frozenset())
        assert _fields(message) == [set(expected)], f"{language} error {code}: placeholders"


def test_the_policy_codes_listed_are_those_the_validators_raise() -> None:
    source = Path(validators.__file__).read_text(encoding="utf-8")
    raised = set(re.findall(r'PolicyViolation\(\s*"(\w+)"', source))
    assert raised == set(i18n.VIOLATION_CODES)


def test_no_text_is_defined_below_the_languages_block() -> None:
    """A text written after texts.py's closing block would bypass every translation."""
    stray = sorted(
        name
        for name, value in vars(texts).items()
        if name.isupper() and isinstance(value, str | tuple)
    )
    assert not stray, f"move {', '.join(stray)} above the languages block of texts.py"


def test_the_english_catalog_holds_every_text_and_nothing_else() -> None:
    assert "LOGIN_TITLE" in texts.ENGLISH and "TYPE_CHECKING" not in texts.ENGLISH
    assert all(isinstance(v, str | tuple) for v in texts.ENGLISH.values())
    with pytest.raises(AttributeError, match="NO_SUCH_TEXT"):
        texts.NO_SUCH_TEXT  # type: ignore[attr-defined]  # noqa: B018


@pytest.mark.parametrize(
    ("configured", "browser", "chosen"),
    [
        (None, None, "en"),
        (None, "de-AT", "de"),
        (None, "es_MX", "es"),
        (None, "fr-FR", "en"),
        ("es", "de-DE", "es"),
        ("fr", "de-DE", "de"),
        ("DE", None, "de"),
    ],
)
def test_the_configured_language_wins_then_the_browsers_then_english(
    configured: str | None, browser: str | None, chosen: str
) -> None:
    assert i18n.choose_language(configured, browser) == chosen


def test_texts_follow_the_language_and_fall_back_to_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert texts.LOGIN_TITLE == "Log in"
    i18n.use_language("de")
    assert texts.LOGIN_TITLE == "Anmelden"
    i18n.use_language("es")
    assert texts.LOGIN_TITLE == "Iniciar sesión"
    monkeypatch.setitem(texts.ENGLISH, "ONLY_IN_ENGLISH", "Only in English")
    assert texts.ONLY_IN_ENGLISH == "Only in English"  # type: ignore[attr-defined]
    i18n.use_language("xx")
    assert texts.LOGIN_TITLE == "Log in"


def test_an_application_override_still_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(texts, "LOGIN_TITLE", "Sign in", raising=False)
    i18n.use_language("de")
    assert texts.LOGIN_TITLE == "Sign in"


def test_core_errors_are_translated_by_code() -> None:
    i18n.use_language("de")
    assert i18n.error_text(e.InvalidCredentials()) == "Benutzername oder Passwort ist falsch."
    locked = e.AccountLocked(datetime.now(UTC), 90)
    assert i18n.error_text(locked) == (
        "Zu viele Fehlversuche. Versuchen Sie es in 2 Minute(n) erneut."
    )
    weak = e.WeakPassword(
        [
            e.PolicyViolation("password_too_short", "Password must be at least 12 characters."),
            e.PolicyViolation("password_too_common", "This password is too common."),
            e.PolicyViolation("some_custom_rule", "A rule of the application."),
        ]
    )
    assert i18n.error_text(weak) == (
        "Das Passwort muss mindestens 12 Zeichen lang sein. "
        "Dieses Passwort ist zu verbreitet. A rule of the application."
    )
    detailed = e.InvalidUsername("Username must be at least 3 characters.")
    assert i18n.error_text(detailed) == (
        "Dieser Benutzername ist ungültig. (Username must be at least 3 characters.)"
    )
    i18n.use_language("es")
    assert i18n.error_text(e.TokenExpired()) == "Este enlace ha caducado."
    i18n.use_language("en")
    assert i18n.error_text(locked) == locked.message


def _texts(at: Any) -> str:
    return " ".join(str(m.value) for m in [*at.markdown, *at.error, *at.info, *at.title])


def test_the_german_login_page_says_a_wrong_password_in_german(
    app_test: Any, set_cookie: Any, spy_backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    hooks = sys.modules["authgate_gate_test_hooks"]
    monkeypatch.setattr(hooks, "settings", hooks.settings.model_copy(update={"language": "de"}))
    at = app_test()
    at._page_hash = calc_hash("account")
    at.run()
    assert not at.exception
    assert "Bitte melden Sie sich an, um diese Seite zu sehen." in _texts(at)
    assert [w.label for w in at.text_input] == ["Benutzername", "Passwort"]
    at.text_input(key="authgate_login_username").input("alice")
    at.text_input(key="authgate_login_password").input("not-the-password")
    at.button(key="FormSubmitter:authgate_login_form-Anmelden").click()
    at.run()
    assert "Benutzername oder Passwort ist falsch." in _texts(at)
