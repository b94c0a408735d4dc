"""The ``oidc`` login method: accounts from provider identities, links, roles and local policy.

Every identity comes from a real provider flow (oidc-provider on loopback).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyotp
import pytest

from authgate.core.oidc.login import oidc_credentials
from authgate.errors import (
    AccountDisabled,
    AccountLocked,
    InvalidCredentials,
    InvalidToken,
    MfaRequired,
    OidcFailed,
    OidcLinkRequired,
    OidcUnlinkRefused,
)
from authgate.root import Authgate
from oidc_support import (
    CORE_REDIRECT,
    TestProvider,
    build_oidc_service,
    provider_login,
    sign_in_at_provider,
)

GROUPS = {"roles_claim": "groups", "role_map": {"analysts": ["analyst"]}}


@pytest.fixture
def auth(tmp_path: Path, oidc_provider: TestProvider) -> Iterator[Authgate]:
    service = build_oidc_service(tmp_path, oidc_provider, **GROUPS)
    yield service
    service.close()


def events(auth: Authgate, event_type: str) -> list[dict[str, object]]:
    return [row.detail for row in auth.audit.list(event_type=event_type)]


def test_a_first_login_creates_the_account_with_mapped_roles(auth: Authgate) -> None:
    result = provider_login(auth, "alice", "provider-pass-alice")
    user = result.user
    assert user.username == "alice"
    assert (user.email, user.email_verified) == ("alice@example.com", True)
    assert user.display_name == "Alice Analyst"
    assert user.roles == {"user", "analyst"}
    assert result.session.mfa is False
    [identity] = auth.identities.list_for(user.id)
    assert (identity.provider, identity.subject) == ("corp", "alice")
    assert events(auth, "oidc.linked")[0]["via"] == "created"
    assert events(auth, "oidc.login")[0]["created"] is True
    assert events(auth, "login.succeeded")[0]["method"] == "oidc:corp"


def test_a_second_login_reuses_the_account(auth: Authgate) -> None:
    first = provider_login(auth, "alice", "provider-pass-alice")
    second = provider_login(auth, "alice", "provider-pass-alice")
    assert second.user.id == first.user.id
    assert second.session.id != first.session.id
    [identity] = auth.identities.list_for(first.user.id)
    assert identity.last_used_at is not None and identity.last_used_at >= identity.linked_at
    assert len(auth.accounts.list_users()) == 1


def test_roles_from_the_claim_apply_at_each_login_and_local_roles_stay(auth: Authgate) -> None:
    user = provider_login(auth, "bob", "provider-pass-bob").user
    auth.accounts.set_roles(user.id, ["user", "analyst", "admin"])
    again = provider_login(auth, "bob", "provider-pass-bob").user
    assert again.roles == {"user", "admin"}  # analyst is the provider's to give; admin is local
    changed = events(auth, "user.roles_changed")[0]
    assert changed["new_roles"] == ["admin", "user"]


def test_a_local_account_with_the_email_is_never_linked_silently(auth: Authgate) -> None:
    local = auth.accounts.register(
        "alice-local", "a long local passphrase", email="alice@example.com"
    )
    with pytest.raises(OidcLinkRequired) as needed:
        provider_login(auth, "alice", "provider-pass-alice")
    assert needed.value.ticket
    assert auth.identities.list_for(local.id) == []
    assert len(auth.accounts.list_users()) == 1
    # The local account is proved by a full login, then the ticket links.
    proved = auth.logins.password("alice-local", "a long local passphrase")
    assert auth.identities.complete_link(needed.value.ticket, proved.user.id) == "corp"
    assert events(auth, "oidc.linked")[0]["via"] == "password"
    assert provider_login(auth, "alice", "provider-pass-alice").user.id == local.id
    with pytest.raises(InvalidToken):  # the ticket was spent
        auth.identities.complete_link(needed.value.ticket, proved.user.id)


def test_a_link_ticket_does_not_link_another_account(auth: Authgate) -> None:
    auth.accounts.register("alice-local", "a long local passphrase", email="alice@example.com")
    other = auth.accounts.register("eve", "another long passphrase")
    with pytest.raises(OidcLinkRequired) as needed:
        provider_login(auth, "alice", "provider-pass-alice")
    assert needed.value.ticket
    with pytest.raises(InvalidToken):
        auth.identities.complete_link(needed.value.ticket, other.id)
    assert auth.identities.list_for(other.id) == []


def test_a_username_taken_locally_gets_a_suffix(auth: Authgate) -> None:
    auth.accounts.register("alice", "a long local passphrase", email="someone@example.net")
    assert provider_login(auth, "alice", "provider-pass-alice").user.username == "alice-2"


def test_a_disabled_account_cannot_sign_in(auth: Authgate) -> None:
    user = provider_login(auth, "bob", "provider-pass-bob").user
    auth.accounts.set_active(user.id, False)
    with pytest.raises(AccountDisabled):
        provider_login(auth, "bob", "provider-pass-bob")


def test_a_locked_account_cannot_sign_in(auth: Authgate) -> None:
    user = provider_login(auth, "bob", "provider-pass-bob").user
    for _ in range(auth.settings.lockout_threshold):
        with pytest.raises(InvalidCredentials):
            auth.logins.password("bob", "not the password at all")
    with pytest.raises(AccountLocked):
        provider_login(auth, "bob", "provider-pass-bob")
    assert user.id


def test_local_mfa_is_asked_after_the_provider(auth: Authgate) -> None:
    user = provider_login(auth, "bob", "provider-pass-bob").user
    secret = auth.mfa.begin_enrollment(user.id).secret
    auth.mfa.confirm_enrollment(user.id, pyotp.TOTP(secret).at(datetime.now(UTC)))
    with pytest.raises(MfaRequired) as step:
        provider_login(auth, "bob", "provider-pass-bob")
    assert step.value.ticket


def test_provider_mfa_counts_only_when_trusted(tmp_path: Path, oidc_provider: TestProvider) -> None:
    for trusted in (False, True):
        auth = build_oidc_service(
            tmp_path / str(trusted), oidc_provider, trust_provider_mfa=trusted
        )
        try:
            result = provider_login(auth, "strong", "provider-pass-strong")
            assert result.session.mfa is trusted
        finally:
            auth.close()


def test_no_account_is_created_when_creation_is_off(
    tmp_path: Path, oidc_provider: TestProvider
) -> None:
    auth = build_oidc_service(tmp_path, oidc_provider, create_accounts=False)
    try:
        with pytest.raises(OidcFailed) as refused:
            provider_login(auth, "bob", "provider-pass-bob")
        assert refused.value.reason == "no_account"
        assert auth.accounts.list_users() == []
    finally:
        auth.close()


def test_unlinking_the_only_way_in_is_refused(auth: Authgate) -> None:
    user = provider_login(auth, "bob", "provider-pass-bob").user
    [identity] = auth.identities.list_for(user.id)
    with pytest.raises(OidcUnlinkRefused):
        auth.identities.unlink(user.id, identity.id, actor_id=user.id)
    assert auth.identities.list_for(user.id) == [identity]


def test_unlinking_an_account_that_has_a_password(auth: Authgate) -> None:
    local = auth.accounts.register(
        "alice-local", "a long local passphrase", email="alice@example.com"
    )
    with pytest.raises(OidcLinkRequired) as needed:
        provider_login(auth, "alice", "provider-pass-alice")
    assert needed.value.ticket
    auth.identities.complete_link(needed.value.ticket, local.id)
    [identity] = auth.identities.list_for(local.id)
    auth.identities.unlink(local.id, identity.id, actor_id=local.id)
    assert auth.identities.list_for(local.id) == []
    assert events(auth, "oidc.unlinked")[0]["provider"] == "corp"


def test_linking_from_the_account_page(auth: Authgate) -> None:
    local = auth.accounts.register("carol", "a long local passphrase")
    started = auth.oidc.begin("corp", redirect_uri=CORE_REDIRECT, purpose="link", user_id=local.id)
    back = sign_in_at_provider(started.url, "bob", "provider-pass-bob", redirect_uri=CORE_REDIRECT)
    assertion = auth.oidc.finish("corp", back, binding=started.binding)
    auth.identities.link(assertion, local.id)
    result = auth.logins.login("oidc", oidc_credentials(provider_assertion(auth)))
    assert result.user.id == local.id


def provider_assertion(auth: Authgate):  # type: ignore[no-untyped-def]
    started = auth.oidc.begin("corp", redirect_uri=CORE_REDIRECT)
    back = sign_in_at_provider(started.url, "bob", "provider-pass-bob", redirect_uri=CORE_REDIRECT)
    return auth.oidc.finish("corp", back, binding=started.binding)


@pytest.mark.parametrize(
    ("hint", "email", "expected"),
    [
        ("alice@corp.example.com", None, "alice"),  # Entra: preferred_username is a UPN
        (None, "bob.smith@example.com", "bob.smith"),
        ("x", None, "x00"),  # padded to the minimum length
        ("Zoë Ünïcode", None, "Zo-n-code"),
        (None, None, "user"),
        ("..--__", None, "user"),
    ],
)
def test_usernames_come_from_the_providers_hints(
    sqlite_service: Authgate, hint: str | None, email: str | None, expected: str
) -> None:
    from authgate.core.oidc.flow import Assertion, ProviderIdentity
    from authgate.oidc_settings import OidcProviderSettings

    settings = OidcProviderSettings(
        name="corp",
        label="Corp",
        server_metadata_url="http://127.0.0.1:9/.well-known/openid-configuration",
        client_id="app",
    )
    from authgate.core.oidc.provider_client import ProviderClient

    sqlite_service.oidc.providers["corp"] = ProviderClient(settings=settings, development=True)
    identity = ProviderIdentity(
        provider="corp",
        issuer="https://id.example.com",
        subject=f"subject-{expected}",
        email=email,
        email_verified=True,
        username_hint=hint,
        display_name=None,
        groups=(),
        amr=(),
    )
    result = sqlite_service.logins.login(
        "oidc", oidc_credentials(Assertion(identity=identity, purpose="login"))
    )
    assert result.user.username == expected
