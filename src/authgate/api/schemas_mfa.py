"""Bodies of the second-factor and account-recovery endpoints.

Codes are capped generously (a recovery code with dashes and spaces, pasted
from a file) so that only absurd inputs are a 422; whether a code is well
formed is the core's decision (``mfa_invalid_code``). Responses that carry
secrets (the TOTP seed, recovery codes) are sent with ``Cache-Control:
no-store`` by the routers.
"""

from __future__ import annotations

import base64
from datetime import datetime

from pydantic import BaseModel, Field

from authgate.api.errors import ErrorDetail
from authgate.api.schemas import RecordOut
from authgate.api.schemas_visitors import HandedVisitor
from authgate.core.login.flow import MFA_TICKET_TTL
from authgate.core.mfa.service import MfaStatus
from authgate.core.mfa.totp import MfaEnrollment
from authgate.errors import AuthgateError, MfaRequired

__all__ = [
    "AcceptedResponse",
    "EmailVerifiedResponse",
    "ForgotPasswordRequest",
    "ForgotUsernameRequest",
    "LoginErrorDetail",
    "LoginErrorResponse",
    "MfaCodeRequest",
    "MfaDisableRequest",
    "MfaEnrollmentOut",
    "MfaLoginRequest",
    "MfaStatusOut",
    "PasswordResetDone",
    "PasswordResetInfoOut",
    "PasswordResetRequest",
    "RecoveryCodesOut",
    "ResetTokenRequest",
    "VerificationSentResponse",
    "VerifyEmailRequest",
]

_CODE = Field(min_length=1, max_length=64, description="A 6-digit code or a recovery code.")
_TOKEN = Field(min_length=1, max_length=512, description="The token from the emailed link.")
_PASSWORD = Field(min_length=1, max_length=4096)


# -- the second login step ------------------------------------------------------


class LoginErrorDetail(ErrorDetail):
    """The error detail of a login; with ``mfa_required`` it also carries the ticket."""

    mfa_ticket: str | None = Field(
        default=None,
        description="With code mfa_required: trade it with a code at POST {prefix}/login/mfa.",
    )
    mfa_ticket_expires_in: int | None = Field(
        default=None, description="Seconds the ticket stays valid."
    )

    @classmethod
    def of(cls, error: AuthgateError) -> LoginErrorDetail:
        """The detail of ``error``; an ``MfaRequired`` with a ticket brings the ticket."""
        ticket = error.ticket if isinstance(error, MfaRequired) else None
        return cls(
            code=error.code,
            message=error.message,
            mfa_ticket=ticket,
            mfa_ticket_expires_in=None if ticket is None else int(MFA_TICKET_TTL.total_seconds()),
        )


class LoginErrorResponse(BaseModel):
    detail: LoginErrorDetail


class MfaLoginRequest(BaseModel):
    ticket: str = Field(min_length=1, max_length=512, description="The login's mfa_ticket.")
    code: str = _CODE
    visitor_token: HandedVisitor = None


# -- enrolment and management --------------------------------------------------------


class MfaStatusOut(RecordOut):
    enabled: bool
    confirmed_at: datetime | None
    recovery_codes_left: int
    enrollment_required: bool = Field(
        description="True while the user's roles require MFA and it is not on yet."
    )

    @classmethod
    def of(cls, status: MfaStatus) -> MfaStatusOut:
        return cls.from_record(status)


class MfaEnrollmentOut(RecordOut):
    """A pending secret: MFA stays off until POST /mfa/enroll/confirm sees a code from it."""

    secret: str = Field(description="The base32 seed, for typing into an app by hand.")
    provisioning_uri: str = Field(description="The otpauth:// URI the QR code encodes.")
    qr_svg: str = Field(description="The QR code as an SVG document.")
    qr_png_base64: str = Field(description="The QR code as a base64-encoded PNG.")

    @classmethod
    def of(cls, enrollment: MfaEnrollment) -> MfaEnrollmentOut:
        qr_png = base64.b64encode(enrollment.qr_png).decode("ascii")
        return cls.from_record(enrollment, qr_png_base64=qr_png)


class MfaCodeRequest(BaseModel):
    code: str = _CODE


class MfaDisableRequest(BaseModel):
    password: str = _PASSWORD
    code: str = _CODE


class RecoveryCodesOut(BaseModel):
    recovery_codes: list[str] = Field(
        description="Single-use codes; this is the only time they are shown."
    )


# -- recovery and verification ------------------------------------------------------


class ForgotPasswordRequest(BaseModel):
    login: str = Field(min_length=1, max_length=320, description="Username or email address.")


class ForgotUsernameRequest(BaseModel):
    email: str = Field(min_length=1, max_length=320)


class AcceptedResponse(BaseModel):
    """The same answer whether or not an account matched (no enumeration)."""

    message: str


class ResetTokenRequest(BaseModel):
    token: str = _TOKEN


class PasswordResetInfoOut(RecordOut):
    username: str
    mfa_required: bool = Field(description="True when the reset also needs a code.")
    expires_at: datetime


class PasswordResetRequest(BaseModel):
    token: str = _TOKEN
    new_password: str = _PASSWORD
    code: str | None = Field(
        default=None, min_length=1, max_length=64, description="Needed when MFA is on."
    )


class PasswordResetDone(BaseModel):
    username: str = Field(description="Log in with this name and the new password.")


class VerifyEmailRequest(BaseModel):
    token: str = _TOKEN


class EmailVerifiedResponse(RecordOut):
    username: str
    email_verified: bool


class VerificationSentResponse(BaseModel):
    sent: bool = Field(
        description="False when there was nothing to send: no address, already "
        "verified, or a link went out less than a minute ago."
    )
