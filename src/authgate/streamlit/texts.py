# ruff: noqa: S105  (labels that mention passwords are not passwords)
"""Every string the gate shows to a person, in one place.

Labels here are part of authgate's contract: applications, tests and
translations refer to them. A translation replaces this module's values (for
example by assigning them at start-up); nothing else in the gate holds text.
Error messages from the core (wrong credentials, locked, disabled) are shown as
the core words them and are not repeated here.
"""

from __future__ import annotations

from typing import Final

# -- page titles -------------------------------------------------------------
LOGIN_TITLE: Final = "Log in"
REGISTER_TITLE: Final = "Register"
FORGOT_TITLE: Final = "Forgot password?"
ACCOUNT_TITLE: Final = "Account"
ADMIN_TITLE: Final = "Admin"

# -- login ---------------------------------------------------------------------
USERNAME: Final = "Username"
USERNAME_HELP: Final = "Your username or email address."
PASSWORD: Final = "Password"
REMEMBER_ME: Final = "Remember me"
REMEMBER_ME_HELP: Final = "Stay logged in on this browser for longer."
LOG_IN: Final = "Log in"
REGISTER_LINK: Final = "Register"
FORGOT_LINK: Final = "Forgot password?"
LOGIN_REQUIRED: Final = "Please log in to see this page."
MISSING_CREDENTIALS: Final = "Enter your username (or email) and your password."

# -- register -----------------------------------------------------------------
EMAIL: Final = "Email"
EMAIL_HELP: Final = "Optional. Used to recover your account."
DISPLAY_NAME: Final = "Display name"
CONFIRM_PASSWORD: Final = "Confirm password"
CREATE_ACCOUNT: Final = "Create account"
PASSWORDS_DIFFER: Final = "The two passwords do not match."
REGISTRATION_CLOSED: Final = "Self-registration is disabled. Ask an administrator for an account."
STRENGTH_LABELS: Final = ("Very weak", "Weak", "Fair", "Strong", "Very strong")
STRENGTH_HINT: Final = "Strength: {label}. {advice}"
STRENGTH_EMPTY: Final = "Strength: type a password to see how guessable it is."
ALREADY_HAVE_ACCOUNT: Final = "Already have an account?"

# -- forgot password ------------------------------------------------------------
FORGOT_BODY: Final = (
    "Password recovery by email is not configured on this site yet. "
    "Ask an administrator to reset your password."
)
BACK_TO_LOGIN: Final = "Back to log in"

# -- account --------------------------------------------------------------------
PROFILE_HEADER: Final = "Profile"
SAVE_PROFILE: Final = "Save profile"
PROFILE_SAVED: Final = "Your profile was saved."
PROFILE_UNCHANGED: Final = "Nothing to save: the profile is unchanged."
CHANGE_PASSWORD_HEADER: Final = "Change password"
CURRENT_PASSWORD: Final = "Current password"
NEW_PASSWORD: Final = "New password"
CONFIRM_NEW_PASSWORD: Final = "Confirm new password"
CHANGE_PASSWORD: Final = "Change password"
PASSWORD_CHANGED: Final = "Your password was changed. Other sessions were logged out ({count})."
SESSIONS_HEADER: Final = "Active sessions"
SESSION_DEVICE: Final = "Device"
SESSION_IP: Final = "IP"
SESSION_LAST_SEEN: Final = "Last seen"
SESSION_STARTED: Final = "Started"
SESSION_THIS: Final = "This session"
THIS_SESSION_MARK: Final = "✓ this one"
UNKNOWN_DEVICE: Final = "Unknown device"
LOG_OUT_OTHERS: Final = "Log out other sessions"
OTHERS_LOGGED_OUT: Final = "Logged out {count} other session(s)."
NO_OTHER_SESSIONS: Final = "There are no other sessions to log out."

# -- admin ----------------------------------------------------------------------
ADMIN_USERS_HEADER: Final = "Users"
ADMIN_PLACEHOLDER: Final = "User management arrives in a later version; this is a read-only list."
COLUMN_USERNAME: Final = "Username"
COLUMN_DISPLAY_NAME: Final = "Display name"
COLUMN_EMAIL: Final = "Email"
COLUMN_ROLES: Final = "Roles"
COLUMN_ACTIVE: Final = "Active"
COLUMN_LAST_LOGIN: Final = "Last login"

# -- sidebar and session state ------------------------------------------------------
SIGNED_IN_AS: Final = "Logged in as **{label}** (`{username}`)"
LOG_OUT: Final = "Log out"
LOGGED_OUT: Final = "You have been logged out."
SESSION_EXPIRED: Final = "Your session has expired. Please log in again."
SESSION_ENDED: Final = "You have been logged out. Please log in again."
FORBIDDEN: Final = "You do not have permission to view this page."
COOKIE_NOT_SAVED: Final = (
    "You are logged in in this tab, but the login could not be saved in this browser, "
    "so a reload will ask for it again."
)

# -- failures ---------------------------------------------------------------------
UNAVAILABLE_TITLE: Final = "Service unavailable"
UNAVAILABLE: Final = (
    "The authentication service is temporarily unavailable, so this app cannot check who "
    "you are. Nothing you saved is lost. Please try again in a moment."
)
UNEXPECTED: Final = (
    "Something went wrong. Please try again; if it keeps happening, tell an administrator."
)
