"""Password hashers: one small class per algorithm, chosen by name.

Each hasher recognises its own encoded form (``identify``), so a database can
hold hashes from several algorithms at once: new hashes use the preferred
(first configured) hasher, the others only verify, and a successful login
under an old algorithm or cost is upgraded by ``PasswordService``.

The rule every ``verify`` keeps: it returns ``False`` for a wrong password and
for a malformed hash, and never raises. A hash in the database is data, and bad
data must not turn a login into a crash (or a crash into an oracle).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Final, Protocol

from argon2.exceptions import InvalidHashError
from pwdlib.hashers.argon2 import Argon2Hasher as _PwdlibArgon2
from pwdlib.hashers.bcrypt import BcryptHasher as _PwdlibBcrypt

from authgate.errors import InvalidInput

__all__ = [
    "HASHERS",
    "Argon2Hasher",
    "BcryptHasher",
    "Hasher",
    "LegacySha256Hasher",
    "build_hashers",
]

BCRYPT_MAX_BYTES: Final = 72
"""bcrypt ignores every byte past the 72nd; longer passwords are refused, never cut."""

_ARGON2_HASH: Final = re.compile(
    r"\$argon2(?:id|i|d)(?:\$v=\d{1,4})?\$m=\d{1,10},t=\d{1,10},p=\d{1,3}"
    r"\$[A-Za-z0-9+/]{8,}\$[A-Za-z0-9+/]{8,}",
    re.ASCII,
)
_BCRYPT_HASH: Final = re.compile(r"\$(2[aby])\$(\d\d)\$[./A-Za-z0-9]{53}", re.ASCII)
_SHA256_HASH: Final = re.compile(r"(?:sha256\$)?([0-9a-fA-F]{64})")


class Hasher(Protocol):
    """What ``PasswordService`` needs from one password hashing algorithm.

    ``algorithm`` is the name used in the ``password_hashers`` setting.
    ``verify`` and ``identify`` must return ``False`` rather than raise on input
    they cannot handle; ``hash`` raises ``InvalidInput`` for a password the
    algorithm cannot represent faithfully.
    """

    algorithm: str

    def identify(self, encoded: str) -> bool:
        """True if ``encoded`` is in this hasher's format (cheap, no hashing)."""
        ...

    def hash(self, password: str) -> str:
        """Hash ``password`` with a fresh salt and the configured cost."""
        ...

    def verify(self, password: str, encoded: str) -> bool:
        """True only if ``password`` matches ``encoded``; never raises."""
        ...

    def needs_rehash(self, encoded: str) -> bool:
        """True if ``encoded`` was made with other parameters than configured."""
        ...


class Argon2Hasher:
    """Argon2id, the preferred algorithm (OWASP: m=19 MiB, t=2, p=1).

    Built on pwdlib/argon2-cffi, whose C calls release the GIL, so hashing in a
    thread pool does not stall the event loop or other Streamlit sessions.
    ``needs_rehash`` is true for any hash whose variant, version or costs
    differ from the configured ones, so raising the cost upgrades users as
    they log in.
    """

    algorithm = "argon2"

    def __init__(
        self, *, memory_cost: int = 19456, time_cost: int = 2, parallelism: int = 1
    ) -> None:
        if parallelism < 1:
            raise ValueError("argon2 parallelism must be at least 1")
        if time_cost < 1:
            raise ValueError("argon2 time_cost must be at least 1")
        if memory_cost < 8 * parallelism:
            raise ValueError("argon2 memory_cost must be at least 8 KiB per lane")
        self.memory_cost = memory_cost
        self.time_cost = time_cost
        self.parallelism = parallelism
        self._engine = _PwdlibArgon2(
            memory_cost=memory_cost, time_cost=time_cost, parallelism=parallelism
        )

    def __repr__(self) -> str:
        return (
            f"Argon2Hasher(memory_cost={self.memory_cost}, time_cost={self.time_cost}, "
            f"parallelism={self.parallelism})"
        )

    def identify(self, encoded: str) -> bool:
        return isinstance(encoded, str) and _ARGON2_HASH.fullmatch(encoded) is not None

    def hash(self, password: str) -> str:
        _require_str(password)
        try:
            return self._engine.hash(password)
        except UnicodeError as exc:
            raise InvalidInput("The password contains characters that cannot be used.") from exc

    def verify(self, password: str, encoded: str) -> bool:
        if not (isinstance(password, str) and self.identify(encoded)):
            return False
        try:
            return self._engine.verify(password, encoded)
        except (ValueError, TypeError):
            # argon2-cffi's own errors are caught by pwdlib; this covers
            # passwords that are not encodable (lone surrogates) and parameters
            # the C library rejects outright.
            return False

    def needs_rehash(self, encoded: str) -> bool:
        if not self.identify(encoded):
            return True
        try:
            return self._engine.check_needs_rehash(encoded)
        except (InvalidHashError, ValueError, TypeError):
            return True


class BcryptHasher:
    """bcrypt, for hashes imported from streamlit-authenticator and similar apps.

    Verifies ``$2a$``, ``$2b$`` and ``$2y$`` hashes. bcrypt only reads the first
    72 bytes of a password; many libraries silently cut longer ones, which
    lets ``password[:72] + anything`` log in. Here a longer password never
    verifies and ``hash`` refuses it, so the cut cannot happen.
    """

    algorithm = "bcrypt"

    def __init__(self, *, rounds: int = 12) -> None:
        if not 4 <= rounds <= 31:
            raise ValueError("bcrypt rounds must be between 4 and 31")
        self.rounds = rounds
        self._engine = _PwdlibBcrypt(rounds=rounds, prefix="2b")

    def __repr__(self) -> str:
        return f"BcryptHasher(rounds={self.rounds})"

    def identify(self, encoded: str) -> bool:
        return isinstance(encoded, str) and _BCRYPT_HASH.fullmatch(encoded) is not None

    def hash(self, password: str) -> str:
        _require_str(password)
        raw = _encode(password)
        if raw is None:
            raise InvalidInput("The password contains characters that cannot be used.")
        if len(raw) > BCRYPT_MAX_BYTES:
            raise InvalidInput("The password is too long for bcrypt (more than 72 bytes).")
        return self._engine.hash(raw)

    def verify(self, password: str, encoded: str) -> bool:
        if not (isinstance(password, str) and self.identify(encoded)):
            return False
        raw = _encode(password)
        if raw is None or len(raw) > BCRYPT_MAX_BYTES:
            return False
        # $2y$ (PHP) is the same algorithm as $2b$; normalise so every bcrypt
        # backend accepts it.
        if encoded.startswith("$2y$"):
            encoded = "$2b$" + encoded[4:]
        try:
            return self._engine.verify(raw, encoded)
        except ValueError:
            return False

    def needs_rehash(self, encoded: str) -> bool:
        """True for other rounds, and for ``$2a$``/``$2y$`` so all end as ``$2b$``."""
        match = _BCRYPT_HASH.fullmatch(encoded) if isinstance(encoded, str) else None
        if match is None:
            return True
        return match.group(1) != "2b" or int(match.group(2)) != self.rounds


class LegacySha256Hasher:
    """Unsalted SHA-256 hex digests from older apps: verify-only, always upgraded.

    Accepts a bare 64-character hex digest or ``sha256$<hex>``. Such a digest
    falls to a lookup table, so ``needs_rehash`` is always true (the next
    successful login replaces it) and ``hash`` refuses to make new ones.
    """

    algorithm = "sha256"

    def __repr__(self) -> str:
        return "LegacySha256Hasher()"

    def identify(self, encoded: str) -> bool:
        return isinstance(encoded, str) and _SHA256_HASH.fullmatch(encoded) is not None

    def hash(self, password: str) -> str:
        raise InvalidInput("Unsalted SHA-256 is accepted for old passwords only.")

    def verify(self, password: str, encoded: str) -> bool:
        match = _SHA256_HASH.fullmatch(encoded) if isinstance(encoded, str) else None
        raw = _encode(password) if isinstance(password, str) else None
        if match is None or raw is None:
            return False
        digest = hashlib.sha256(raw).hexdigest()
        return hmac.compare_digest(digest, match.group(1).lower())

    def needs_rehash(self, encoded: str) -> bool:
        return True


HASHERS: Final[Mapping[str, type[Hasher]]] = MappingProxyType(
    {
        "argon2": Argon2Hasher,
        "bcrypt": BcryptHasher,
        "sha256": LegacySha256Hasher,
    }
)
"""Setting name → hasher class; read-only so no import can swap an algorithm."""


def build_hashers(
    names: Sequence[str],
    *,
    argon2_memory_cost: int = 19456,
    argon2_time_cost: int = 2,
    argon2_parallelism: int = 1,
    bcrypt_rounds: int = 12,
) -> list[Hasher]:
    """Build the configured hashers in order (first = preferred).

    Fails at start-up rather than at first login: raises ``ValueError`` naming
    every unknown or repeated name, and for an empty list.
    """
    if isinstance(names, str):
        raise ValueError("hasher names must be a list of names, not one string")
    if not names:
        raise ValueError("at least one password hasher must be configured")
    unknown = [name for name in names if name not in HASHERS]
    if unknown:
        raise ValueError(
            f"unknown password hasher(s): {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(sorted(HASHERS))}"
        )
    repeated = sorted({name for name in names if list(names).count(name) > 1})
    if repeated:
        raise ValueError(f"password hasher(s) listed twice: {', '.join(map(repr, repeated))}")
    hashers: list[Hasher] = []
    for name in names:
        if name == "argon2":
            hashers.append(
                Argon2Hasher(
                    memory_cost=argon2_memory_cost,
                    time_cost=argon2_time_cost,
                    parallelism=argon2_parallelism,
                )
            )
        elif name == "bcrypt":
            hashers.append(BcryptHasher(rounds=bcrypt_rounds))
        else:
            hashers.append(HASHERS[name]())
    return hashers


def _require_str(password: object) -> None:
    if not isinstance(password, str):
        raise InvalidInput("The password must be text.")


def _encode(password: str) -> bytes | None:
    """UTF-8 bytes of ``password``, or None if it holds lone surrogates."""
    try:
        return password.encode("utf-8")
    except UnicodeEncodeError:
        return None
