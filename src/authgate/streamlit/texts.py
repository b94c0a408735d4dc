# ruff: noqa: S105  (labels that mention passwords are not passwords)
"""Every string the gate shows to a person, in one place.

Labels here are part of authgate's contract: applications, tests and
translations refer to them. The values written here are the English catalog;
``authgate.streamlit.locales`` holds the other languages and
``authgate.streamlit.i18n`` picks one per run, so ``texts.LOGIN_TITLE`` reads
in the tab's language (English where a translation is missing). An
application may still replace a value by assigning it at start-up
(``texts.LOGIN_TITLE = "Sign in"``): an assigned value wins in every language.
Names are not ``Final``, so such an assignment also type-checks.
Error messages from the core are translated by their code
(``i18n.error_text``) and are not repeated here.

Add a text as ``NAME = "English"`` anywhere above the closing block, and
its translations to each module of ``locales`` (the completeness test lists
what is missing). Texts are str or tuple; a family of texts chosen by a code
is one constant per code (``OIDC_ERROR_CANCELLED``), read with
``i18n.keyed_text(texts, "OIDC_ERROR_", code)``. Another text module
(``passkey_texts``) ends with the same closing block.
"""

from __future__ import annotations

from authgate.streamlit import i18n as _i18n

# -- page titles -------------------------------------------------------------
LOGIN_TITLE = "Log in"
REGISTER_TITLE = "Register"
FORGOT_TITLE = "Forgot password?"
ACCOUNT_TITLE = "Account"
ADMIN_TITLE = "Admin"

# -- login ---------------------------------------------------------------------
USERNAME = "Username"
USERNAME_HELP = "Your username or email address."
PASSWORD = "Password"
REMEMBER_ME = "Remember me"
REMEMBER_ME_HELP = "Stay logged in on this browser for longer."
SHOW_PASSWORD = "Show password"
LOG_IN = "Log in"
REGISTER_LINK = "Register"
FORGOT_LINK = "Forgot password?"
LOGIN_REQUIRED = "Please log in to see this page."
MISSING_CREDENTIALS = "Enter your username (or email) and your password."

# -- register -----------------------------------------------------------------
EMAIL = "Email"
EMAIL_HELP = "Optional. Used to recover your account."
DISPLAY_NAME = "Display name"
CONFIRM_PASSWORD = "Confirm password"
CREATE_ACCOUNT = "Create account"
PASSWORDS_DIFFER = "The two passwords do not match."
REGISTRATION_CLOSED = "Self-registration is disabled. Ask an administrator for an account."
STRENGTH_LABELS = ("Very weak", "Weak", "Fair", "Strong", "Very strong")
STRENGTH_HINT = "Strength: {label}. {advice}"
STRENGTH_EMPTY = "Strength: type a password to see how guessable it is."
ALREADY_HAVE_ACCOUNT = "Already have an account?"
WELCOME = "Welcome, {label}! Your account is ready and you are logged in."

# -- forgot password ------------------------------------------------------------
FORGOT_BODY = (
    "Password recovery by email is not configured on this site yet. "
    "Ask an administrator to reset your password."
)
BACK_TO_LOGIN = "Back to log in"

# -- account --------------------------------------------------------------------
PROFILE_HEADER = "Profile"
SAVE_PROFILE = "Save profile"
PROFILE_SAVED = "Your profile was saved."
PROFILE_UNCHANGED = "Nothing to save: the profile is unchanged."
CHANGE_PASSWORD_HEADER = "Change password"
CURRENT_PASSWORD = "Current password"
NEW_PASSWORD = "New password"
CONFIRM_NEW_PASSWORD = "Confirm new password"
CHANGE_PASSWORD = "Change password"
PASSWORD_CHANGED = "Your password was changed."
PASSWORD_CHANGED_OTHERS = "Your password was changed. {count} other session(s) were logged out."
SESSIONS_HEADER = "Active sessions"
SESSION_DEVICE = "Device"
SESSION_IP = "IP"
SESSION_LAST_SEEN = "Last seen"
SESSION_STARTED = "Started"
SESSION_THIS = "This session"
THIS_SESSION_MARK = "✓ this one"
UNKNOWN_DEVICE = "Unknown device"
UNKNOWN_IP = "unknown"
LOG_OUT_OTHERS = "Log out other sessions"
OTHERS_LOGGED_OUT = "Logged out {count} other session(s)."
NO_OTHER_SESSIONS = "There are no other sessions to log out."

# -- admin ----------------------------------------------------------------------
ADMIN_USERS_HEADER = "Users"
COLUMN_USERNAME = "Username"
COLUMN_DISPLAY_NAME = "Display name"
COLUMN_EMAIL = "Email"
COLUMN_ROLES = "Roles"
COLUMN_ACTIVE = "Active"
COLUMN_LAST_LOGIN = "Last login"
COLUMN_MFA = "MFA"
COLUMN_VERIFIED = "Verified"
COLUMN_CREATED = "Created"
COLUMN_FAILED = "Failed attempts"
COLUMN_LOCKED_UNTIL = "Locked until"
COLUMN_USER = "User"
COLUMN_EXPIRES = "Expires"
COLUMN_TIME = "Time"
COLUMN_EVENT = "Event"
COLUMN_OUTCOME = "Outcome"
COLUMN_ACTOR = "Actor"
COLUMN_DETAIL = "Detail"
ADMIN_TAB_USERS = "User accounts"
ADMIN_TAB_SESSIONS = "Sessions"
ADMIN_TAB_AUDIT = "Audit log"
ADMIN_SEARCH = "Search"
ADMIN_SEARCH_HELP = "Part of a username, email or display name."
ADMIN_PICK_USER = "User"
ADMIN_NO_USERS = "No users match."
ADMIN_ALL_COLUMNS = "Show all columns"
ADMIN_ROLES = "Roles"
ADMIN_SAVE_ROLES = "Save roles"
ADMIN_ROLES_SAVED = "Roles of {username} saved."
ADMIN_DISABLE = "Disable"
ADMIN_ENABLE = "Enable"
ADMIN_DISABLED = "{username} is disabled; their sessions ended."
ADMIN_ENABLED = "{username} is enabled."
ADMIN_UNLOCK = "Unlock"
ADMIN_UNLOCKED = "{username} is unlocked."
ADMIN_RESET_MFA = "Reset MFA"
ADMIN_MFA_RESET = "Two-factor authentication of {username} was reset."
ADMIN_TEMP_PASSWORD = "Temporary password"
ADMIN_SET_PASSWORD = "Set temporary password"
ADMIN_PASSWORD_SET = "{username} must change this password at next login; {count} session(s) ended."
ADMIN_DELETE_CONFIRM = "I understand that {username} and their sessions will be deleted"
ADMIN_DELETE = "Delete user"
ADMIN_DELETED = "{username} was deleted."
ADMIN_NOT_YOURSELF = "You cannot do this to your own account here."
ADMIN_PICK_SESSION = "Session"
ADMIN_REVOKE_SESSION = "Revoke session"
ADMIN_SESSION_REVOKED = "The session was revoked."
ADMIN_SESSION_GONE = "That session had already ended."
ADMIN_REVOKE_USER_SESSIONS = "Revoke all sessions of this user"
ADMIN_USER_SESSIONS_REVOKED = "{count} session(s) of {username} revoked."
ADMIN_NO_SESSIONS = "There are no active sessions."
ADMIN_ALL = "All"
ADMIN_EVENT_TYPE = "Event type"
ADMIN_OUTCOME = "Outcome"
ADMIN_DATES = "Date range"
ADMIN_LOGINS_CHART = "Logins per day"
ADMIN_SUCCEEDED = "Succeeded"
ADMIN_FAILED = "Failed"
ADMIN_LATEST_FAILURES = "Latest failures"
ADMIN_EXPORT_CSV = "Download CSV"
ADMIN_NO_EVENTS = "No events match."
ADMIN_CHART_DAY = "Day"
ADMIN_CHART_LOGINS = "Logins"

# -- sidebar and session state ------------------------------------------------------
SIGNED_IN_AS = "Logged in as **{label}** (`{username}`)"
SIGNED_IN_AS_USERNAME = "Logged in as **{username}**"
LOG_OUT = "Log out"
LOGGED_OUT = "You have been logged out."
SESSION_EXPIRED = "Your session has expired. Please log in again."
SESSION_ENDED = "You have been logged out. Please log in again."
MFA_ENROLMENT_REQUIRED = (
    "Your role requires two-factor authentication. Set it up below to continue: "
    "the other pages appear once it is on."
)
MUST_CHANGE_PASSWORD = (
    "An administrator set a temporary password for your account: choose a new one under "
    "Change password below. The other pages appear once it is changed."
)
FORBIDDEN = "You do not have permission to view this page."
COOKIE_NOT_SAVED = (
    "You are logged in in this tab, but the login could not be saved in this browser, "
    "so a reload will ask for it again."
)

# -- failures ---------------------------------------------------------------------
UNAVAILABLE_TITLE = "Service unavailable"
UNAVAILABLE = (
    "The authentication service is temporarily unavailable, so this app cannot check who "
    "you are. Nothing you saved is lost. Please try again in a moment."
)
UNEXPECTED = "Something went wrong. Please try again; if it keeps happening, tell an administrator."

# -- two-factor authentication ------------------------------------------------------
MFA_STEP_INTRO = (
    "Two-factor authentication is on for this account. Enter the 6-digit code from your "
    "authenticator app, or one of your recovery codes."
)
MFA_CODE = "Authentication code"
MFA_CODE_HELP = "6 digits from your authenticator app, or a recovery code."
MFA_VERIFY = "Verify"
MFA_CANCEL = "Cancel"
MFA_CODE_MISSING = "Enter the code from your authenticator app or a recovery code."
MFA_HEADER = "Two-factor authentication"
MFA_ON = "Two-factor authentication is **on**. Recovery codes left: {left}."
MFA_OFF = "Two-factor authentication is **off**."
MFA_REQUIRED_FOR_ROLE = "Your role requires two-factor authentication: please set it up."
MFA_START = "Set up two-factor authentication"
MFA_SCAN = (
    "Scan this QR code with an authenticator app, or type the secret key below by hand, "
    "then enter the 6-digit code it shows."
)
MFA_SECRET_LABEL = "Secret key"
MFA_CONFIRM = "Turn on two-factor authentication"
MFA_CANCEL_SETUP = "Cancel set-up"
MFA_ENABLED = "Two-factor authentication is now on."
MFA_CODES_REGENERATED = "New recovery codes were made; the old ones no longer work."
MFA_RECOVERY_CODE_USED = (
    "You logged in with a recovery code. Recovery codes left: {left}. "
    "Generate new ones on the Account page if you are running low."
)
MFA_CODES_INTRO = (
    "These are your recovery codes. Each works once, in place of a code from your app. "
    "Store them somewhere safe: they are shown only this once."
)
MFA_CODES_DOWNLOAD = "Download recovery codes"
MFA_CODES_FILE = "recovery-codes.txt"
MFA_CODES_DONE = "I have saved my recovery codes"
MFA_REGENERATE_HEADER = "New recovery codes"
MFA_REGENERATE = "Generate new recovery codes"
MFA_REGENERATE_HELP = "The old recovery codes stop working."
MFA_DISABLE_HEADER = "Turn off two-factor authentication"
MFA_DISABLE = "Turn off"
MFA_DISABLED = "Two-factor authentication is now off."

# -- password reset -------------------------------------------------------------------
RESET_TITLE = "Reset password"
FORGOT_INTRO = (
    "Enter your username or email address. If it matches an account with an email address, "
    "we send a link to reset the password."
)
FORGOT_LOGIN = "Username or email"
FORGOT_SEND = "Send reset link"
FORGOT_SENT = (
    "If an account matches, a reset link is on its way to its email address. "
    "The link works once, for 30 minutes."
)
RESET_NO_TOKEN = (
    "This page needs the link from a password-reset email. Ask for a new one on the "
    "Forgot password page."
)
RESET_FOR = "Choose a new password for **{username}**."
RESET_SUBMIT = "Set new password"
RESET_DONE = "Your password was changed and every session was logged out. Please log in."
FORGOT_AGAIN = "Ask for a new link"
LINK_INVALID = (
    "This link is not valid. It may have been replaced by a newer one: ask for a new link."
)
LINK_EXPIRED = "This link has expired. Ask for a new link."
LINK_USED = "This link has already been used. Ask for a new link if you still need one."

# Forgot username
FORGOT_USERNAME_HEADER = "Forgot your username?"
FORGOT_USERNAME_EMAIL = "Email"
FORGOT_USERNAME_SEND = "Send my username"
FORGOT_USERNAME_SENT = "If an account uses that address, we have emailed its username to it."

# Admin: create a user
ADMIN_CREATE_HEADER = "Create user"
ADMIN_CREATE_USERNAME = "Username"
ADMIN_CREATE_EMAIL = "Email"
ADMIN_CREATE_DISPLAY_NAME = "Display name"
ADMIN_CREATE_ROLES = "Roles (comma-separated)"
ADMIN_CREATE_PASSWORD = "Temporary password"
ADMIN_CREATE_SUBMIT = "Create user"
ADMIN_CREATED = "Created {username}: they must change the temporary password at first login."

# Email verification
VERIFY_TITLE = "Verify email"
VERIFY_DONE = "Thank you: the email address of {username} is verified."
VERIFY_NO_TOKEN = (
    "Open the link from the verification email to verify your address. "
    "A link works once and for 24 hours; ask for a new one from your account."
)

# Session debug panel (AUTHGATE_DEBUG_PANEL=true, development only)
DEBUG_TITLE = "Session debug"
DEBUG_NOTE = "Development only (AUTHGATE_DEBUG_PANEL). Times as of this run."
DEBUG_WHO = "Who"
DEBUG_SESSION_ID = "Session id"
DEBUG_CREATED = "Created"
DEBUG_LAST_SEEN = "Last seen"
DEBUG_IDLE_EXPIRY = "Idle expiry"
DEBUG_ABSOLUTE_EXPIRY = "Absolute expiry"
DEBUG_ROLES = "Roles"
DEBUG_MFA = "MFA"
DEBUG_MFA_ON = "on for the account"
DEBUG_MFA_OFF = "off for the account"
DEBUG_MFA_SESSION = "this session passed a second factor"
DEBUG_CACHE_AGE = "Gate cache validated"
DEBUG_REVALIDATED = "Why it last revalidated"
# why the gate last revalidated: DEBUG_REASON_ + the reason code, upper-case
DEBUG_REASON_COOKIE = "first run of this tab: the session cookie"
DEBUG_REASON_LOGIN = "a login in this tab"
DEBUG_REASON_STATE_CHANGED = "a logout, disable or password change in this process"
DEBUG_REASON_INTERVAL = "the revalidation interval passed"
DEBUG_REASON_EXPIRY = "the session's expiry time was reached"
DEBUG_ACCESS_EXPIRY = "Access token expiry"
DEBUG_LAST_REFRESH = "Last token refresh"
DEBUG_IN = "in {span}"
DEBUG_AGO = "{span} ago"


# -- identity providers (OpenID Connect) -------------------------------------------
OIDC_CONTINUE = "Continue with {label}"
OIDC_OR_PASSWORD = "or log in with your password"
OIDC_LINK_INTRO = (
    "An account with the email address {label} gave us already exists. "
    "Log in to it once with its password to link {label} to it."
)
OIDC_LINKED_NOW = "{label} is now linked to your account."
OIDC_IDENTITIES_HEADER = "Sign-in providers"
OIDC_NO_IDENTITIES = "No provider is linked to this account."
OIDC_LINK = "Link {label}"
OIDC_UNLINK = "Unlink"
OIDC_UNLINKED = "{label} was unlinked."
OIDC_LINKED_AT = "Linked {when}"
OIDC_LAST_USED = "last used {when}"
OIDC_REDIRECT_URI = "Redirect URI to register at {label}: `{uri}`"
# a failed provider sign-in: OIDC_ERROR_ + the reason code, upper-case
OIDC_ERROR_PROVIDER_UNREACHABLE = "Could not reach {label}. Please try again."
OIDC_ERROR_STATE_INVALID = (
    "This sign-in with {label} expired or was already used. Please start again."
)
OIDC_ERROR_TOKEN_INVALID = "{label} sent an answer that could not be verified. Please try again."
OIDC_ERROR_CANCELLED = "Sign-in with {label} was cancelled."
OIDC_ERROR_PROVIDER_ERROR = "{label} could not sign you in. Please try again."
OIDC_ERROR_EMAIL_DOMAIN = "Accounts from this email domain may not sign in here."
OIDC_ERROR_NO_ACCOUNT = "No account here belongs to this {label} identity. Ask an administrator."
OIDC_ERROR_ALREADY_LINKED = "This {label} identity is already linked to another account."
OIDC_ERROR_ACCOUNT_DISABLED = "This account is disabled. Contact an administrator."
OIDC_ERROR_ACCOUNT_LOCKED = "Too many failed attempts on this account. Try again later."
OIDC_ERROR_EMAIL_NOT_VERIFIED = "Please verify your email address before logging in."
OIDC_ERROR_NOT_LOGGED_IN = "Log in first, then link {label} from your Account page."
OIDC_ERROR_UNKNOWN_PROVIDER = "This sign-in provider is not configured."
OIDC_ERROR_STORE_UNAVAILABLE = (
    "The authentication service is temporarily unavailable. Please try again."
)
OIDC_UNKNOWN_PROVIDER = "the identity provider"
OIDC_ERROR_FALLBACK = "Signing in with {label} failed. Please try again."
OIDC_ADMIN_HEADER = "Linked sign-in providers"
OIDC_UNLINKED_USER = "{label} was unlinked from {username}."


# -- languages: keep this block last ----------------------------------------------------
# Every NAME above moves into ENGLISH; reading ``texts.NAME`` then goes through
# the module's ``__getattr__``, which answers in the language of the current run.
ENGLISH = _i18n.close_text_module(globals())
