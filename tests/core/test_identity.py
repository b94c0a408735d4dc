"""Username, email, login and role normalization: unit and property tests."""

from __future__ import annotations

import contextlib
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from authgate.core.identity import (
    normalize_display_name,
    normalize_email,
    normalize_login,
    normalize_role,
    normalize_username,
    sanitize_client_text,
)
from authgate.errors import InvalidEmail, InvalidInput, InvalidRole, InvalidUsername

ALLOWED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"


def test_username_examples() -> None:
    assert normalize_username(" Alice ").value == "Alice"
    assert normalize_username("Alice").key == "alice"
    assert normalize_username("\uff41\uff4c\uff49\uff43\uff45").value == "alice"  # fullwidth
    assert normalize_username("j.doe-2_x").key == "j.doe-2_x"


@given(st.text(min_size=0, max_size=60))
def test_username_never_crashes_and_valid_results_are_ascii(raw: str) -> None:
    try:
        name = normalize_username(raw)
    except InvalidUsername as error:
        assert error.message
        return
    assert 3 <= len(name.value) <= 32
    assert set(name.value) <= set(ALLOWED)
    assert name.key == name.value.casefold()
    assert normalize_username(name.value) == name  # idempotent


@given(st.text(alphabet=ALLOWED, min_size=3, max_size=32))
def test_case_variants_share_a_key(raw: str) -> None:
    try:
        name = normalize_username(raw)
    except InvalidUsername:
        return
    assert normalize_username(raw.upper()).key == normalize_username(raw.lower()).key == name.key


@given(st.text(max_size=400))
def test_login_key_is_total_and_consistent_with_usernames(raw: str) -> None:
    key = normalize_login(raw)
    assert key == "" or not any(unicodedata.category(c) == "Cc" for c in key)
    with contextlib.suppress(InvalidUsername):
        assert normalize_login(raw) == normalize_username(raw).key


def test_login_key_rejects_non_text() -> None:
    with pytest.raises(InvalidInput):
        normalize_login(None)


def test_email_examples() -> None:
    email = normalize_email(" Bob.Smith@EXAMPLE.org ")
    assert email.value == "Bob.Smith@example.org"
    assert email.key == "bob.smith@example.org"
    assert email.local_part == "Bob.Smith"
    for bad in ("", "bob", "bob@", "bob@@x.org", 5):
        with pytest.raises(InvalidEmail):
            normalize_email(bad)


@given(st.emails())
def test_generated_emails_normalize_stably(raw: str) -> None:
    try:
        email = normalize_email(raw)
    except InvalidEmail:
        return  # hypothesis emails include special-use domains the validator refuses
    assert normalize_email(email.value) == email


def test_display_names() -> None:
    assert normalize_display_name("  Ada   Lovelace ") == "Ada Lovelace"
    assert normalize_display_name(None, fallback="ada") == "ada"
    assert normalize_display_name("", fallback="ada") == "ada"
    for bad in ("x\u202ey", "a\nb\x07", 3):
        with pytest.raises(InvalidInput):
            normalize_display_name(bad)


def test_roles() -> None:
    assert normalize_role(" Admin ") == "admin"
    for bad in ("", "1admin", "ad min", "a" * 65, None):
        with pytest.raises(InvalidRole):
            normalize_role(bad)


@given(st.text(max_size=1000))
def test_client_text_is_storable(raw: str) -> None:
    value = sanitize_client_text(raw, 64)
    assert value is None or (0 < len(value) <= 64 and "\x00" not in value)
