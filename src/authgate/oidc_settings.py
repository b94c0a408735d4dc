"""The identity providers (OpenID Connect) a deployment trusts, as settings.

``AUTHGATE_OIDC_PROVIDERS`` is a JSON list of ``OidcProviderSettings``. An app
that already configured Streamlit's ``st.login`` keeps its ``[auth]`` /
``[auth.<name>]`` secrets: ``providers_from_streamlit_auth`` reads the same
section, so the only new step is registering authgate's callback URI at the
provider. Like ``config``, this module imports nothing of core.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from authgate.role_names import is_role_name

__all__ = [
    "OidcProviderSettings",
    "callback_path",
    "check_provider_url",
    "providers_from_streamlit_auth",
]

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
_DOMAIN_RE = re.compile(r"^[a-z0-9.-]{1,253}$")
_STREAMLIT_ONLY = {"redirect_uri", "cookie_secret", "client_kwargs", "expose_tokens"}


def callback_path(name: str) -> str:
    """Where the provider sends the browser back, below the app's public URL."""
    return f"/_authgate/oidc/{name}/callback"


class OidcProviderSettings(BaseModel):
    """One identity provider: where it is, who we are to it, and what its answers mean.

    ``role_map`` maps a value of ``roles_claim`` (a group or role at the
    provider) to local roles; only the roles named in the map are managed
    from the provider, so a role given locally (``admin``) is never taken
    away by a login. ``allowed_email_domains`` (empty: any) checks the
    provider's verified email. ``trust_provider_mfa`` lets an ``amr`` of
    ``mfa`` stand in for the account's local second factor.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    label: str = Field(min_length=1, max_length=64)
    server_metadata_url: str = Field(min_length=8, max_length=2048)
    client_id: str = Field(min_length=1, max_length=255)
    client_secret: SecretStr | None = None
    scopes: str = "openid email profile"
    roles_claim: str | None = Field(default=None, min_length=1, max_length=128)
    role_map: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    allowed_email_domains: tuple[str, ...] = ()
    create_accounts: bool = True
    trust_provider_mfa: bool = False

    @field_validator("name")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _NAME_RE.fullmatch(value):
            raise ValueError(
                "name must be a slug: lowercase letters, digits, '-' or '_', at most 32"
            )
        return value

    @field_validator("scopes")
    @classmethod
    def _has_openid(cls, value: str) -> str:
        words = value.split()
        if "openid" not in words:
            raise ValueError("scopes must include 'openid'")
        return " ".join(dict.fromkeys(words))

    @field_validator("role_map")
    @classmethod
    def _roles_are_names(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for group, roles in value.items():
            for role in roles:
                if not is_role_name(role):
                    raise ValueError(f"role_map[{group!r}] names an invalid role {role!r}")
        return value

    @field_validator("allowed_email_domains")
    @classmethod
    def _domains(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        domains = tuple(d.strip().lower().lstrip("@") for d in value if d.strip())
        for domain in domains:
            if not _DOMAIN_RE.fullmatch(domain):
                raise ValueError(f"allowed_email_domains has an invalid domain {domain!r}")
        return domains

    @property
    def managed_roles(self) -> frozenset[str]:
        """Every local role the provider's claim may grant (and so also take away)."""
        return frozenset(role for roles in self.role_map.values() for role in roles)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_provider_url(url: str, *, development: bool) -> None:
    """Refuse a metadata URL that is not https (http only for loopback in development)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname and _is_loopback(parts.hostname):
        if development:
            return
        raise ValueError(
            f"server_metadata_url {url!r} is http: allowed for loopback in development mode only"
        )
    raise ValueError(f"server_metadata_url {url!r} must be an https URL")


def providers_from_streamlit_auth(section: Mapping[str, Any]) -> list[OidcProviderSettings]:
    """Providers from Streamlit's ``[auth]`` secrets, the format ``st.login`` reads.

    ``[auth]`` holding ``client_id`` itself is the provider ``default``; each
    ``[auth.<name>]`` table is the provider ``<name>``. Streamlit's own keys
    (``redirect_uri``, ``cookie_secret``) stay Streamlit's; ``client_kwargs.scope``
    becomes ``scopes``; authgate's own keys (``label``, ``roles_claim``, ...)
    may be added to the same tables.
    """
    found: list[OidcProviderSettings] = []
    tables: list[tuple[str, Mapping[str, Any]]] = []
    if "client_id" in section:
        tables.append(("default", section))
    tables.extend(
        (str(name), value) for name, value in section.items() if isinstance(value, Mapping)
    )
    for name, table in tables:
        if name == "client_kwargs" or "client_id" not in table:
            continue
        values = {
            key: value
            for key, value in table.items()
            if key not in _STREAMLIT_ONLY and not isinstance(value, Mapping)
        }
        kwargs = table.get("client_kwargs")
        if isinstance(kwargs, Mapping) and isinstance(kwargs.get("scope"), str):
            values.setdefault("scopes", kwargs["scope"])
        if isinstance(table.get("role_map"), Mapping):
            values["role_map"] = dict(table["role_map"])
        values.setdefault("label", name.replace("_", " ").title())
        found.append(OidcProviderSettings(name=name.lower(), **values))
    return found
