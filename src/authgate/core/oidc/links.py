"""Listing, linking and unlinking a user's identities at providers.

Three ways to link, each proving both sides: a logged-in user finishes a
provider flow started from the Account page (``link``); a user whose
provider email matched a local account logs in to that account once, password
and second factor, and spends the link ticket (``complete_link``); a first
provider login creates the account with its identity (``OidcLogin``).
Unlinking is refused when it would leave the account no way to log in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from authgate.core.clock import Clock
from authgate.core.oidc.events import OidcLinked, OidcUnlinked
from authgate.core.oidc.flow import Assertion
from authgate.core.ports.identities import LinkedIdentity, NewIdentity
from authgate.core.ports.store import DuplicateRecord
from authgate.core.records import AuthUser, Client
from authgate.core.tokens.one_time import TokenPurpose, consume_token, peek_token
from authgate.core.unit_of_work import UnitOfWork, Work
from authgate.errors import InvalidToken, OidcFailed, OidcUnlinkRefused, UserNotFound

__all__ = ["IdentityLinks", "link_identity"]


def link_identity(
    work: Work,
    user: AuthUser,
    provider: str,
    issuer: str,
    subject: str,
    email: str | None,
    *,
    via: str,
    client: Client | None,
    now: datetime,
) -> None:
    """Link a provider identity to ``user`` inside ``work``, audited as ``oidc.linked``.

    The one place a link is written, whether an account links an identity
    (``IdentityLinks``) or a first provider login creates the account with it
    (``OidcLogin``), so no link is stored without its audit row. Raises
    DuplicateRecord when the identity is already linked; what that means is
    the caller's to say (another account's, or a racing first login).
    """
    work.identities.add(
        NewIdentity(
            user_id=user.id,
            provider=provider,
            issuer=issuer,
            subject=subject,
            email=email,
            linked_at=now,
        )
    )
    work.emit(OidcLinked(user=user, client=client, provider=provider, subject=subject, via=via))


@dataclass(kw_only=True, eq=False)
class IdentityLinks:
    uow: UnitOfWork
    clock: Clock

    def list_for(self, user_id: int) -> list[LinkedIdentity]:
        with self.uow.read() as repos:
            return repos.identities.list_for(user_id)

    def link(self, assertion: Assertion, user_id: int, *, client: Client | None = None) -> None:
        """Link the identity of a flow the user started from their Account page.

        ``user_id`` is the account of the session finishing the flow; it must
        be the one that started it. OidcFailed("already_linked") when the
        identity belongs to another account.
        """
        if assertion.purpose != "link" or assertion.user_id != user_id:
            raise OidcFailed("state_invalid")
        self._add(
            assertion.identity.provider,
            assertion.identity.issuer,
            assertion.identity.subject,
            assertion.identity.email,
            user_id,
            via="account",
            client=client,
        )

    def peek_link_ticket(self, ticket: str) -> str:
        """The provider a pending link ticket is for (InvalidToken when spent or expired)."""
        with self.uow.read() as repos:
            record = peek_token(
                repos.one_time_tokens, TokenPurpose.OIDC_LINK, ticket, now=self.clock.now()
            )
        return str(record.data.get("provider", ""))

    def complete_link(self, ticket: str, user_id: int, *, client: Client | None = None) -> str:
        """Link the identity held by ``ticket`` to ``user_id``, who just logged in locally.

        The ticket names the account whose email the provider asserted; a
        login to any other account does not spend it. Returns the provider name.
        """
        with self.uow.write() as work:
            record = consume_token(
                work.one_time_tokens, TokenPurpose.OIDC_LINK, ticket, now=self.clock.now()
            )
        if record.user_id != user_id:
            raise InvalidToken()
        data = record.data
        provider = str(data["provider"])
        self._add(
            provider,
            str(data["issuer"]),
            str(data["subject"]),
            data.get("email"),
            user_id,
            via="password",
            client=client,
        )
        return provider

    def _add(
        self,
        provider: str,
        issuer: str,
        subject: str,
        email: object,
        user_id: int,
        *,
        via: str,
        client: Client | None,
    ) -> None:
        now = self.clock.now()
        try:
            with self.uow.write() as work:
                user = work.users.get(user_id)
                if user is None:
                    raise UserNotFound()
                found = work.identities.find(provider, issuer, subject)
                if found is not None:
                    if found.user_id != user_id:
                        raise OidcFailed(
                            "already_linked", "This identity is linked to another account."
                        )
                    return
                link_identity(
                    work,
                    user,
                    provider,
                    issuer,
                    subject,
                    email if isinstance(email, str) else None,
                    via=via,
                    client=client,
                    now=now,
                )
        except DuplicateRecord:
            raise OidcFailed(
                "already_linked", "This identity is linked to another account."
            ) from None

    def unlink(self, user_id: int, identity_id: int, *, actor_id: int | None = None) -> None:
        """Unlink one identity; OidcUnlinkRefused when it is the account's last way in."""
        with self.uow.write() as work:
            found = work.users.get_credentials(user_id)
            if found is None:
                raise UserNotFound()
            identities = work.identities.list_for(user_id)
            if found.password_hash is None and len(identities) <= 1:
                raise OidcUnlinkRefused()
            removed = work.identities.remove(user_id, identity_id)
            if removed is None:
                raise UserNotFound("No such linked identity.")
            work.emit(
                OidcUnlinked(
                    user=found.user,
                    actor_id=actor_id,
                    provider=removed.provider,
                    subject=removed.subject,
                )
            )
