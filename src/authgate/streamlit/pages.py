"""Pages declared once, with who may see them.

    GatePage("home.py", title="Home", public=True, default=True)
    GatePage("chat.py", title="Chat")                      # any logged-in user
    GatePage("admin.py", title="Admin", roles=("admin",))  # admins only

Logged-in-only is the default, so forgetting to say who may see a page hides
it rather than exposing it. The gate turns these into ``st.Page`` objects on
each run, keeping only the pages the current user may see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from authgate.core.records import AuthUser

__all__ = ["GatePage", "PageTarget"]

PageTarget = str | Path | Callable[[], None]


@dataclass(frozen=True)
class GatePage:
    """One page of the app and the rule that decides who sees it.

    ``target``, ``title``, ``icon``, ``url_path`` and ``default`` mean what they
    mean for ``st.Page``. ``public=True`` shows the page to everyone;
    otherwise a user must be logged in and, when ``roles`` is given, hold at
    least one of them. ``anonymous_only`` pages (the built-in Login and
    Register) are shown only to visitors who are not logged in.
    """

    target: PageTarget
    title: str | None = None
    icon: str | None = None
    url_path: str | None = None
    default: bool = False
    public: bool = False
    roles: frozenset[str] = field(default_factory=frozenset)
    anonymous_only: bool = False
    hidden: bool = False

    def __init__(
        self,
        target: PageTarget,
        *,
        title: str | None = None,
        icon: str | None = None,
        url_path: str | None = None,
        default: bool = False,
        public: bool = False,
        roles: Iterable[str] = (),
        anonymous_only: bool = False,
        hidden: bool = False,
    ) -> None:
        role_set = frozenset(roles) if not isinstance(roles, str) else frozenset({roles})
        if public and role_set:
            raise ValueError("a page is either public or restricted to roles, not both")
        if anonymous_only and (role_set or not public):
            raise ValueError("an anonymous-only page must be public and have no roles")
        if any(not isinstance(r, str) or not r.strip() for r in role_set):
            raise ValueError("role names must be non-empty strings")
        values = {
            "target": target,
            "title": title,
            "icon": icon,
            "url_path": url_path,
            "default": default,
            "public": public,
            "roles": role_set,
            "anonymous_only": anonymous_only,
            "hidden": hidden,
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def allows(self, user: AuthUser | None) -> bool:
        """Whether ``user`` (None when anonymous) may see this page."""
        if user is None:
            return self.public
        if self.anonymous_only:
            return False
        if self.public:
            return True
        return not self.roles or user.has_role(*self.roles)
