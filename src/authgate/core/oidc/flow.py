"""The authorization-code flow with an identity provider, from the button to a verified identity.

``begin`` makes a fresh ``state``, ``nonce`` and PKCE verifier, keeps them
in the database as a single-use, ten-minute token (so any replica can finish
the flow), and returns the provider URL plus a *binding* secret for the
browser's cookie. ``finish`` spends the state first (a replayed callback
finds it spent), checks that the browser finishing is the one that began
(its binding cookie), trades the code for tokens and verifies the ID token.
Every failure is ``OidcFailed`` with a reason, audited as ``oidc.failed``,
and creates nothing.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from authlib.common.security import generate_token

from authgate.core.clock import Clock
from authgate.core.oidc.events import OidcLoginFailed
from authgate.core.oidc.id_token import verify_id_token
from authgate.core.oidc.provider_client import ProviderClient
from authgate.core.records import Client
from authgate.core.secrets import digest
from authgate.core.tokens.one_time import TokenPurpose, consume_token, issue_token
from authgate.core.unit_of_work import UnitOfWork
from authgate.errors import InvalidToken, OidcFailed
from authgate.oidc_settings import OidcProviderSettings

__all__ = ["Assertion", "Authorization", "OidcFlow", "ProviderIdentity"]

STATE_TTL = timedelta(minutes=10)
_MAX_PARAM = 2048


@dataclass(frozen=True)
class Authorization:
    """Send the browser to ``url``; keep ``binding`` in its HttpOnly cookie until the callback."""

    url: str = field(repr=False)
    state: str = field(repr=False)
    binding: str = field(repr=False)


@dataclass(frozen=True)
class ProviderIdentity:
    """What a verified ID token says about the person."""

    provider: str
    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    username_hint: str | None
    display_name: str | None
    groups: tuple[str, ...]
    amr: tuple[str, ...]


@dataclass(frozen=True)
class Assertion:
    """A finished flow: the verified identity and what the flow was started for.

    ``purpose`` is ``login``, ``link`` (``user_id`` is the account that asked
    to link) or ``api`` (``return_to`` is the API client's URI).
    """

    identity: ProviderIdentity
    purpose: str
    next_path: str = ""
    user_id: int | None = None
    return_to: str | None = None


def _text(value: object, limit: int = 320) -> str | None:
    return value[:limit] if isinstance(value, str) and value else None


def _groups(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(item) for item in value if isinstance(item, str | int))
    return ()


@dataclass(kw_only=True, eq=False)
class OidcFlow:
    """The providers of this deployment and the flow through any of them."""

    uow: UnitOfWork
    clock: Clock
    providers: dict[str, ProviderClient]
    public_url: str

    @classmethod
    def from_settings(
        cls,
        providers: tuple[OidcProviderSettings, ...],
        *,
        uow: UnitOfWork,
        clock: Clock,
        public_url: str,
        development: bool,
    ) -> OidcFlow:
        clients = {p.name: ProviderClient(settings=p, development=development) for p in providers}
        return cls(uow=uow, clock=clock, providers=clients, public_url=public_url.rstrip("/"))

    def provider(self, name: object) -> OidcProviderSettings:
        """The named provider's settings; ``OidcFailed("unknown_provider")`` for any other name."""
        client = self.providers.get(name) if isinstance(name, str) else None
        if client is None:
            raise OidcFailed("unknown_provider", "No such identity provider.")
        return client.settings

    def begin(
        self,
        name: str,
        *,
        redirect_uri: str,
        purpose: str = "login",
        next_path: str = "",
        user_id: int | None = None,
        return_to: str | None = None,
    ) -> Authorization:
        """Start a flow; ``OidcFailed("provider_unreachable")`` before anything is stored."""
        self.provider(name)
        client = self.providers[name]
        # The provider first, outside any transaction: an unreachable one fails
        # here, before anything is stored, and no write lock waits on the network.
        client.metadata()
        nonce, verifier, binding = generate_token(32), generate_token(64), generate_token(32)
        with self.uow.write() as work:
            state = issue_token(
                work.one_time_tokens,
                TokenPurpose.OIDC_STATE,
                now=self.clock.now(),
                ttl=STATE_TTL,
                user_id=user_id,
                data={
                    "provider": name,
                    "nonce": nonce,
                    "verifier": verifier,
                    "binding": digest(binding),
                    "purpose": purpose,
                    "next": next_path,
                    "return_to": return_to,
                    "redirect_uri": redirect_uri,
                },
            )
        url = client.authorization_url(
            redirect_uri=redirect_uri, state=state, nonce=nonce, code_verifier=verifier
        )
        return Authorization(url=url, state=state, binding=binding)

    def finish(
        self,
        name: str,
        params: Mapping[str, str],
        *,
        binding: str | None,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> Assertion:
        """Verify a callback's ``state``, ``code`` (or ``error``) and return the identity."""
        try:
            return self._finish(name, params, binding)
        except OidcFailed as failure:
            self.uow.record(
                OidcLoginFailed(
                    provider=name if name in self.providers else "",
                    reason=failure.reason,
                    client=Client.of(ip, user_agent),
                )
            )
            raise

    def _finish(self, name: str, params: Mapping[str, str], binding: str | None) -> Assertion:
        settings = self.provider(name)
        state = params.get("state")
        if not state or len(state) > _MAX_PARAM:
            raise OidcFailed("state_invalid")
        try:
            with self.uow.write() as work:
                record = consume_token(
                    work.one_time_tokens, TokenPurpose.OIDC_STATE, state, now=self.clock.now()
                )
        except InvalidToken:
            raise OidcFailed("state_invalid") from None
        data: dict[str, Any] = record.data
        try:
            return self._verify(name, settings, params, binding, data, record.user_id)
        except OidcFailed as failure:
            failure.return_to = data.get("return_to") if data.get("provider") == name else None
            raise

    def _verify(
        self,
        name: str,
        settings: OidcProviderSettings,
        params: Mapping[str, str],
        binding: str | None,
        data: dict[str, Any],
        user_id: int | None,
    ) -> Assertion:
        bound = isinstance(binding, str) and hmac.compare_digest(
            digest(binding), str(data.get("binding", ""))
        )
        if data.get("provider") != name or not bound:
            raise OidcFailed("state_invalid")
        error = params.get("error")
        if error:
            raise OidcFailed("cancelled" if error == "access_denied" else "provider_error")
        code = params.get("code")
        if not code or len(code) > _MAX_PARAM:
            raise OidcFailed("token_invalid")
        client = self.providers[name]
        answer = client.exchange(
            code=code, redirect_uri=str(data["redirect_uri"]), code_verifier=str(data["verifier"])
        )
        claims = self._verified(client, answer.get("id_token"), nonce=str(data["nonce"]))
        identity = self._identity(settings, claims)
        self._check_domain(settings, identity)
        return Assertion(
            identity=identity,
            purpose=str(data.get("purpose", "login")),
            next_path=str(data.get("next") or ""),
            user_id=user_id,
            return_to=data.get("return_to"),
        )

    def _verified(self, client: ProviderClient, token: object, *, nonce: str) -> dict[str, Any]:
        metadata = client.metadata()

        def verify(keys: Mapping[str, Any]) -> dict[str, Any]:
            return verify_id_token(
                token,
                keys=keys,
                algorithms=metadata.algorithms,
                issuer=metadata.issuer,
                client_id=client.settings.client_id,
                nonce=nonce,
                now=self.clock.now(),
            )

        try:
            return verify(client.keys())
        except OidcFailed:
            # Perhaps the provider rotated its keys since we cached them: one fresh look.
            return verify(client.keys(refresh=True))

    @staticmethod
    def _identity(settings: OidcProviderSettings, claims: Mapping[str, Any]) -> ProviderIdentity:
        verified = claims.get("email_verified")
        return ProviderIdentity(
            provider=settings.name,
            issuer=str(claims["iss"]),
            subject=str(claims["sub"]),
            email=_text(claims.get("email")),
            email_verified=verified is True or verified == "true",
            username_hint=_text(claims.get("preferred_username"), 64),
            display_name=_text(claims.get("name"), 128),
            groups=_groups(claims.get(settings.roles_claim)) if settings.roles_claim else (),
            amr=_groups(claims.get("amr")),
        )

    @staticmethod
    def _check_domain(settings: OidcProviderSettings, identity: ProviderIdentity) -> None:
        allowed = settings.allowed_email_domains
        if not allowed:
            return
        email = identity.email if identity.email_verified else None
        domain = email.rsplit("@", 1)[-1].lower() if email and "@" in email else None
        if domain not in allowed:
            raise OidcFailed("email_domain")
