"""The password policy (NIST SP 800-63B) as small validator classes.

Each validator checks one rule and explains it: ``validate`` returns the
violations it finds (empty when the password passes) and ``help_text`` says
the rule in a sentence for the registration form. ``PasswordPolicy`` runs them
all and raises one ``WeakPassword`` listing every violation, so a user fixes
everything in one go instead of meeting the rules one by one.

Following NIST there are no composition rules ("must contain a digit"):
they push people to ``Password1!`` and add no strength. Length, a blocklist
of common passwords and the user's own name are what matter.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import Protocol

from authgate.core.passwords.blocklist import load_blocklist
from authgate.core.passwords.service import normalize_password
from authgate.errors import InvalidInput, PolicyViolation, WeakPassword

__all__ = [
    "CommonPasswordValidator",
    "MaximumLengthValidator",
    "MinimumLengthValidator",
    "NotEmptyOrWhitespaceValidator",
    "PasswordPolicy",
    "PasswordValidator",
    "UserAttributeValidator",
]


class PasswordValidator(Protocol):
    """One policy rule: the violations for a password, and the rule in words."""

    def validate(
        self, password: str, *, username: str | None, email: str | None
    ) -> Sequence[PolicyViolation]: ...

    def help_text(self) -> str: ...


def _length(password: str) -> int:
    """Length in code points of the form that is hashed: ``"e\\u0301"`` is one character."""
    return len(normalize_password(password))


def _fold(text: str) -> str:
    """Comparable form: NFKC (full-width letters become ASCII) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def _characters(n: int) -> str:
    return f"{n} character{'s' if n != 1 else ''}"


class NotEmptyOrWhitespaceValidator:
    """Refuses an empty or whitespace-only password (code ``password_empty``)."""

    def validate(
        self, password: str, *, username: str | None, email: str | None
    ) -> list[PolicyViolation]:
        if password.strip():
            return []
        return [PolicyViolation("password_empty", "Password must not be empty or only spaces.")]

    def help_text(self) -> str:
        return "Your password can't be empty or only spaces."


class MinimumLengthValidator:
    """Refuses passwords shorter than ``min_length`` (code ``password_too_short``)."""

    def __init__(self, min_length: int = 8) -> None:
        if min_length < 1:
            raise ValueError("min_length must be at least 1")
        self.min_length = min_length

    def __repr__(self) -> str:
        return f"MinimumLengthValidator(min_length={self.min_length})"

    def validate(
        self, password: str, *, username: str | None, email: str | None
    ) -> list[PolicyViolation]:
        if _length(password) >= self.min_length:
            return []
        return [
            PolicyViolation(
                "password_too_short",
                f"Password must be at least {_characters(self.min_length)}.",
            )
        ]

    def help_text(self) -> str:
        return f"Your password must contain at least {_characters(self.min_length)}."


class MaximumLengthValidator:
    """Refuses passwords longer than ``max_length`` (code ``password_too_long``).

    A long password is refused, never cut: cutting would make every password
    sharing the first ``max_length`` characters interchangeable. The cap keeps
    hashing cost bounded and is far above what NIST requires (64).
    """

    def __init__(self, max_length: int = 128) -> None:
        if max_length < 1:
            raise ValueError("max_length must be at least 1")
        self.max_length = max_length

    def __repr__(self) -> str:
        return f"MaximumLengthValidator(max_length={self.max_length})"

    def validate(
        self, password: str, *, username: str | None, email: str | None
    ) -> list[PolicyViolation]:
        if _length(password) <= self.max_length:
            return []
        return [
            PolicyViolation(
                "password_too_long",
                f"Password must be at most {_characters(self.max_length)}.",
            )
        ]

    def help_text(self) -> str:
        return f"Your password can't be longer than {_characters(self.max_length)}."


class CommonPasswordValidator:
    """Refuses passwords on a list of common ones (code ``password_too_common``).

    Compared case-insensitively after NFKC and trimming, so ``PassWord`` and
    ``password `` are caught too. Defaults to the shipped list of 30,000.
    """

    def __init__(self, blocklist: Iterable[str] | None = None) -> None:
        # The shipped list is already folded (lower-case ASCII); reuse it as is.
        self._blocklist = (
            load_blocklist()
            if blocklist is None
            else frozenset(_fold(entry).strip() for entry in blocklist)
        )

    def __repr__(self) -> str:
        return f"CommonPasswordValidator(<{len(self._blocklist)} entries>)"

    def validate(
        self, password: str, *, username: str | None, email: str | None
    ) -> list[PolicyViolation]:
        if _fold(password).strip() not in self._blocklist:
            return []
        return [PolicyViolation("password_too_common", "This password is too common.")]

    def help_text(self) -> str:
        return "Your password can't be a commonly used password."


class UserAttributeValidator:
    """Refuses a password containing the username or the email's local part.

    Codes ``password_contains_username`` and ``password_contains_email``.
    Case-insensitive; a ``+tag`` on the local part is ignored
    (``ann+shop@x.org`` guards ``ann``). Parts shorter than ``min_part_length``
    are skipped: "al" inside a password says nothing about it.
    """

    def __init__(self, min_part_length: int = 3) -> None:
        if min_part_length < 1:
            raise ValueError("min_part_length must be at least 1")
        self.min_part_length = min_part_length

    def __repr__(self) -> str:
        return f"UserAttributeValidator(min_part_length={self.min_part_length})"

    def validate(
        self, password: str, *, username: str | None, email: str | None
    ) -> list[PolicyViolation]:
        folded = _fold(password)
        violations: list[PolicyViolation] = []
        if username and self._contains(folded, username):
            violations.append(
                PolicyViolation(
                    "password_contains_username", "Password must not contain your username."
                )
            )
        if email:
            local = email.rpartition("@")[0] if "@" in email else email
            local = local.split("+", 1)[0]
            if self._contains(folded, local):
                violations.append(
                    PolicyViolation(
                        "password_contains_email",
                        "Password must not contain your email address.",
                    )
                )
        return violations

    def _contains(self, folded_password: str, attribute: str) -> bool:
        part = _fold(attribute).strip()
        return len(part) >= self.min_part_length and part in folded_password

    def help_text(self) -> str:
        return "Your password can't contain your username or email address."


class PasswordPolicy:
    """Runs every validator and raises one ``WeakPassword`` with all violations."""

    def __init__(self, validators: Sequence[PasswordValidator]) -> None:
        self.validators: tuple[PasswordValidator, ...] = tuple(validators)

    @classmethod
    def default(cls, *, min_length: int = 8, max_length: int = 128) -> PasswordPolicy:
        """The NIST policy: not empty, length bounds, not common, not the user's name.

        Raises ``ValueError`` if ``min_length`` exceeds ``max_length`` (no
        password could pass).
        """
        if min_length > max_length:
            raise ValueError("min_length must not exceed max_length")
        return cls(
            [
                NotEmptyOrWhitespaceValidator(),
                MinimumLengthValidator(min_length),
                MaximumLengthValidator(max_length),
                CommonPasswordValidator(),
                UserAttributeValidator(),
            ]
        )

    def __repr__(self) -> str:
        return f"PasswordPolicy({list(self.validators)!r})"

    def violations(
        self, password: str, *, username: str | None = None, email: str | None = None
    ) -> list[PolicyViolation]:
        """Every violation of ``password``, in validator order (empty if it passes).

        Raises ``InvalidInput`` if ``password`` is not a str, or ``username``
        or ``email`` is neither a str nor None.
        """
        if not isinstance(password, str):
            raise InvalidInput("The password must be text.")
        for value in (username, email):
            if value is not None and not isinstance(value, str):
                raise InvalidInput("The username and email must be text.")
        found: list[PolicyViolation] = []
        for validator in self.validators:
            found.extend(validator.validate(password, username=username, email=email))
        return found

    def validate(
        self, password: str, *, username: str | None = None, email: str | None = None
    ) -> None:
        """Raise ``WeakPassword`` listing every violation, or return if none.

        Raises ``InvalidInput`` for non-str input (see ``violations``).
        """
        found = self.violations(password, username=username, email=email)
        if found:
            raise WeakPassword(found)

    def help_texts(self) -> list[str]:
        """One sentence per rule, for showing next to the password field."""
        return [validator.help_text() for validator in self.validators]
