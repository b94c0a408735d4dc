"""Passwords: hashing with upgrades, the NIST policy, and strength estimates.

``PasswordService`` hashes and verifies; ``PasswordPolicy`` decides what a new
password may be; ``estimate_strength`` feeds a strength meter. All take plain
arguments, so the settings object builds them once and passes them in.
"""

from authgate.core.passwords.blocklist import load_blocklist
from authgate.core.passwords.hashers import (
    HASHERS,
    Argon2Hasher,
    BcryptHasher,
    Hasher,
    LegacySha256Hasher,
    build_hashers,
)
from authgate.core.passwords.service import PasswordService, normalize_password
from authgate.core.passwords.strength import estimate_strength
from authgate.core.passwords.validators import (
    CommonPasswordValidator,
    MaximumLengthValidator,
    MinimumLengthValidator,
    NotEmptyOrWhitespaceValidator,
    PasswordPolicy,
    PasswordValidator,
    UserAttributeValidator,
)

__all__ = [
    "HASHERS",
    "Argon2Hasher",
    "BcryptHasher",
    "CommonPasswordValidator",
    "Hasher",
    "LegacySha256Hasher",
    "MaximumLengthValidator",
    "MinimumLengthValidator",
    "NotEmptyOrWhitespaceValidator",
    "PasswordPolicy",
    "PasswordService",
    "PasswordValidator",
    "UserAttributeValidator",
    "build_hashers",
    "estimate_strength",
    "load_blocklist",
    "normalize_password",
]
