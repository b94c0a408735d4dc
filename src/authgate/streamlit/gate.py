"""``Gate``: the one object an application's script talks to (example: ``authgate.streamlit``).

Each run it resolves who this tab belongs to (from the cookie on a tab's
first run, then from a cached validation), builds ``st.navigation`` from the
pages that user may see plus the built-in Login/Register pages, and runs the
chosen page. A ``Gate`` is cheap to build on every rerun: settings and the
service are cached per process in ``authgate.streamlit.factory``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Literal, TypedDict, Unpack

import streamlit as st
from pydantic import ValidationError
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from authgate.config import AuthgateSettings
from authgate.core.records import AuthUser
from authgate.core.recovery.mailing import request_public_url
from authgate.errors import ConfigurationError, StoreUnavailable
from authgate.streamlit import texts
from authgate.streamlit.backend import AuthBackend
from authgate.streamlit.cookie_sync import (
    begin_sync_run,
    finish_sync_run,
    page_stopped,
    queued_session_sync,
    render_session_sync,
    render_visitor_sync,
)
from authgate.streamlit.factory import default_settings, get_backend
from authgate.streamlit.gc_freeze import freeze_once
from authgate.streamlit.guards import current_user
from authgate.streamlit.i18n import choose_language, use_language
from authgate.streamlit.navigation import GateRun, build_navigation, current_run, running
from authgate.streamlit.pages import GatePage
from authgate.streamlit.state import FLASH, NEXT_PAGE, Flash
from authgate.streamlit.tab_session import app_url, current_auth, resolve_user
from authgate.streamlit.ui.account import render_account
from authgate.streamlit.ui.admin import render_admin
from authgate.streamlit.ui.debug_panel import render_debug_panel
from authgate.streamlit.ui.feedback import show_flash, show_unavailable
from authgate.streamlit.ui.forgot import render_forgot
from authgate.streamlit.ui.landing import land_after_login
from authgate.streamlit.ui.login import render_login_form
from authgate.streamlit.ui.register import render_register
from authgate.streamlit.ui.reset import render_reset
from authgate.streamlit.ui.sidebar import render_user_sidebar
from authgate.streamlit.ui.verify_email import render_verify_email
from authgate.streamlit.visitors import use_visitor_settings

__all__ = ["Gate"]

logger = logging.getLogger("authgate.streamlit")


def _with_run(render: Callable[[GateRun], None]) -> Callable[[], None]:
    """A page callable that hands ``render`` the current gate run."""

    def page() -> None:
        run = current_run()
        if run is None:  # pragma: no cover - built-in pages only run inside Gate.run
            st.error(texts.UNEXPECTED)
            return
        render(run)

    page.__name__ = render.__name__.removeprefix("render_")
    return page


class _PageFlags(TypedDict, total=False):
    icon: str | None
    anonymous_only: bool
    hidden: bool


def _public_page(
    render: Callable[[GateRun], None], title: str, url_path: str, **flags: Unpack[_PageFlags]
) -> GatePage:
    """A built-in page everyone may reach (Login, Register, the recovery pages)."""
    return GatePage(_with_run(render), title=title, url_path=url_path, public=True, **flags)


class Gate:
    """Authentication for a Streamlit multi-page app, configured by ``AuthgateSettings``.

    Pass ``settings`` (or a ready ``backend``) only when not configuring
    through ``AUTHGATE_*``; give ``gate_routes`` the same ones. Nothing is
    connected at construction: a database that is down shows the "service
    unavailable" page at ``run`` instead of failing the import.
    """

    def __init__(
        self, settings: AuthgateSettings | None = None, *, backend: AuthBackend | None = None
    ) -> None:
        self._settings = settings
        self._backend = backend

    @property
    def settings(self) -> AuthgateSettings:
        if self._settings is None:
            self._settings = default_settings()
        return self._settings

    @property
    def backend(self) -> AuthBackend:
        if self._backend is None:
            self._backend = get_backend(self.settings)
        return self._backend

    @property
    def user(self) -> AuthUser | None:
        """The logged-in user of this tab (as resolved for this run), or None."""
        return current_user()

    def _speak(self) -> None:
        """Speak ``AUTHGATE_LANGUAGE``, else the browser's language, in this run's texts.

        Called by ``run`` and by the page builders, which an app's script
        calls before ``run`` (their titles are read at once).
        """
        use_language(choose_language(self.settings.language, st.context.locale))

    # -- built-in pages the application places in its list ----------------

    def account_page(
        self, *, title: str | None = None, icon: str | None = ":material/person:"
    ) -> GatePage:
        """The built-in Account page; ``title`` defaults to the run's language's."""
        self._speak()
        title = title or texts.ACCOUNT_TITLE
        return GatePage(_with_run(render_account), title=title, icon=icon, url_path="account")

    def admin_page(
        self,
        *,
        roles: Sequence[str] = ("admin",),
        title: str | None = None,
        icon: str | None = ":material/admin_panel_settings:",
    ) -> GatePage:
        allowed = tuple(roles)
        self._speak()
        title = title or texts.ADMIN_TITLE

        def render(run: GateRun) -> None:
            render_admin(run, allowed)

        render.__name__ = "render_admin"
        return GatePage(_with_run(render), title=title, icon=icon, url_path="admin", roles=allowed)

    def _auth_pages(self, registration: bool) -> dict[str, GatePage]:
        def login(run: GateRun) -> None:
            st.title(texts.LOGIN_TITLE)
            render_login_form(run)

        login.__name__ = "render_login"
        pages = {
            "login": _public_page(
                login, texts.LOGIN_TITLE, "login", icon=":material/login:", anonymous_only=True
            ),
            "forgot": _public_page(
                render_forgot,
                texts.FORGOT_TITLE,
                "forgot-password",
                anonymous_only=True,
                hidden=True,
            ),
            "reset": _public_page(render_reset, texts.RESET_TITLE, "reset-password", hidden=True),
            "verify": _public_page(
                render_verify_email, texts.VERIFY_TITLE, "verify-email", hidden=True
            ),
        }
        if registration:
            pages["register"] = _public_page(
                render_register,
                texts.REGISTER_TITLE,
                "register",
                icon=":material/person_add:",
                anonymous_only=True,
            )
        return pages

    def _stand_in(self, page: GatePage, user: AuthUser | None, url_path: str) -> Callable[[], None]:
        """What runs at a page's URL for someone who may not see it."""
        if user is None:

            def login_required() -> None:
                run = current_run()
                st.session_state[NEXT_PAGE] = url_path
                # One block: after a login at this URL, the page's first element
                # replaces all of it, rather than the form lingering (stale)
                # below the page until its run ends.
                with st.container():
                    st.title(texts.LOGIN_TITLE)
                    st.info(texts.LOGIN_REQUIRED)
                    if run is not None:
                        render_login_form(run, current_url=url_path)

            return login_required
        if page.anonymous_only:

            def already_logged_in() -> None:
                run = current_run()
                if run is not None:
                    land_after_login(run)

            return already_logged_in

        def forbidden() -> None:
            st.error(texts.FORBIDDEN)

        return forbidden

    # -- the run --------------------------------------------------------------

    def run(
        self,
        pages: Sequence[GatePage],
        *,
        position: Literal["sidebar", "top", "hidden"] = "sidebar",
        expanded: bool = False,
    ) -> None:
        """Resolve the user, draw the navigation they may see, and run the chosen page."""
        try:
            self._run(pages, position=position, expanded=expanded)
        except StoreUnavailable as error:
            show_unavailable(error)
        except (ConfigurationError, ValidationError) as error:
            logger.error("authgate is misconfigured: %s", error)
            st.error(f"{ConfigurationError.default_message} {getattr(error, 'message', error)}")

    def _run(
        self,
        pages: Sequence[GatePage],
        *,
        position: Literal["sidebar", "top", "hidden"],
        expanded: bool,
    ) -> None:
        begin_sync_run()
        backend = self.backend
        settings = self.settings
        use_visitor_settings(settings)
        self._speak()
        user = resolve_user(
            backend,
            cookie_name=settings.cookie_name,
            revalidate_after=settings.session_revalidate_interval.total_seconds(),
        )
        auth_pages = self._auth_pages(backend.allow_registration)
        enrolling = user is not None and self._must_enrol(backend, user)
        changing = user is not None and user.must_change_password
        if enrolling or changing:
            # Held on the Account page (MFA set-up, password change) until done.
            pages = [self._enrolment_page(pages)]
        run = build_navigation(
            [*pages, *auth_pages.values()],
            user,
            backend,
            stand_in=self._stand_in,
            builtin_keys=auth_pages,
        )
        current = st.navigation(run.pages, position=position, expanded=expanded)
        if user is not None:
            render_user_sidebar(backend, user)
            if settings.debug_panel:
                render_debug_panel(backend, current_auth())
        render_visitor_sync()
        with running(run):
            self._redirect_to_login_if_needed(run, current.url_path)
            show_flash()
            if enrolling:
                st.warning(texts.MFA_ENROLMENT_REQUIRED)
            elif changing:
                st.warning(texts.MUST_CHANGE_PASSWORD)
            with request_public_url(app_url(current.url_path)):
                render_session_sync(before_page=True)
                queued = queued_session_sync()
                try:
                    current.run()
                except StopException:
                    # Streamlit draws nothing after st.stop(): this run ends as
                    # it is, and a queued cookie goes before the page next time.
                    page_stopped(queued)
                    raise
            # After the page, so the content goes out first.
            render_session_sync()
            finish_sync_run()
        # Once per process, everything imported and built by now is kept out of
        # the full collection Streamlit runs after every script run (gc_freeze).
        if self.settings.gc_freeze:
            freeze_once()

    @staticmethod
    def _must_enrol(backend: AuthBackend, user: AuthUser) -> bool:
        """The MFA policy: a user whose role requires MFA sees only enrolment until done.

        The server's rule, asked of the backend (no store call per rerun);
        enrolling bumps the backend's state version, so the tab's user
        refreshes at once.
        """
        return backend.mfa_enrollment_required(user)

    def _enrolment_page(self, pages: Sequence[GatePage]) -> GatePage:
        """The app's Account page (MFA set-up, password change) as the only, default page."""
        account = next((p for p in pages if p.url_path == "account"), None) or self.account_page()
        return GatePage(
            account.target,
            title=account.title,
            icon=account.icon,
            url_path="account",
            default=True,
        )

    @staticmethod
    def _redirect_to_login_if_needed(run: GateRun, url_path: str) -> None:
        """After an expiry or a revocation, show the login page (with its message)."""
        flash: Flash | None = st.session_state.get(FLASH)
        login = run.builtin.get("login")
        if flash is None or not flash.to_login or login is None:
            return
        if url_path in run.stand_ins or url_path == login.url_path:
            return
        st.session_state[FLASH] = replace(flash, to_login=False)
        st.session_state.setdefault(NEXT_PAGE, url_path)
        st.switch_page(login)
