"""Provider settings: ``AUTHGATE_OIDC_PROVIDERS`` and Streamlit's ``[auth]`` secrets format."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from authgate.config import AuthgateSettings
from authgate.core.identity import normalize_role
from authgate.errors import ConfigurationError, InvalidRole
from authgate.oidc_settings import OidcProviderSettings, providers_from_streamlit_auth

CORP = {
    "name": "corp",
    "label": "Corp SSO",
    "server_metadata_url": "https://id.example.com/.well-known/openid-configuration",
    "client_id": "app",
    "client_secret": "a-secret",
    "roles_claim": "groups",
    "role_map": {"analysts": ["analyst"]},
}


def test_providers_come_from_a_json_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTHGATE_OIDC_PROVIDERS", json.dumps([CORP]))
    [corp] = AuthgateSettings().oidc_providers
    assert corp.label == "Corp SSO"
    assert corp.scopes == "openid email profile"
    assert corp.role_map == {"analysts": ("analyst",)}
    assert corp.managed_roles == {"analyst"}
    assert "a-secret" not in repr(corp)


@pytest.mark.parametrize(
    "change",
    [
        {"name": "Corp SSO"},
        {"scopes": "email profile"},
        {"role_map": {"x": ["Not A Role"]}},
        {"allowed_email_domains": ["bad domain"]},
        {"server_metadata_url": "ftp://id.example.com/.well-known/openid-configuration"},
        {"server_metadata_url": "http://id.example.com/.well-known/openid-configuration"},
        {"unknown_key": 1},
    ],
)
def test_bad_provider_settings_are_refused(change: dict[str, object]) -> None:
    with pytest.raises((ValidationError, ValueError)):
        AuthgateSettings(oidc_providers=[{**CORP, **change}])  # type: ignore[list-item]


@pytest.mark.parametrize(
    "role", ["analyst", "a", "data-team_2", "r" * 64, "r" * 65, "Admin", "2fa", "a,b", "a b", ""]
)
def test_a_provider_may_grant_exactly_the_roles_an_account_may_hold(role: str) -> None:
    """One spelling rule (``authgate.role_names``): no provider role an account cannot hold."""
    try:
        account_ok = normalize_role(role) == role
    except InvalidRole:
        account_ok = False
    try:
        OidcProviderSettings.model_validate({**CORP, "role_map": {"group": [role]}})
        provider_ok = True
    except ValidationError:
        provider_ok = False
    assert provider_ok == account_ok
    assert account_ok == (role in {"analyst", "a", "data-team_2", "r" * 64})


def test_http_is_for_loopback_in_development_only() -> None:
    local = {
        **CORP,
        "server_metadata_url": "http://127.0.0.1:9000/.well-known/openid-configuration",
    }
    assert AuthgateSettings(oidc_providers=[local]).oidc_providers  # type: ignore[list-item]
    with pytest.raises((ValidationError, ConfigurationError)):
        AuthgateSettings(
            mode="production",
            secret_key="k" + "0123456789abcdefghijklmnopqrstuvwxyz",
            oidc_providers=[local],  # type: ignore[list-item]
        )


def test_a_provider_name_is_used_once() -> None:
    with pytest.raises(ValidationError):
        AuthgateSettings(oidc_providers=[CORP, CORP])  # type: ignore[list-item]


def test_streamlit_auth_secrets_are_read_in_st_login_format() -> None:
    section = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "streamlit's own",
        "client_id": "default-app",
        "client_secret": "s1",
        "server_metadata_url": "https://accounts.example.com/.well-known/openid-configuration",
        "microsoft": {
            "client_id": "ms-app",
            "client_secret": "s2",
            "server_metadata_url": "https://login.example.com/t/v2.0/.well-known/openid-configuration",
            "client_kwargs": {"scope": "openid email profile", "prompt": "login"},
            "label": "Microsoft",
            "roles_claim": "roles",
            "role_map": {"Admins": ["admin"]},
        },
    }
    default, microsoft = providers_from_streamlit_auth(section)
    assert (default.name, default.label, default.client_id) == ("default", "Default", "default-app")
    assert isinstance(microsoft, OidcProviderSettings)
    assert (microsoft.name, microsoft.label, microsoft.roles_claim) == (
        "microsoft",
        "Microsoft",
        "roles",
    )
    assert microsoft.role_map == {"Admins": ("admin",)}
    assert microsoft.client_secret is not None
    assert microsoft.client_secret.get_secret_value() == "s2"


def test_an_auth_section_without_a_provider_gives_none() -> None:
    assert providers_from_streamlit_auth({"redirect_uri": "x", "cookie_secret": "y"}) == []
