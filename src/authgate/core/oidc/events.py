"""Audit events of provider sign-ins: ``oidc.login``, ``.linked``, ``.unlinked``, ``.failed``."""

from __future__ import annotations

from authgate.core.events import AuthEvent

__all__ = ["OidcLinked", "OidcLoginAsserted", "OidcLoginFailed", "OidcUnlinked"]


class OidcLoginAsserted(AuthEvent, event_type="oidc.login"):
    """The provider vouched for this account's identity (the session follows the flow's rules)."""

    provider: str = ""
    subject: str = ""
    created: bool = False
    provider_mfa: bool = False


class OidcLoginFailed(AuthEvent, event_type="oidc.failed", outcome="failure"):
    provider: str = ""
    reason: str = ""


class OidcLinked(AuthEvent, event_type="oidc.linked"):
    provider: str = ""
    subject: str = ""
    via: str = ""


class OidcUnlinked(AuthEvent, event_type="oidc.unlinked"):
    provider: str = ""
    subject: str = ""
