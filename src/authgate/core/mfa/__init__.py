"""Two-factor authentication: TOTP secrets, recovery codes, and the code check.

``MfaService`` enrols, disables and reports; ``SecondFactorVerifier`` is the
one place a code is accepted (replay guard, lockout, audit), used by the
login's second step, by this service and by password resets alike.
"""

from authgate.core.mfa.secretbox import SecretBox
from authgate.core.mfa.service import MfaService, MfaStatus
from authgate.core.mfa.totp import MfaEnrollment
from authgate.core.mfa.verifier import SecondFactor, SecondFactorVerifier, parse_code

__all__ = [
    "MfaEnrollment",
    "MfaService",
    "MfaStatus",
    "SecondFactor",
    "SecondFactorVerifier",
    "SecretBox",
    "parse_code",
]
