"""TOTP (RFC 6238) primitives: secrets, provisioning URIs, QR codes, verification.

Pure functions over a base32 secret and an explicit time, so tests pass a
frozen clock and the service decides where secrets and replay state live.
Codes are six digits on a 30-second step, the parameters every authenticator
app supports. Verification accepts the previous, current and next step (clock
drift) but only steps later than the last one accepted: that is the replay
guard, and the caller stores the step this module returns.
"""

from __future__ import annotations

import hmac
import io
import re
from dataclasses import dataclass, field
from datetime import datetime

import pyotp
import segno

from authgate.errors import MfaInvalidCode

__all__ = [
    "CODE_DIGITS",
    "STEP_SECONDS",
    "MfaEnrollment",
    "looks_like_totp",
    "matching_step",
    "new_secret",
    "normalize_totp",
    "provisioning_uri",
    "qr_png",
    "qr_svg",
    "time_step",
]

CODE_DIGITS = 6
STEP_SECONDS = 30
DRIFT_STEPS = 1
_SEPARATORS = re.compile(r"[\s-]+")


@dataclass(frozen=True)
class MfaEnrollment:
    """What the enrolment page shows: the secret as text and as a QR code.

    Every field is secret material (the QR code encodes the seed), so none
    appears in the repr.
    """

    secret: str = field(repr=False)
    provisioning_uri: str = field(repr=False)
    qr_png: bytes = field(repr=False)
    qr_svg: str = field(repr=False)

    @property
    def secret_grouped(self) -> str:
        """The secret in groups of four, easier to type into an app by hand."""
        return " ".join(self.secret[i : i + 4] for i in range(0, len(self.secret), 4))


def new_secret() -> str:
    """A fresh 160-bit secret in base32 (the length RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, *, account_name: str, issuer: str) -> str:
    """The ``otpauth://`` URI authenticator apps read from the QR code."""
    return pyotp.TOTP(secret, digits=CODE_DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account_name, issuer_name=issuer
    )


def qr_png(uri: str, *, scale: int = 5) -> bytes:
    """The URI as a PNG QR code (error correction M, quiet zone included)."""
    buffer = io.BytesIO()
    segno.make(uri, error="m", micro=False).save(buffer, kind="png", scale=scale)
    return buffer.getvalue()


def qr_svg(uri: str, *, scale: int = 5) -> str:
    """The URI as an SVG QR code, for pages that prefer markup to an image."""
    buffer = io.BytesIO()
    segno.make(uri, error="m", micro=False).save(
        buffer, kind="svg", scale=scale, xmldecl=False, svgns=True
    )
    return buffer.getvalue().decode("utf-8")


def time_step(at: datetime) -> int:
    """The TOTP counter for the moment ``at``."""
    return int(at.timestamp()) // STEP_SECONDS


def looks_like_totp(code: str) -> bool:
    """True when ``code`` is digits only once spaces and dashes are dropped."""
    compact = _SEPARATORS.sub("", code)
    return bool(compact) and compact.isascii() and compact.isdigit()


def normalize_totp(code: object) -> str:
    """The six digits of ``code`` ("123 456" and "123-456" allowed).

    Raises MfaInvalidCode for anything else (letters, wrong length, not text),
    so malformed input is refused before any secret is touched.
    """
    if not isinstance(code, str) or len(code) > 32:
        raise MfaInvalidCode("Enter the 6-digit code from your authenticator app.")
    compact = _SEPARATORS.sub("", code)
    if len(compact) != CODE_DIGITS or not compact.isascii() or not compact.isdigit():
        raise MfaInvalidCode("Enter the 6-digit code from your authenticator app.")
    return compact


def matching_step(
    secret: str, code: str, *, at: datetime, after_step: int | None = None
) -> int | None:
    """The time step whose code equals ``code``, or None.

    Looks at the steps within ``DRIFT_STEPS`` of ``at`` that are later than
    ``after_step`` (the last step already accepted for this secret), so a code
    is never good twice. Comparison is constant-time.
    """
    totp = pyotp.TOTP(secret, digits=CODE_DIGITS, interval=STEP_SECONDS)
    current = time_step(at)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if after_step is not None and step <= after_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
