"""Request and answer bodies of the identity-provider routes (``{prefix}/oidc/...``)."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from authgate.api.schemas import UserOut
from authgate.api.schemas_visitors import HandedVisitor
from authgate.core.ports.identities import LinkedIdentity
from authgate.core.records import AuthUser

__all__ = ["IdentityOut", "MeOut", "OidcExchangeRequest", "ProviderOut"]


class ProviderOut(BaseModel):
    """A configured identity provider and where a client starts its flow."""

    name: str
    label: str
    authorize_url: str


class OidcExchangeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=512, description="The code from the callback.")
    visitor_token: HandedVisitor = None


class IdentityOut(BaseModel):
    """An identity at a provider linked to the account."""

    provider: str
    subject: str
    email: str | None
    linked_at: datetime

    @classmethod
    def of(cls, identity: LinkedIdentity) -> "IdentityOut":
        return cls(
            provider=identity.provider,
            subject=identity.subject,
            email=identity.email,
            linked_at=identity.linked_at,
        )


class MeOut(UserOut):
    """The current user with the provider identities linked to the account."""

    identities: list[IdentityOut] = Field(default_factory=list)

    @classmethod
    def with_identities(cls, user: AuthUser, identities: list[LinkedIdentity]) -> "MeOut":
        return cls(
            **UserOut.of(user).model_dump(), identities=[IdentityOut.of(i) for i in identities]
        )
