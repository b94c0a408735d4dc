"""Tests for authgate.core.passwords.validators: each NIST rule and the policy runner."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from authgate.core.passwords.validators import (
    CommonPasswordValidator,
    MaximumLengthValidator,
    MinimumLengthValidator,
    NotEmptyOrWhitespaceValidator,
    PasswordPolicy,
    UserAttributeValidator,
)
from authgate.errors import InvalidInput, PolicyViolation, WeakPassword

NO_USER: dict[str, str | None] = {"username": None, "email": None}


def codes(policy: PasswordPolicy, password: str, **user: str | None) -> list[str]:
    return [v.code for v in policy.violations(password, **user)]


# --- single validators -------------------------------------------------------------


def test_minimum_length_message_and_code() -> None:
    assert MinimumLengthValidator().validate("1234567", **NO_USER) == [
        PolicyViolation("password_too_short", "Password must be at least 8 characters.")
    ]
    assert MinimumLengthValidator().validate("12345678", **NO_USER) == []


def test_minimum_length_counts_code_points_after_nfkc() -> None:
    validator = MinimumLengthValidator(min_length=4)
    # "e" + combining acute composes to one character under NFKC.
    assert validator.validate("e\u0301" * 3, **NO_USER) != []
    assert validator.validate("é" * 4, **NO_USER) == []
    assert validator.validate("😀" * 4, **NO_USER) == []  # one code point each, not bytes


def test_minimum_length_singular_message() -> None:
    [violation] = MinimumLengthValidator(min_length=1).validate("", **NO_USER)
    assert violation.message == "Password must be at least 1 character."


def test_maximum_length_refuses_not_truncates() -> None:
    validator = MaximumLengthValidator()
    assert validator.validate("a" * 128, **NO_USER) == []
    assert validator.validate("a" * 129, **NO_USER) == [
        PolicyViolation("password_too_long", "Password must be at most 128 characters.")
    ]


@pytest.mark.parametrize("password", ["", " ", "\t\n  \u3000"])
def test_empty_or_whitespace_is_refused(password: str) -> None:
    [violation] = NotEmptyOrWhitespaceValidator().validate(password, **NO_USER)
    assert violation.code == "password_empty"


def test_common_password_is_case_insensitive() -> None:
    validator = CommonPasswordValidator()
    for password in [
        "password",
        "PassWord",
        "ILOVEYOU",
        " qwertyuiop ",
        "\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44",
    ]:
        assert [v.code for v in validator.validate(password, **NO_USER)] == [
            "password_too_common"
        ], password
    assert validator.validate("violet kettle orbit", **NO_USER) == []


def test_common_password_accepts_custom_list_in_any_case() -> None:
    validator = CommonPasswordValidator(["Acme2024!"])
    assert validator.validate("acme2024!", **NO_USER) != []
    assert validator.validate("password", **NO_USER) == []


def test_user_attribute_username_case_insensitive() -> None:
    validator = UserAttributeValidator()
    [violation] = validator.validate("myALICEpass", username="Alice", email=None)
    assert violation == PolicyViolation(
        "password_contains_username", "Password must not contain your username."
    )


def test_user_attribute_email_local_part() -> None:
    validator = UserAttributeValidator()
    [violation] = validator.validate("xx-j.smith-xx", username=None, email="J.Smith@example.org")
    assert violation.code == "password_contains_email"
    # The domain is not the user's secret-ish attribute; only the local part counts.
    assert validator.validate("example.org rocks", username=None, email="js@example.org") == []
    # A +tag is ignored: ann+shop guards "ann".
    assert validator.validate("annabel lee", username=None, email="ann+shop@x.org") != []


def test_user_attribute_ignores_short_parts() -> None:
    validator = UserAttributeValidator()
    assert validator.validate("alphabet soup", username="al", email="al@x.org") == []
    assert validator.validate("alphabet soup", username="alp", email=None) != []


def test_user_attribute_reports_both_at_once() -> None:
    violations = UserAttributeValidator().validate(
        "bobby tables", username="bobby", email="tables@x.org"
    )
    assert [v.code for v in violations] == [
        "password_contains_username",
        "password_contains_email",
    ]


@pytest.mark.parametrize(
    "factory",
    [
        lambda: MinimumLengthValidator(0),
        lambda: MaximumLengthValidator(0),
        lambda: UserAttributeValidator(0),
        lambda: PasswordPolicy.default(min_length=20, max_length=10),
    ],
)
def test_bad_configuration_fails_in_constructor(factory: object) -> None:
    with pytest.raises(ValueError):
        factory()  # type: ignore[operator]


# --- the policy ------------------------------------------------------------------------


def test_policy_accepts_128_and_rejects_129_without_truncating() -> None:
    policy = PasswordPolicy.default()
    policy.validate("a1b2c3d4" * 16)  # 128 characters
    with pytest.raises(WeakPassword) as caught:
        policy.validate("a1b2c3d4" * 16 + "e")
    assert caught.value.codes == ("password_too_long",)


def test_weak_password_carries_every_code_at_once() -> None:
    policy = PasswordPolicy.default()
    with pytest.raises(WeakPassword) as caught:
        policy.validate("bob", username="bob", email="bob@example.org")
    assert set(caught.value.codes) == {
        "password_too_short",
        "password_contains_username",
        "password_contains_email",
    }
    assert all(v.message for v in caught.value.violations)
    assert "at least 8 characters" in caught.value.message


def test_weak_password_common_and_username() -> None:
    policy = PasswordPolicy.default()
    with pytest.raises(WeakPassword) as caught:
        policy.validate("password", username="password")
    assert caught.value.codes == ("password_too_common", "password_contains_username")


def test_empty_password_reports_empty_and_short() -> None:
    with pytest.raises(WeakPassword) as caught:
        PasswordPolicy.default().validate("")
    assert caught.value.codes == ("password_empty", "password_too_short")


def test_no_composition_rules() -> None:
    """NIST: lower-case letters only is fine if it is long and uncommon."""
    PasswordPolicy.default().validate("correct horse battery staple", username="alice")


def test_custom_bounds() -> None:
    policy = PasswordPolicy.default(min_length=12, max_length=20)
    assert codes(policy, "violet kettle") == []
    assert codes(policy, "violetkettl") == ["password_too_short"]
    assert codes(policy, "violet kettle orbit x") == ["password_too_long"]


def test_help_texts_one_per_validator() -> None:
    policy = PasswordPolicy.default()
    texts = policy.help_texts()
    assert len(texts) == len(policy.validators)
    assert "Your password must contain at least 8 characters." in texts
    assert all(isinstance(text, str) and text for text in texts)


def test_empty_policy_accepts_anything() -> None:
    PasswordPolicy([]).validate("")


@pytest.mark.parametrize(
    ("password", "user"),
    [
        (None, {}),
        (12345678, {}),
        (b"password", {}),
        ("fine password", {"username": 42}),
        ("fine password", {"email": ["a@b.c"]}),
    ],
)
def test_non_str_input_is_invalid_input(password: object, user: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        PasswordPolicy.default().validate(password, **user)  # type: ignore[arg-type]


@given(password=st.text(max_size=200), username=st.text(max_size=20), email=st.emails())
def test_policy_only_raises_weak_password(password: str, username: str, email: str) -> None:
    try:
        PasswordPolicy.default().validate(password, username=username, email=email)
    except WeakPassword as exc:
        assert exc.violations
