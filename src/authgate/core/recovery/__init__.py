"""Account recovery: forgot password, forgot username, email verification, and the mail.

Every flow here answers the same way whether or not an account exists, sends
mail only after its change is committed, and never lets a delivery failure
change the answer.
"""

from authgate.core.recovery.email_verification import VERIFICATION_TTL, EmailVerification
from authgate.core.recovery.mail import (
    BackgroundMailer,
    FileMailer,
    LogMailer,
    Mailer,
    MailMessage,
    SmtpMailer,
    mailer_from_settings,
)
from authgate.core.recovery.password_reset import RESET_TTL, AccountRecovery, PasswordResetInfo

__all__ = [
    "RESET_TTL",
    "VERIFICATION_TTL",
    "AccountRecovery",
    "BackgroundMailer",
    "EmailVerification",
    "FileMailer",
    "LogMailer",
    "MailMessage",
    "Mailer",
    "PasswordResetInfo",
    "SmtpMailer",
    "mailer_from_settings",
]
