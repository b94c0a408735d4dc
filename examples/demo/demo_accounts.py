"""Demo mode: two documented accounts on an empty database, and how to use them.

Only with ``AUTHGATE_DEMO_MODE=true``, and only when the database has no
users at all: outside demo mode, or once anyone exists, nothing is seeded.
The passwords are public (they are in this file and the docs), so a demo
database must never become a real one: the settings refuse demo mode
together with production mode, and that refusal reaches the caller.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from demo_settings import demo_settings

from authgate.errors import AuthgateError
from authgate.streamlit import get_service

__all__ = ["DEMO_ACCOUNTS", "DemoAccount", "mail_help", "seed_demo_accounts"]

logger = logging.getLogger("authgate.demo")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    display_name: str
    roles: tuple[str, ...]


DEMO_ACCOUNTS = (
    DemoAccount("admin", "gatekeeper-2026", "Ada Admin", ("admin", "user")),
    DemoAccount("alice", "wonderland-2026", "Alice Example", ("user",)),
)


def login_help() -> str:
    lines = [f"  {a.username} / {a.password}  ({', '.join(a.roles)})" for a in DEMO_ACCOUNTS]
    return "authgate demo mode - log in with:\n" + "\n".join(lines)


def mail_help() -> str | None:
    """Where demo mode's mail goes (password-reset and verification links), if to a folder."""
    folder = demo_settings().mail_dir
    if folder is None:
        return None
    return f"authgate demo mode - mail is not sent but written to {folder.resolve()}"


def seed_demo_accounts() -> bool:
    """Create the demo accounts if demo mode is on and the database is empty.

    Not in remote-backend mode: the accounts live on the API server's database.
    Raises ConfigurationError for settings authgate refuses (demo mode with
    ``AUTHGATE_MODE=production``), before the database is touched, so the
    caller stops rather than serving a half-configured demo.
    """
    if demo_settings().api_url:
        return False
    try:
        auth = get_service()
        if not auth.settings.demo_mode:
            return False
        mail = mail_help()
        if mail is not None:
            print(mail, flush=True)
        if auth.accounts.count_users() > 0:
            print("authgate demo mode: accounts already exist; see docs/streamlit.md for logins.")
            return False
        for account in DEMO_ACCOUNTS:
            user = auth.accounts.register(
                account.username, account.password, display_name=account.display_name
            )
            auth.accounts.set_roles(user.id, account.roles)
    except AuthgateError as error:
        logger.error("authgate demo: could not prepare demo accounts: %s", error.message)
        return False
    print(login_help(), flush=True)
    return True
