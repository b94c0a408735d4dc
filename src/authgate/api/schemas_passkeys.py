"""Bodies of the passkey endpoints: WebAuthn JSON in and out, plus a ``challenge_id``.

``options`` is exactly what py_webauthn's ``options_to_json`` produces
(``PublicKeyCredentialCreationOptionsJSON`` or ``...RequestOptionsJSON``),
ready for ``PublicKeyCredential.parseCreationOptionsFromJSON`` in a browser;
``credential`` is the browser's ``RegistrationResponseJSON`` or
``AuthenticationResponseJSON`` (``credential.toJSON()``), read by py_webauthn's
``parse_*_credential_json``. Their inner structure is checked by the core,
which answers 400 ``passkey_rejected`` for anything malformed.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from authgate.api.schemas import RecordOut
from authgate.core.passkeys.challenges import PasskeyOptions
from authgate.core.passkeys.recent_login import Reauthentication
from authgate.core.passkeys.service import MAX_PASSKEY_NAME
from authgate.core.ports.passkeys import PasskeyRecord

__all__ = [
    "PasskeyLoginOptionsRequest",
    "PasskeyLoginRequest",
    "PasskeyOptionsOut",
    "PasskeyOut",
    "PasskeyRegisterRequest",
    "PasskeyVerifyRequest",
    "ReauthOptionsRequest",
    "ReauthOut",
    "ReauthPasswordRequest",
]

_CHALLENGE_ID = Field(min_length=1, max_length=512, description="From the options answer.")
_CREDENTIAL = Field(description="The browser's credential, as WebAuthn JSON (toJSON()).")
_REAUTH = Field(
    default=None,
    max_length=512,
    description="From POST /passkeys/reauth/*; needed when the login is older than 10 minutes.",
)


class PasskeyOptionsOut(BaseModel):
    challenge_id: str = Field(description="Send it back with the browser's answer.")
    options: dict[str, Any] = Field(description="WebAuthn options JSON for the browser.")
    expires_at: datetime

    @classmethod
    def of(cls, issued: PasskeyOptions) -> PasskeyOptionsOut:
        options = json.loads(issued.options)
        return cls(challenge_id=issued.challenge_id, options=options, expires_at=issued.expires_at)


class ReauthOptionsRequest(BaseModel):
    reauth_token: str | None = _REAUTH


class PasskeyVerifyRequest(BaseModel):
    challenge_id: str = _CHALLENGE_ID
    credential: dict[str, Any] = _CREDENTIAL


class PasskeyRegisterRequest(PasskeyVerifyRequest):
    name: str = Field(min_length=1, max_length=MAX_PASSKEY_NAME, description="Where it lives.")


class PasskeyLoginOptionsRequest(BaseModel):
    mfa_ticket: str | None = Field(
        default=None,
        max_length=512,
        description="For the second step after a password: the ticket of the mfa_required answer.",
    )


class PasskeyLoginRequest(PasskeyVerifyRequest):
    remember: bool = False
    mfa_ticket: str | None = Field(default=None, max_length=512)


class ReauthPasswordRequest(BaseModel):
    password: str = Field(min_length=1, max_length=4096)


class ReauthOut(BaseModel):
    reauth_token: str
    expires_at: datetime

    @classmethod
    def of(cls, granted: Reauthentication) -> ReauthOut:
        return cls(reauth_token=granted.token, expires_at=granted.expires_at)


class PasskeyOut(RecordOut):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    backup_eligible: bool
    backed_up: bool
    transports: list[str]

    @classmethod
    def of(cls, record: PasskeyRecord) -> PasskeyOut:
        return cls.from_record(record, transports=list(record.transports))
