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
COLUMN_USERNAME: Final = "Username"
COLUMN_DISPLAY_NAME: Final = "Display name"
COLUMN_EMAIL: Final = "Email"
COLUMN_ROLES: Final = "Roles"
COLUMN_ACTIVE: Final = "Active"
COLUMN_LAST_LOGIN: Final = "Last login"
COLUMN_MFA: Final = "MFA"
COLUMN_VERIFIED: Final = "Verified"
COLUMN_CREATED: Final = "Created"
COLUMN_FAILED: Final = "Failed attempts"
COLUMN_LOCKED_UNTIL: Final = "Locked until"
COLUMN_USER: Final = "User"
COLUMN_EXPIRES: Final = "Expires"
COLUMN_TIME: Final = "Time"
COLUMN_EVENT: Final = "Event"
COLUMN_OUTCOME: Final = "Outcome"
COLUMN_ACTOR: Final = "Actor"
COLUMN_DETAIL: Final = "Detail"
ADMIN_TAB_USERS: Final = "User accounts"
ADMIN_TAB_SESSIONS: Final = "Sessions"
ADMIN_TAB_AUDIT: Final = "Audit log"
ADMIN_SEARCH: Final = "Search"
ADMIN_SEARCH_HELP: Final = "Part of a username, email or display name."
ADMIN_PICK_USER: Final = "User"
ADMIN_NO_USERS: Final = "No users match."
ADMIN_ROLES: Final = "Roles"
ADMIN_SAVE_ROLES: Final = "Save roles"
ADMIN_ROLES_SAVED: Final = "Roles of {username} saved."
ADMIN_DISABLE: Final = "Disable"
ADMIN_ENABLE: Final = "Enable"
ADMIN_DISABLED: Final = "{username} is disabled; their sessions ended."
ADMIN_ENABLED: Final = "{username} is enabled."
ADMIN_UNLOCK: Final = "Unlock"
ADMIN_UNLOCKED: Final = "{username} is unlocked."
ADMIN_RESET_MFA: Final = "Reset MFA"
ADMIN_MFA_RESET: Final = "Two-factor authentication of {username} was reset."
ADMIN_TEMP_PASSWORD: Final = "Temporary password"
ADMIN_SET_PASSWORD: Final = "Set temporary password"
ADMIN_PASSWORD_SET: Final = (
    "{username} must change this password at next login; {count} session(s) ended."
)
ADMIN_DELETE_CONFIRM: Final = "I understand that {username} and their sessions will be deleted"
ADMIN_DELETE: Final = "Delete user"
ADMIN_DELETED: Final = "{username} was deleted."
ADMIN_NOT_YOURSELF: Final = "You cannot do this to your own account here."
ADMIN_PICK_SESSION: Final = "Session"
ADMIN_REVOKE_SESSION: Final = "Revoke session"
ADMIN_SESSION_REVOKED: Final = "The session was revoked."
ADMIN_SESSION_GONE: Final = "That session had already ended."
ADMIN_REVOKE_USER_SESSIONS: Final = "Revoke all sessions of this user"
ADMIN_USER_SESSIONS_REVOKED: Final = "{count} session(s) of {username} revoked."
ADMIN_NO_SESSIONS: Final = "There are no active sessions."
ADMIN_ALL: Final = "All"
ADMIN_EVENT_TYPE: Final = "Event type"
ADMIN_OUTCOME: Final = "Outcome"
ADMIN_DATES: Final = "Date range"
ADMIN_LOGINS_CHART: Final = "Logins per day"
ADMIN_SUCCEEDED: Final = "Succeeded"
ADMIN_FAILED: Final = "Failed"
ADMIN_LATEST_FAILURES: Final = "Latest failures"
ADMIN_EXPORT_CSV: Final = "Download CSV"
ADMIN_NO_EVENTS: Final = "No events match."

# -- sidebar and session state ------------------------------------------------------
SIGNED_IN_AS: Final = "Logged in as **{label}** (`{username}`)"
LOG_OUT: Final = "Log out"
LOGGED_OUT: Final = "You have been logged out."
SESSION_EXPIRED: Final = "Your session has expired. Please log in again."
SESSION_ENDED: Final = "You have been logged out. Please log in again."
MFA_ENROLMENT_REQUIRED: Final = (
    "Your role requires two-factor authentication. Set it up below to continue: "
    "the other pages appear once it is on."
)
MUST_CHANGE_PASSWORD: Final = (
    "An administrator set a temporary password for your account: choose a new one under "
    "Change password below. The other pages appear once it is changed."
)
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

# -- two-factor authentication ------------------------------------------------------
MFA_STEP_INTRO: Final = (
    "Two-factor authentication is on for this account. Enter the 6-digit code from your "
    "authenticator app, or one of your recovery codes."
)
MFA_CODE: Final = "Authentication code"
MFA_CODE_HELP: Final = "6 digits from your authenticator app, or a recovery code."
MFA_VERIFY: Final = "Verify"
MFA_CANCEL: Final = "Cancel"
MFA_CODE_MISSING: Final = "Enter the code from your authenticator app or a recovery code."
MFA_HEADER: Final = "Two-factor authentication"
MFA_ON: Final = "Two-factor authentication is **on**. Recovery codes left: {left}."
MFA_OFF: Final = "Two-factor authentication is **off**."
MFA_REQUIRED_FOR_ROLE: Final = "Your role requires two-factor authentication: please set it up."
MFA_START: Final = "Set up two-factor authentication"
MFA_SCAN: Final = (
    "Scan this QR code with an authenticator app, or type the secret key below by hand, "
    "then enter the 6-digit code it shows."
)
MFA_SECRET_LABEL: Final = "Secret key"
MFA_CONFIRM: Final = "Turn on two-factor authentication"
MFA_CANCEL_SETUP: Final = "Cancel set-up"
MFA_ENABLED: Final = "Two-factor authentication is now on."
MFA_CODES_INTRO: Final = (
    "These are your recovery codes. Each works once, in place of a code from your app. "
    "Store them somewhere safe: they are shown only this once."
)
MFA_CODES_DOWNLOAD: Final = "Download recovery codes"
MFA_CODES_FILE: Final = "recovery-codes.txt"
MFA_CODES_DONE: Final = "I have saved my recovery codes"
MFA_REGENERATE_HEADER: Final = "New recovery codes"
MFA_REGENERATE: Final = "Generate new recovery codes"
MFA_REGENERATE_HELP: Final = "The old recovery codes stop working."
MFA_DISABLE_HEADER: Final = "Turn off two-factor authentication"
MFA_DISABLE: Final = "Turn off"
MFA_DISABLED: Final = "Two-factor authentication is now off."

# -- password reset -------------------------------------------------------------------
RESET_TITLE: Final = "Reset password"
FORGOT_INTRO: Final = (
    "Enter your username or email address. If it matches an account with an email address, "
    "we send a link to reset the password."
)
FORGOT_LOGIN: Final = "Username or email"
FORGOT_SEND: Final = "Send reset link"
FORGOT_SENT: Final = (
    "If an account matches, a reset link is on its way to its email address. "
    "The link works once, for 30 minutes."
)
RESET_NO_TOKEN: Final = (
    "This page needs the link from a password-reset email. Ask for a new one on the "
    "Forgot password page."
)
RESET_FOR: Final = "Choose a new password for **{username}**."
RESET_SUBMIT: Final = "Set new password"
RESET_DONE: Final = "Your password was changed and every session was logged out. Please log in."
FORGOT_AGAIN: Final = "Ask for a new link"

# Forgot username
FORGOT_USERNAME_HEADER: Final = "Forgot your username?"
FORGOT_USERNAME_EMAIL: Final = "Email"
FORGOT_USERNAME_SEND: Final = "Send my username"
FORGOT_USERNAME_SENT: Final = "If an account uses that address, we have emailed its username to it."

# Admin: create a user
ADMIN_CREATE_HEADER: Final = "Create user"
ADMIN_CREATE_USERNAME: Final = "Username"
ADMIN_CREATE_EMAIL: Final = "Email"
ADMIN_CREATE_DISPLAY_NAME: Final = "Display name"
ADMIN_CREATE_ROLES: Final = "Roles (comma-separated)"
ADMIN_CREATE_PASSWORD: Final = "Temporary password"
ADMIN_CREATE_SUBMIT: Final = "Create user"
ADMIN_CREATED: Final = "Created {username}: they must change the temporary password at first login."

# Email verification
VERIFY_TITLE: Final = "Verify email"
VERIFY_DONE: Final = "Thank you: the email address of {username} is verified."
VERIFY_NO_TOKEN: Final = (
    "Open the link from the verification email to verify your address. "
    "A link works once and for 24 hours; ask for a new one from your account."
)
