"""Hash, verify and upgrade passwords across the configured hashers.

The service answers one question for the login path: does this password match
this stored hash, and if so, should the stored hash be replaced? The caller
(``PasswordLogin``) saves the replacement quietly; it is an upgrade of the
storage format, not a password change.

Passwords are hashed in Unicode NFKC form (NIST SP 800-63B 5.1.1.2): "é" typed
as one code point or as "e" plus a combining accent, on whichever keyboard,
is the same password. Hashes made before that rule, from the raw form, still
verify and are replaced by the normalized form at the next successful login.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Sequence

from authgate.core.passwords.hashers import Hasher, build_hashers
from authgate.errors import InvalidInput

__all__ = ["PasswordService", "normalize_password"]


def normalize_password(password: str) -> str:
    """The form a password is hashed and measured in: NFKC, nothing else.

    No case folding or trimming: those would shrink the space of passwords.
    """
    return unicodedata.normalize("NFKC", password)


class PasswordService:
    """Hash with the preferred hasher, verify with whichever made the hash.

    ``hashers[0]`` is preferred: it makes every new hash and is the target of
    upgrades. The others only verify, so old hashes keep working until their
    owner next logs in.

    Raises ``ValueError`` in the constructor for an empty list or a preferred
    hasher that cannot make hashes (such as the legacy SHA-256 one), so a bad
    setting fails at start-up.
    """

    def __init__(self, *, hashers: Sequence[Hasher]) -> None:
        self._hashers: tuple[Hasher, ...] = tuple(hashers)
        if not self._hashers:
            raise ValueError("PasswordService needs at least one hasher")
        self._preferred = self._hashers[0]
        try:
            # Made once here so dummy_verify costs one real verify and no hash.
            # The random secret is discarded: no password can match it.
            self._dummy_hash = self._preferred.hash(secrets.token_urlsafe(32))
        except InvalidInput as exc:
            raise ValueError(
                f"{self._preferred.algorithm!r} cannot be the preferred hasher: "
                "it does not make new hashes"
            ) from exc

    @classmethod
    def from_names(
        cls,
        names: Sequence[str],
        *,
        argon2_memory_cost: int = 19456,
        argon2_time_cost: int = 2,
        argon2_parallelism: int = 1,
        bcrypt_rounds: int = 12,
    ) -> PasswordService:
        """Build the service from setting names, e.g. ``["argon2", "bcrypt"]``.

        Raises ``ValueError`` for unknown names (see ``build_hashers``).
        """
        return cls(
            hashers=build_hashers(
                names,
                argon2_memory_cost=argon2_memory_cost,
                argon2_time_cost=argon2_time_cost,
                argon2_parallelism=argon2_parallelism,
                bcrypt_rounds=bcrypt_rounds,
            )
        )

    def __repr__(self) -> str:
        return f"PasswordService(hashers={list(self._hashers)!r})"

    @property
    def hashers(self) -> tuple[Hasher, ...]:
        """The configured hashers, preferred first."""
        return self._hashers

    @property
    def preferred(self) -> Hasher:
        """The hasher that makes new hashes."""
        return self._preferred

    def hash(self, password: str) -> str:
        """Hash ``password`` with the preferred hasher.

        The NFKC form is hashed, so registration, a password change and a
        reset (which all come here) store the same hash for the same typed
        password. Does not apply the password policy; run
        ``PasswordPolicy.validate`` first. Raises ``InvalidInput`` for a
        non-str password or one the hasher cannot represent (over 72 bytes
        for bcrypt).
        """
        _require_str(password)
        return self._preferred.hash(normalize_password(password))

    def verify(self, password: str, encoded: str) -> tuple[bool, str | None]:
        """Check ``password`` against ``encoded``: ``(ok, new_hash or None)``.

        ``new_hash`` is set only when the password is right and the stored
        hash came from a non-preferred hasher or from other parameters; the
        caller should store it. If the preferred hasher cannot hash this
        password (bcrypt and a long legacy password), the login still succeeds
        and the old hash stays.

        A stored hash no hasher recognises (empty, garbage, a disabled
        algorithm) gives ``(False, None)`` and never raises. It still costs one
        preferred verify, so an account with an unusable hash cannot be told
        apart by timing (the flaw behind Django's CVE-2024-39329).

        The NFKC form is tried first, then, if it differs, the raw form, which
        is how hashes made before normalization were computed; a match on the
        raw form always yields a ``new_hash`` of the NFKC form. A wrong
        password whose forms differ therefore costs two verifies, and
        ``dummy_verify`` spends the same two, so the count still says nothing
        about whether the account exists.

        Raises ``InvalidInput`` only if ``password`` is not a str.
        """
        _require_str(password)
        hasher = self._identify(encoded)
        if hasher is None:
            self.dummy_verify(password)
            return False, None
        matched = next(
            (form for form in _forms(password) if _safe_verify(hasher, form, encoded)), None
        )
        if matched is None:
            return False, None
        normalized = matched == normalize_password(password)
        if normalized and hasher is self._preferred and not hasher.needs_rehash(encoded):
            return True, None
        try:
            return True, self.hash(password)
        except InvalidInput:
            return True, None

    def dummy_verify(self, password: str) -> None:
        """Spend the time of a real ``verify``, for a login with an unknown username.

        Without it, "no such user" answers faster than "wrong password" and a
        stopwatch enumerates accounts. The result is thrown away. It tries
        as many forms of the password as ``verify`` would.
        """
        _require_str(password)
        for form in _forms(password):
            self._preferred.verify(form, self._dummy_hash)

    def scheme_of(self, encoded: str) -> str:
        """The algorithm name of a stored hash, for audit details (never the hash itself).

        Asked of the configured hashers, so a new hasher is named correctly
        without a second table; a hash none of them reads is "unknown".
        """
        hasher = self._identify(encoded)
        return hasher.algorithm if hasher is not None else "unknown"

    def _identify(self, encoded: object) -> Hasher | None:
        if not isinstance(encoded, str) or not encoded:
            return None
        for hasher in self._hashers:
            try:
                if hasher.identify(encoded):
                    return hasher
            except (ValueError, TypeError):
                continue
        return None


def _forms(password: str) -> tuple[str, ...]:
    """The forms ``verify`` tries: NFKC, then the raw form if it differs (older hashes)."""
    normalized = normalize_password(password)
    return (normalized,) if normalized == password else (normalized, password)


def _safe_verify(hasher: Hasher, password: str, encoded: str) -> bool:
    try:
        return hasher.verify(password, encoded)
    except (ValueError, TypeError):
        return False  # a third-party hasher broke the "never raise" rule


def _require_str(password: object) -> None:
    if not isinstance(password, str):
        raise InvalidInput("The password must be text.")
