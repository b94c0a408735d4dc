"""Every message authgate sends, in one place.

Plain text first (it is what security mail should be readable as), each
message naming the site and saying what to do if the reader did not ask for
it. Links are built from ``public_url`` by the caller; the templates only
place them. No template includes a password or an MFA code.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from authgate.core.recovery.mail import MailMessage

__all__ = ["email_verification", "password_reset", "username_reminder"]


def _minutes(ttl: timedelta) -> str:
    minutes = max(1, int(ttl.total_seconds() // 60))
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def password_reset(*, to: str, username: str, link: str, ttl: timedelta, site: str) -> MailMessage:
    return MailMessage(
        to=to,
        subject=f"Reset your {site} password",
        text=(
            f"Hello {username},\n\n"
            f"Someone asked to reset the password of your {site} account.\n"
            f"To choose a new password, open this link within {_minutes(ttl)}:\n\n"
            f"{link}\n\n"
            "The link works once. Setting a new password signs you out everywhere.\n"
            "If you did not ask for this, ignore this message: your password stays "
            "as it is.\n"
        ),
    )


def username_reminder(*, to: str, usernames: Sequence[str], site: str) -> MailMessage:
    names = "\n".join(f"  {name}" for name in usernames)
    plural = "s" if len(usernames) != 1 else ""
    return MailMessage(
        to=to,
        subject=f"Your {site} username",
        text=(
            f"Hello,\n\nSomeone asked for the {site} username{plural} registered with "
            f"this address:\n\n{names}\n\n"
            "If you did not ask for this, you can ignore this message.\n"
        ),
    )


def email_verification(
    *, to: str, username: str, link: str, ttl: timedelta, site: str
) -> MailMessage:
    return MailMessage(
        to=to,
        subject=f"Confirm your email address for {site}",
        text=(
            f"Hello {username},\n\n"
            f"Please confirm that this is your email address for {site} by opening "
            f"this link within {_minutes(ttl)}:\n\n{link}\n\n"
            "If you did not create this account, ignore this message.\n"
        ),
    )
