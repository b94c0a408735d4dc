"""The provider flow against a real OpenID provider (oidc-provider on loopback)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from auth_support import db_session
from authgate.config import AuthgateSettings
from authgate.errors import OidcFailed
from authgate.root import Authgate
from authgate.store.models import OneTimeToken
from oidc_support import CORE_REDIRECT as REDIRECT
from oidc_support import TestProvider, build_oidc_service, sign_in_at_provider


def build(tmp_path: Path, oidc_provider: TestProvider, **extra: Any) -> Authgate:
    return build_oidc_service(tmp_path, oidc_provider, **extra)


@pytest.fixture
def auth(tmp_path: Path, oidc_provider: TestProvider) -> Iterator[Authgate]:
    service = build(
        tmp_path, oidc_provider, roles_claim="groups", role_map={"analysts": ["analyst"]}
    )
    yield service
    service.close()


def test_the_authorization_request_uses_pkce_state_and_nonce(auth: Authgate) -> None:
    started = auth.oidc.begin("corp", redirect_uri=REDIRECT)
    query = parse_qs(urlsplit(started.url).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"] == [started.state]
    assert len(query["nonce"][0]) >= 32
    assert query["redirect_uri"] == [REDIRECT]


def test_a_full_flow_yields_the_verified_identity(auth: Authgate) -> None:
    started = auth.oidc.begin("corp", redirect_uri=REDIRECT, next_path="dashboard")
    back = sign_in_at_provider(started.url, "alice", "provider-pass-alice", redirect_uri=REDIRECT)
    assertion = auth.oidc.finish("corp", back, binding=started.binding)
    identity = assertion.identity
    assert (identity.subject, identity.email, identity.email_verified) == (
        "alice",
        "alice@example.com",
        True,
    )
    assert identity.groups == ("analysts",)
    assert assertion.next_path == "dashboard"


def test_the_state_is_single_use(auth: Authgate) -> None:
    started = auth.oidc.begin("corp", redirect_uri=REDIRECT)
    back = sign_in_at_provider(started.url, "bob", "provider-pass-bob", redirect_uri=REDIRECT)
    auth.oidc.finish("corp", back, binding=started.binding)
    with pytest.raises(OidcFailed) as replay:
        auth.oidc.finish("corp", back, binding=started.binding)
    assert replay.value.reason == "state_invalid"


def test_another_browser_cannot_finish_the_flow(auth: Authgate) -> None:
    started = auth.oidc.begin("corp", redirect_uri=REDIRECT)
    back = sign_in_at_provider(started.url, "bob", "provider-pass-bob", redirect_uri=REDIRECT)
    with pytest.raises(OidcFailed) as stolen:
        auth.oidc.finish("corp", back, binding="someone-elses-cookie")
    assert stolen.value.reason == "state_invalid"


def test_a_tampered_code_is_refused(auth: Authgate) -> None:
    started = auth.oidc.begin("corp", redirect_uri=REDIRECT)
    back = sign_in_at_provider(started.url, "bob", "provider-pass-bob", redirect_uri=REDIRECT)
    with pytest.raises(OidcFailed) as tampered:
        auth.oidc.finish(
            "corp", {**back, "code": back["code"][:-2] + "xx"}, binding=started.binding
        )
    assert tampered.value.reason == "token_invalid"


def test_cancelling_at_the_provider(auth: Authgate) -> None:
    started = auth.oidc.begin("corp", redirect_uri=REDIRECT)
    back = sign_in_at_provider(started.url, "", "", redirect_uri=REDIRECT, cancel=True)
    with pytest.raises(OidcFailed) as cancelled:
        auth.oidc.finish("corp", back, binding=started.binding)
    assert cancelled.value.reason == "cancelled"
    failures = auth.audit.list(event_type="oidc.failed")
    assert failures[0].detail["reason"] == "cancelled"


def test_an_email_outside_the_allowed_domains_is_refused(
    tmp_path: Path, oidc_provider: TestProvider
) -> None:
    auth = build(tmp_path, oidc_provider, allowed_email_domains=["example.com"])
    try:
        started = auth.oidc.begin("corp", redirect_uri=REDIRECT)
        back = sign_in_at_provider(
            started.url, "mallory", "provider-pass-mallory", redirect_uri=REDIRECT
        )
        with pytest.raises(OidcFailed) as refused:
            auth.oidc.finish("corp", back, binding=started.binding)
        assert refused.value.reason == "email_domain"
    finally:
        auth.close()


def test_an_unreachable_provider_stores_nothing(tmp_path: Path) -> None:
    settings = AuthgateSettings(
        database_url=f"sqlite:///{tmp_path / 'down.db'}",
        data_dir=tmp_path / "data",
        oidc_providers=[  # type: ignore[list-item]
            {
                "name": "corp",
                "label": "Corp SSO",
                "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
                "client_id": "app",
                "client_secret": "s" * 32,
            }
        ],
    )
    auth = Authgate.from_settings(settings)
    try:
        with pytest.raises(OidcFailed) as down:
            auth.oidc.begin("corp", redirect_uri=REDIRECT)
        assert down.value.reason == "provider_unreachable"
        with db_session(auth) as db:
            assert db.scalar(select(func.count()).select_from(OneTimeToken)) == 0
    finally:
        auth.close()
