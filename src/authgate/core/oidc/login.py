"""The ``oidc`` login method: a verified provider identity becomes an account's login.

A known identity logs its account in. An unknown one creates an account
(username from ``preferred_username`` or the email's local part, made unique;
the default roles plus the mapped ones), unless a local account already uses
the provider's email: then nothing is linked silently, and ``OidcLinkRequired``
carries a ticket that a full local login of that account (password, and its
second factor if on) later spends to link. The provider's roles claim is
applied at every login, to the roles its ``role_map`` manages only.

The shared flow (``Logins``) does the rest as for any method: disabled
accounts, the local second factor (unless the provider asserted MFA and
``trust_provider_mfa`` is on), the session and its audit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from authgate.core.accounts.registration import AccountRules
from authgate.core.clock import Clock
from authgate.core.events import RolesChanged, UserRegistered
from authgate.core.identity import normalize_display_name, normalize_email
from authgate.core.lockout.guard import Lockout, account_key
from authgate.core.login.method import Client, Verified
from authgate.core.oidc.events import OidcLoginAsserted
from authgate.core.oidc.flow import Assertion, OidcFlow, ProviderIdentity
from authgate.core.oidc.links import link_identity
from authgate.core.ports.store import DuplicateRecord
from authgate.core.ports.users import NewUser
from authgate.core.records import AuthUser
from authgate.core.tokens.one_time import TokenPurpose, issue_token
from authgate.core.unit_of_work import UnitOfWork, Work
from authgate.errors import AuthgateError, InvalidCredentials, OidcFailed, OidcLinkRequired
from authgate.oidc_settings import OidcProviderSettings

__all__ = ["LINK_TICKET_TTL", "OidcLogin", "oidc_credentials"]

LINK_TICKET_TTL = timedelta(minutes=10)
_NOT_USERNAME = re.compile(r"[^A-Za-z0-9._-]+")
_MFA_AMR = frozenset({"mfa"})


def oidc_credentials(assertion: Assertion) -> dict[str, object]:
    """What the ``oidc`` method reads: an assertion from ``OidcFlow.finish``."""
    return {"assertion": assertion}


def _mail_key(identity: ProviderIdentity) -> tuple[str, str] | None:
    """The provider's email as (address, key), only when the provider verified it."""
    if not identity.email or not identity.email_verified:
        return None
    try:
        mail = normalize_email(identity.email)
    except AuthgateError:
        return None
    return mail.value, mail.key


@dataclass(kw_only=True, eq=False)
class OidcLogin:
    """Credentials ``{"assertion": Assertion}``, as ``OidcFlow.finish`` returned it."""

    name = "oidc"

    uow: UnitOfWork
    flow: OidcFlow
    lockout: Lockout
    rules: AccountRules
    clock: Clock

    def authenticate(self, credentials: Mapping[str, object], client: Client) -> Verified:
        """Raises OidcLinkRequired, OidcFailed("no_account"), AccountLocked."""
        assertion = credentials.get("assertion")
        if not isinstance(assertion, Assertion):
            raise InvalidCredentials()
        identity = assertion.identity
        settings = self.flow.provider(identity.provider)
        user, created = self._account(settings, identity, client, next_path=assertion.next_path)
        attempt = self.lockout.reserve(
            account_key(user.id), client=client, user_id=user.id, attempted=user.username
        )
        provider_mfa = settings.trust_provider_mfa and bool(_MFA_AMR.intersection(identity.amr))
        with self.uow.write() as work:
            found = work.identities.find(identity.provider, identity.issuer, identity.subject)
            if found is not None:
                work.identities.touch(found.id, email=identity.email, now=self.clock.now())
            user = self._apply_roles(work, settings, identity, user)
            work.emit(
                OidcLoginAsserted(
                    user=user,
                    client=client,
                    provider=identity.provider,
                    subject=identity.subject,
                    created=created,
                    provider_mfa=provider_mfa,
                )
            )
        return Verified(
            user=user,
            method=f"oidc:{identity.provider}",
            multi_factor=provider_mfa,
            attempted=user.username,
            attempt=attempt,
        )

    def _account(
        self,
        settings: OidcProviderSettings,
        identity: ProviderIdentity,
        client: Client,
        *,
        next_path: str,
    ) -> tuple[AuthUser, bool]:
        """The linked account, or a new one; never silently another account with the email."""
        mail = _mail_key(identity)
        with self.uow.read() as repos:
            found = repos.identities.find(identity.provider, identity.issuer, identity.subject)
            user = repos.users.get(found.user_id) if found else None
            holder = (
                repos.users.find_by_email_or_username(mail[1], email_only=True) if mail else None
            )
        if user is not None:
            return user, False
        if holder is not None:
            raise OidcLinkRequired(ticket=self._link_ticket(identity, holder.user.id, next_path))
        if not settings.create_accounts:
            raise OidcFailed("no_account")
        for _ in range(3):
            try:
                return self._create(settings, identity, client, mail), True
            except DuplicateRecord:
                # A racing first login of the same identity won (use its account),
                # or a registration took the chosen name (choose again).
                with self.uow.read() as repos:
                    found = repos.identities.find(
                        identity.provider, identity.issuer, identity.subject
                    )
                    user = repos.users.get(found.user_id) if found else None
                if user is not None:
                    return user, False
        raise OidcFailed("no_account", "Could not create an account for this identity.")

    def _link_ticket(self, identity: ProviderIdentity, user_id: int, next_path: str) -> str:
        with self.uow.write() as work:
            return issue_token(
                work.one_time_tokens,
                TokenPurpose.OIDC_LINK,
                now=self.clock.now(),
                ttl=LINK_TICKET_TTL,
                user_id=user_id,
                data={
                    "provider": identity.provider,
                    "issuer": identity.issuer,
                    "subject": identity.subject,
                    "email": identity.email,
                    "next": next_path,
                },
            )

    def _create(
        self,
        settings: OidcProviderSettings,
        identity: ProviderIdentity,
        client: Client,
        mail: tuple[str, str] | None,
    ) -> AuthUser:
        now = self.clock.now()
        roles = sorted(set(self.rules.default_roles) | _mapped(settings, identity))
        with self.uow.write() as work:
            name, key = self._free_username(work, identity)
            new = NewUser(
                username=name,
                username_key=key,
                email=mail[0] if mail else None,
                email_key=mail[1] if mail else None,
                display_name=normalize_display_name(identity.display_name, fallback=name),
                password_hash=None,
                password_changed_at=None,
                must_change_password=False,
                roles=tuple(roles),
                created_at=now,
            )
            user = work.users.add(new)
            if mail:
                user = work.users.mark_email_verified(user.id, now=now)
            work.emit(UserRegistered(user=user, client=client, roles=tuple(roles)))
            link_identity(
                work,
                user,
                identity.provider,
                identity.issuer,
                identity.subject,
                identity.email,
                via="created",
                client=client,
                now=now,
            )
        return user

    def _free_username(self, work: Work, identity: ProviderIdentity) -> tuple[str, str]:
        """A valid, unused username from the provider's hints (``alice``, ``alice-2``, ...)."""
        # Entra's preferred_username is an address (a UPN): its local part, like an email's.
        hint = (identity.username_hint or identity.email or "").split("@", 1)[0] or "user"
        low, high = self.rules.username_min_length, self.rules.username_max_length
        base = _NOT_USERNAME.sub("-", hint).strip(".-_")[: high - 4] or "user"
        base = base.ljust(low, "0")
        for number in range(1, 1000):
            candidate = base if number == 1 else f"{base}-{number}"
            try:
                name = self.rules.username(candidate)
            except AuthgateError:
                name = self.rules.username(f"user-{number}".ljust(low, "0"))
            if not work.users.username_taken(name.key):
                return name.value, name.key
        raise OidcFailed("no_account", "Could not choose a username for this account.")

    def _apply_roles(
        self, work: Work, settings: OidcProviderSettings, identity: ProviderIdentity, user: AuthUser
    ) -> AuthUser:
        """Make the provider-managed roles match the claim; local roles stay."""
        if not settings.roles_claim:
            return user
        wanted = (set(user.roles) - settings.managed_roles) | _mapped(settings, identity)
        if wanted == set(user.roles):
            return user
        old = work.users.set_roles(user.id, sorted(wanted), now=self.clock.now())
        work.emit(
            RolesChanged(
                user=user,
                old_roles=old,
                new_roles=tuple(sorted(wanted)),
            )
        )
        work.mark_stale()
        return work.users.get(user.id) or user


def _mapped(settings: OidcProviderSettings, identity: ProviderIdentity) -> set[str]:
    return {role for group in identity.groups for role in settings.role_map.get(group, ())}
