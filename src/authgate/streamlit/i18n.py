"""Which language the built-in pages speak, and the translated texts and error messages.

The language of a run is ``AUTHGATE_LANGUAGE`` when set, else the browser's
(``st.context.locale``, "de-AT" counts as "de"), else English; the gate sets
it at the start of each run (``use_language``). ``texts.NAME`` then answers in
that language, falling back to English for a name a catalog lacks (a text
added in English only), so a page never breaks for a missing translation; the
completeness test is what catches it.

The core stays free of locales: it raises errors with a stable ``code`` and an
English message, and this face translates them by code (``error_text``). A
message the core composed with details (a lock's remaining time, a password
rule's length) is rebuilt from the error's own fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, MutableMapping
from contextvars import ContextVar
from types import ModuleType

from authgate.errors import AccountLocked, AuthgateError, WeakPassword
from authgate.streamlit.locales import de, es

__all__ = [
    "CATALOGS",
    "ERROR_FIELDS",
    "LANGUAGES",
    "SOURCES",
    "VIOLATION_CODES",
    "choose_language",
    "close_text_module",
    "current_language",
    "english_catalog",
    "error_codes",
    "error_text",
    "keyed_text",
    "lookup",
    "reader",
    "use_language",
]

Text = str | tuple[str, ...]

CATALOGS: dict[str, ModuleType] = {"de": de, "es": es}
LANGUAGES: tuple[str, ...] = ("en", *CATALOGS)
_TEXTS: dict[str, Mapping[str, Text]] = {code: module.TEXTS for code, module in CATALOGS.items()}
SOURCES: dict[str, Mapping[str, Text]] = {}
"""The English catalog of every text module (``texts``, ``passkey_texts``...), by module name.

Filled as each module runs its closing ``english_catalog`` block; the
completeness test imports every module of ``authgate.streamlit`` and checks
each language against all of them. Text names are unique across modules:
a catalog holds them in one ``TEXTS``.
"""

VIOLATION_CODES = frozenset(
    {
        "password_empty",
        "password_too_short",
        "password_too_long",
        "password_too_common",
        "password_contains_username",
        "password_contains_email",
    }
)
"""The password-policy codes (``core/passwords/validators.py``) a catalog translates."""

ERROR_FIELDS: Mapping[str, frozenset[str]] = {
    "account_locked": frozenset({"minutes"}),
    "too_many_attempts": frozenset({"minutes"}),
    "password_too_short": frozenset({"count"}),
    "password_too_long": frozenset({"count"}),
}
"""The ``{placeholders}`` a translated error message takes; every other one takes none."""

_DETAILED = frozenset({"invalid_input", "invalid_username", "invalid_email"})
_language: ContextVar[str] = ContextVar("authgate_language", default="en")
_NUMBER = re.compile(r"\d+")
_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")


def choose_language(configured: str | None, browser: str | None) -> str:
    """The first of the configured and the browser's language that authgate speaks; else "en"."""
    for candidate in (configured, browser):
        if candidate:
            base = candidate.strip().replace("_", "-").split("-")[0].lower()
            if base in LANGUAGES:
                return base
    return "en"


def use_language(language: str) -> None:
    """Speak ``language`` for the rest of this script run (this thread's context)."""
    _language.set(language if language in LANGUAGES else "en")


def current_language() -> str:
    return _language.get()


def lookup(name: str, english: Mapping[str, Text], module: str = "texts") -> Text:
    """The text ``name`` in the current language, or in English when not translated."""
    language = _language.get()
    if language != "en":
        value = _TEXTS[language].get(name)
        if value is not None:
            return value
    try:
        return english[name]
    except KeyError:
        raise AttributeError(f"{module} has no text {name!r}") from None


def english_catalog(namespace: MutableMapping[str, object]) -> dict[str, Text]:
    """Move a text module's constants (its ``globals()``) into its English catalog.

    Every UPPERCASE str or tuple leaves the module, so that reading it goes
    through the module's ``__getattr__`` (``reader``) and answers in the
    language of the run; an application's later assignment lands in the
    module again and wins in every language. Dicts are not texts: write one
    constant per key (``OIDC_ERROR_CANCELLED``) and read it with ``keyed_text``.
    """
    english: dict[str, Text] = {
        name: value
        for name, value in namespace.items()
        if name.isupper() and isinstance(value, str | tuple)
    }
    for name in english:
        del namespace[name]
    SOURCES[str(namespace["__name__"])] = english
    return english


def reader(module: str, english: Mapping[str, Text]) -> Callable[[str], Text]:
    """A text module's ``__getattr__``: its texts in the language of the run."""

    def __getattr__(name: str) -> Text:
        return lookup(name, english, module)

    return __getattr__


def close_text_module(namespace: MutableMapping[str, object]) -> dict[str, Text]:
    """A text module's closing block: its texts leave ``namespace`` and answer by language.

    The one owner of what every text module (``texts``, ``passkey_texts``...)
    does last, so no module can do half of it: ``english_catalog`` moves the
    constants into the English catalog it returns, and the module gets
    ``reader`` as its ``__getattr__``. Set through the namespace, that
    ``__getattr__`` stays invisible to mypy, which keeps checking each
    ``texts.NAME`` against the constants written above the call.
    """
    english = english_catalog(namespace)
    namespace["__getattr__"] = reader(str(namespace["__name__"]), english)
    return english


def keyed_text(source: ModuleType, prefix: str, key: str) -> str | None:
    """The text ``<prefix><KEY>`` of ``source`` (``OIDC_ERROR_`` + "cancelled"), if there is one.

    ``key`` may come from a URL: only a short lowercase word is looked up.
    """
    if not _KEY.fullmatch(key):
        return None
    value = getattr(source, prefix + key.upper(), None)
    return value if isinstance(value, str) else None


def error_codes() -> frozenset[str]:
    """Every code an ``AuthgateError`` can carry, plus the password-policy codes."""
    found: set[str] = set()
    pending: list[type[AuthgateError]] = [AuthgateError]
    while pending:
        cls = pending.pop()
        found.add(cls.code)
        pending.extend(cls.__subclasses__())
    return frozenset(found) | VIOLATION_CODES


def _translated(catalog: Mapping[str, str], code: str, **fields: object) -> str | None:
    template = catalog.get(code)
    return template.format(**fields) if template is not None else None


def _violation(catalog: Mapping[str, str], code: str, message: str) -> str:
    number = _NUMBER.search(message)
    text = _translated(catalog, code, count=number.group() if number else "")
    return text or message


def error_text(error: AuthgateError) -> str:
    """``error``'s message in the current language (the core's own English otherwise)."""
    language = _language.get()
    if language == "en":
        return error.message
    catalog: Mapping[str, str] = getattr(CATALOGS[language], "ERRORS", {})
    if isinstance(error, AccountLocked):
        minutes = max(1, (error.retry_after_seconds + 59) // 60)
        return _translated(catalog, error.code, minutes=minutes) or error.message
    if isinstance(error, WeakPassword):
        parts = [_violation(catalog, v.code, v.message) for v in error.violations]
        return " ".join(parts) or _translated(catalog, error.code) or error.message
    text = _translated(catalog, error.code)
    if text is None:
        return error.message
    if error.code in _DETAILED and error.message != type(error).default_message:
        return f"{text} ({error.message})"  # the detail, in English, beats no detail
    return text
