"""The keyword arguments every login entry point takes, declared once.

The gate's backends (in process and remote) and the API's password routes
forward the same client context to the core's login entry points; one set
of typed keywords keeps them from drifting apart (a door that forgot
``visitor`` would silently skip the hand-off). The core's own entry points
(``Logins.password``, ``TokenService.login``) keep explicit keyword
parameters: a public call with a misspelled keyword must fail, not be
ignored.
"""

from __future__ import annotations

from typing import TypedDict

__all__ = ["LoginOptions", "RequestMeta", "VisitorOption"]


class RequestMeta(TypedDict, total=False):
    """Where a request comes from, for sessions and audit rows (each ``None`` when unknown)."""

    ip: str | None
    user_agent: str | None


class VisitorOption(RequestMeta, total=False):
    """``visitor``: the tab's anonymous visitor token, handed to the user by a full login."""

    visitor: str | None


class LoginOptions(VisitorOption, total=False):
    """The keyword arguments of ``login``; ``remember`` defaults to False."""

    remember: bool
