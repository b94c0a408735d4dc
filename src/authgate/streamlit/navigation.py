"""Turning declared pages into this run's ``st.navigation``, filtered by the user's roles.

A page the user may not see is replaced by a hidden *stand-in* with the same
URL path: the login form for an anonymous visitor, a refusal for a user
without the role. The real page is never in the navigation, so asking for
its URL never runs it; and because Streamlit identifies a page by its URL
path, logging in on the stand-in and rerunning lands on the real page at the
very URL first asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from authgate.core.records import AuthUser
from authgate.streamlit.backend import AuthBackend
from authgate.streamlit.i18n import current_language, use_language
from authgate.streamlit.pages import GatePage

__all__ = ["GateRun", "build_navigation", "current_run", "running"]

StandIn = Callable[[GatePage, AuthUser | None, str], Callable[[], None]]


@dataclass
class GateRun:
    """What built-in pages need to know about the run they are drawn in."""

    backend: AuthBackend
    user: AuthUser | None
    pages: list[StreamlitPage] = field(default_factory=list)
    by_url: dict[str, StreamlitPage] = field(default_factory=dict)
    stand_ins: set[str] = field(default_factory=set)
    builtin: dict[str, StreamlitPage] = field(default_factory=dict)
    default_url: str = ""
    language: str = field(default_factory=current_language)
    """The language this run speaks, spoken again by its widgets' callbacks."""

    def page(self, url_path: str | None) -> StreamlitPage | None:
        return self.by_url.get(url_path) if url_path is not None else None

    def builtin_urls(self) -> set[str]:
        """URL paths of the built-in Login/Register/Forgot/Reset pages (never a landing target)."""
        return {
            page.url_path
            for name, page in self.builtin.items()
            if name in {"login", "register", "forgot", "reset"}
        }


_current: ContextVar[GateRun | None] = ContextVar("authgate_gate_run", default=None)


def current_run() -> GateRun | None:
    """The gate run of this script thread, or None outside ``Gate.run``."""
    return _current.get()


@contextmanager
def running(run: GateRun) -> Iterator[None]:
    """Inside: ``current_run()`` is ``run``, and its language is spoken.

    Also entered by the callbacks of the forms ``run`` drew, which Streamlit
    calls before the next script run has set anything up.
    """
    use_language(run.language)
    token = _current.set(run)
    try:
        yield
    finally:
        _current.reset(token)


def _st_page(declared: GatePage, hidden: bool) -> StreamlitPage:
    return st.Page(
        declared.target,
        title=declared.title,
        icon=declared.icon,
        url_path=declared.url_path,
        default=declared.default,
        visibility="hidden" if hidden or declared.hidden else "visible",
    )


def build_navigation(
    declared: Sequence[GatePage],
    user: AuthUser | None,
    backend: AuthBackend,
    *,
    stand_in: StandIn,
    builtin_keys: dict[str, GatePage] | None = None,
) -> GateRun:
    """The pages of this run: allowed ones as they are, the others as hidden stand-ins."""
    run = GateRun(backend=backend, user=user)
    builtin_ids = {id(page): name for name, page in (builtin_keys or {}).items()}
    for page in declared:
        real = _st_page(page, hidden=False)
        if page.allows(user):
            chosen = real
        else:
            chosen = st.Page(
                stand_in(page, user, real.url_path),
                title=real.title,
                icon=real.icon or None,
                url_path=real.url_path or None,
                default=page.default,
                visibility="hidden",
            )
            run.stand_ins.add(real.url_path)
        run.pages.append(chosen)
        run.by_url[chosen.url_path] = chosen
        if page.default:
            run.default_url = chosen.url_path
        name = builtin_ids.get(id(page))
        if name is not None:
            run.builtin[name] = chosen
    if not any(p.default for p in declared) and run.pages:
        run.default_url = run.pages[0].url_path
    return run
