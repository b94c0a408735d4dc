"""Languages: every catalog defines every text and error, and the gate speaks the chosen one."""

from __future__ import annotations

import importlib
import pkgutil
import re
import string
import sys
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from login_form import field_labels, submit_login
from streamlit.util import calc_hash

import authgate.streamlit
from authgate import errors as e
from authgate.core.passwords import validators
from authgate.streamlit import i18n, passkey_texts, texts
from authgate.streamlit.ui import oidc

Text = str | tuple[str, ...]


def _every_module() -> list[str]:
    """Import every module of authgate.streamlit, so each text module registers its catalog."""
    package = authgate.streamlit
    names = [m.name for m in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")]
    for name in names:
        importlib.import_module(name)
    return names


MODULES = _every_module()


def _english() -> dict[str, Text]:
    merged: dict[str, Text] = {}
    for source in i18n.SOURCES.values():
        merged.update(source)
    return merged


def _gaps(catalog: Mapping[str, Text]) -> tuple[list[str], list[str]]:
    """The texts a catalog lacks, and those it has that no text module defines."""
    english = _english()
    return sorted(set(english) - set(catalog)), sorted(set(catalog) - set(english))


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
    missing, unknown = _gaps(catalog)
    assert not missing, f"{language} lacks translations of: {', '.join(missing)}"
    assert not unknown, f"{language} translates texts that no longer exist: {', '.join(unknown)}"
    for name, english in _english().items():
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


def test_every_text_module_is_a_translated_source() -> None:
    """A module of texts without the closing block would show English in every language."""
    assert {texts.__name__, passkey_texts.__name__} <= set(i18n.SOURCES)
    text_modules = {name for name in MODULES if name.rsplit(".", 1)[-1].endswith("texts")}
    unregistered = sorted(text_modules - set(i18n.SOURCES))
    assert not unregistered, f"end {', '.join(unregistered)} with the languages block"


def test_text_names_are_unique_across_text_modules() -> None:
    seen: dict[str, str] = {}
    for module, source in i18n.SOURCES.items():
        for name in source:
            assert name not in seen, f"{name} is defined in {seen[name]} and {module}"
            seen[name] = module


def test_a_text_added_in_english_only_is_named_as_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(passkey_texts.ENGLISH, "PASSKEY_ONLY_IN_ENGLISH", "Only in English")
    missing, unknown = _gaps(i18n.CATALOGS["de"].TEXTS)
    assert "PASSKEY_ONLY_IN_ENGLISH" in missing and not unknown


@pytest.mark.parametrize("module", sorted(i18n.SOURCES))
def test_no_text_is_defined_below_the_languages_block(module: str) -> None:
    """A text written after a text module's closing block would bypass every translation."""
    stray = sorted(
        name
        for name, value in vars(sys.modules[module]).items()
        if name.isupper() and isinstance(value, str | tuple)
    )
    assert not stray, f"move {', '.join(stray)} above the languages block of {module}"


def test_a_text_chosen_by_code_is_translated_and_refuses_odd_codes() -> None:
    i18n.use_language("de")
    assert i18n.keyed_text(texts, "OIDC_ERROR_", "cancelled") == texts.OIDC_ERROR_CANCELLED
    assert texts.OIDC_ERROR_CANCELLED == "Die Anmeldung mit {label} wurde abgebrochen."
    for odd in ("no_such_reason", "CANCELLED", "../cancelled", "", "cancelled x"):
        assert i18n.keyed_text(texts, "OIDC_ERROR_", odd) is None
    assert i18n.keyed_text(texts, "DEBUG_REASON_", "cookie") == texts.DEBUG_REASON_COOKIE
    i18n.use_language("es")
    assert oidc.error_text("cancelled", "Google") == "Se canceló el inicio de sesión con Google."
    assert oidc.error_text("no_such_reason", "Google") == (
        "Falló el inicio de sesión con Google. Inténtelo de nuevo."
    )


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
    assert passkey_texts.PASSKEY_ADD == "Añadir una llave de acceso"
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
    spraying = e.TooManyAttempts(datetime.now(UTC), 30)
    assert i18n.error_text(spraying) == (
        "Zu viele fehlgeschlagene Anmeldungen aus Ihrem Netzwerk. "
        "Versuchen Sie es in 1 Minute(n) erneut."
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
    assert field_labels(at) == ["Benutzername", "Passwort"]
    at = submit_login(at, "alice", "not-the-password")
    assert "Benutzername oder Passwort ist falsch." in _texts(at)


def test_closing_a_text_module_moves_its_texts_and_reads_them_by_language() -> None:
    namespace: dict[str, object] = {"__name__": "example_texts", "GREETING": "Hello", "n": 1}
    english = i18n.close_text_module(namespace)
    try:
        assert english == {"GREETING": "Hello"}
        assert "GREETING" not in namespace and namespace["n"] == 1
        read = namespace["__getattr__"]
        assert callable(read) and read("GREETING") == "Hello"
        with pytest.raises(AttributeError, match="example_texts has no text 'NOPE'"):
            read("NOPE")
    finally:
        i18n.SOURCES.pop("example_texts", None)
