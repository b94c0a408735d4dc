"""What the passkey pages say (kept apart from ``texts.py`` so both can grow independently)."""

from __future__ import annotations

from typing import Final

PASSKEYS_HEADER: Final = "Passkeys"
PASSKEYS_INTRO: Final = (
    "A passkey logs you in with your device's fingerprint, face or PIN instead of a password. "
    "It cannot be phished: it only works on this site."
)
PASSKEY_NAME: Final = "Passkey name"
PASSKEY_NAME_HELP: Final = "Where the passkey lives, e.g. 'Work laptop' or 'Phone'."
PASSKEY_ADD: Final = "Add a passkey"
PASSKEY_ADDED: Final = "Passkey '{name}' added. You can now log in with it."
PASSKEY_NAME_MISSING: Final = "Give the passkey a name first."
PASSKEY_NONE: Final = "You have no passkeys yet."
PASSKEY_REMOVE: Final = "Remove"
PASSKEY_REMOVED: Final = "Passkey '{name}' removed."
PASSKEY_ADDED_AT: Final = "Added {when}"
PASSKEY_LAST_USED: Final = "last used {when}"
PASSKEY_NEVER_USED: Final = "never used"
PASSKEY_LOG_IN: Final = "Log in with a passkey"
PASSKEY_SECOND_STEP: Final = "Use a passkey instead"
PASSKEY_CANCELLED: Final = (
    "No passkey was used: the request was cancelled or timed out, or this device has no "
    "passkey for this site. Nothing changed; try again when ready."
)
PASSKEY_UNSUPPORTED: Final = "This browser cannot use passkeys here."
PASSKEY_FAILED: Final = "The passkey could not be used ({error}). Please try again."
REAUTH_INTRO: Final = (
    "For your security, confirm it is you: your last login was more than 10 minutes ago."
)
REAUTH_PASSWORD: Final = "Password"  # noqa: S105 - a label
REAUTH_CONFIRM: Final = "Confirm with password"
REAUTH_WITH_PASSKEY: Final = "Confirm with a passkey"
REAUTH_DONE: Final = "Thanks, confirmed. Now repeat what you wanted to do."
ADMIN_PASSKEYS: Final = "Passkeys"
ADMIN_PASSKEY_REMOVED: Final = "Removed passkey '{name}' of {username}."
