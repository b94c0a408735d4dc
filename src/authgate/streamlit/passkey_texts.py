"""What the passkey pages say (kept apart from ``texts.py`` so both can grow independently).

A second text module under the same rules as ``texts``: the values here are
English, the translations live in ``authgate.streamlit.locales`` (one
``TEXTS`` per language, names unique across text modules), and the closing
block makes ``passkey_texts.NAME`` answer in the language of the run.
"""

from __future__ import annotations

from authgate.streamlit import i18n as _i18n

PASSKEYS_HEADER = "Passkeys"
PASSKEYS_INTRO = (
    "A passkey logs you in with your device's fingerprint, face or PIN instead of a password. "
    "It cannot be phished: it only works on this site."
)
PASSKEY_NAME = "Passkey name"
PASSKEY_NAME_HELP = "Where the passkey lives, e.g. 'Work laptop' or 'Phone'."
PASSKEY_ADD = "Add a passkey"
PASSKEY_ADDED = "Passkey '{name}' added. You can now log in with it."
PASSKEY_NAME_MISSING = "Give the passkey a name first."
PASSKEY_NONE = "You have no passkeys yet."
PASSKEY_REMOVE = "Remove"
PASSKEY_REMOVED = "Passkey '{name}' removed."
PASSKEY_ADDED_AT = "Added {when}"
PASSKEY_LAST_USED = "last used {when}"
PASSKEY_NEVER_USED = "never used"
PASSKEY_LOG_IN = "Log in with a passkey"
PASSKEY_SECOND_STEP = "Use a passkey instead"
PASSKEY_CANCELLED = (
    "No passkey was used: the request was cancelled or timed out, or this device has no "
    "passkey for this site. Nothing changed; try again when ready."
)
PASSKEY_UNSUPPORTED = "This browser cannot use passkeys here."
PASSKEY_FAILED = "The passkey could not be used ({error}). Please try again."
REAUTH_INTRO = "For your security, confirm it is you: your last login was more than 10 minutes ago."
REAUTH_PASSWORD = "Password"  # noqa: S105 - a label
REAUTH_CONFIRM = "Confirm with password"
REAUTH_WITH_PASSKEY = "Confirm with a passkey"
REAUTH_DONE = "Thanks, confirmed. Now repeat what you wanted to do."
ADMIN_PASSKEYS = "Passkeys"
ADMIN_PASSKEY_REMOVED = "Removed passkey '{name}' of {username}."


# -- languages: keep this block last (see texts.py) -----------------------------------------
ENGLISH = _i18n.close_text_module(globals())
