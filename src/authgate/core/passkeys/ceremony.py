"""The relying party: WebAuthn options out, browser answers verified, all through py_webauthn.

No CBOR, no COSE and no signature code lives in authgate: ``webauthn``
(py_webauthn) builds the options and checks every answer (challenge, origin,
RP id hash, user presence and verification, signature, attestation "none").
This module only fixes authgate's choices (discoverable credentials, user
verification required, no attestation) and turns every way an answer can be
wrong into one ``PasskeyRejected``, so no malformed input becomes a 500.

The signature counter is checked by the caller, not here: py_webauthn is
given a stored count of 0 so that it only verifies the signature, and the
caller compares counters afterwards, so a forged answer is never reported as
a cloned authenticator.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    bytes_to_base64url,
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticationCredential,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    CredentialDeviceType,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from authgate.core.ports.passkeys import PasskeyRecord
from authgate.errors import ConfigurationError, PasskeyRejected

__all__ = [
    "Assertion",
    "RegisteredKey",
    "RelyingParty",
    "as_credential_json",
    "new_user_handle",
]

_TIMEOUT_MS = 120_000
_MAX_CREDENTIAL_JSON = 32 * 1024


def new_user_handle() -> str:
    """A random WebAuthn user handle (base64url): it names the account and reveals nothing."""
    return bytes_to_base64url(secrets.token_bytes(32))


def as_credential_json(credential: object) -> dict[str, Any]:
    """A browser answer as a dict (a JSON string or an object), or PasskeyRejected."""
    if isinstance(credential, str):
        if len(credential) > _MAX_CREDENTIAL_JSON:
            raise PasskeyRejected()
        try:
            credential = json.loads(credential)
        except ValueError as error:
            raise PasskeyRejected() from error
    if not isinstance(credential, Mapping):
        raise PasskeyRejected()
    return dict(credential)


@dataclass(frozen=True)
class RegisteredKey:
    """What a verified registration gives to store: the public key, never a private one."""

    credential_id: str
    public_key: bytes
    sign_count: int
    aaguid: str
    backup_eligible: bool
    backed_up: bool
    transports: tuple[str, ...]


@dataclass(frozen=True)
class Assertion:
    """A parsed login answer, before its signature is checked."""

    credential_id: str
    user_handle: str | None
    credential: AuthenticationCredential


@dataclass(frozen=True)
class RelyingParty:
    """authgate as a WebAuthn relying party: its id (a domain), its name, the origins it accepts."""

    rp_id: str
    name: str
    origins: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.rp_id or not self.origins:
            raise ConfigurationError("Passkeys need an RP id and at least one allowed origin.")

    def creation_options(
        self,
        *,
        challenge: bytes,
        user_handle: str,
        user_name: str,
        display_name: str,
        exclude: Sequence[PasskeyRecord],
    ) -> str:
        """``PublicKeyCredentialCreationOptionsJSON`` for ``navigator.credentials.create``."""
        options = generate_registration_options(
            rp_id=self.rp_id,
            rp_name=self.name,
            user_name=user_name,
            user_id=base64url_to_bytes(user_handle),
            user_display_name=display_name or user_name,
            challenge=challenge,
            timeout=_TIMEOUT_MS,
            attestation=AttestationConveyancePreference.NONE,
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.REQUIRED,
                require_resident_key=True,
                user_verification=UserVerificationRequirement.REQUIRED,
            ),
            exclude_credentials=_descriptors(exclude),
        )
        return options_to_json(options)

    def request_options(self, *, challenge: bytes, allow: Sequence[PasskeyRecord]) -> str:
        """``PublicKeyCredentialRequestOptionsJSON``; an empty ``allow`` lets the browser offer
        the user's discoverable passkeys (a usernameless login)."""
        options = generate_authentication_options(
            rp_id=self.rp_id,
            challenge=challenge,
            timeout=_TIMEOUT_MS,
            allow_credentials=_descriptors(allow),
            user_verification=UserVerificationRequirement.REQUIRED,
        )
        return options_to_json(options)

    def verify_registration(self, credential: object, *, challenge: bytes) -> RegisteredKey:
        """Check a ``RegistrationResponseJSON``; PasskeyRejected for anything wrong in it."""
        try:
            parsed = parse_registration_credential_json(as_credential_json(credential))
            verified = verify_registration_response(
                credential=parsed,
                expected_challenge=challenge,
                expected_rp_id=self.rp_id,
                expected_origin=list(self.origins),
                require_user_verification=True,
            )
        except PasskeyRejected:
            raise
        except Exception as error:  # every malformed or wrong answer is the client's fault
            raise PasskeyRejected() from error
        return RegisteredKey(
            credential_id=bytes_to_base64url(verified.credential_id),
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            aaguid=str(verified.aaguid),
            backup_eligible=verified.credential_device_type == CredentialDeviceType.MULTI_DEVICE,
            backed_up=verified.credential_backed_up,
            transports=tuple(t.value for t in parsed.response.transports or ()),
        )

    def read_assertion(self, credential: object) -> Assertion:
        """Parse an ``AuthenticationResponseJSON`` enough to find its passkey."""
        try:
            parsed = parse_authentication_credential_json(as_credential_json(credential))
        except PasskeyRejected:
            raise
        except Exception as error:
            raise PasskeyRejected() from error
        handle = parsed.response.user_handle
        return Assertion(
            credential_id=bytes_to_base64url(parsed.raw_id),
            user_handle=bytes_to_base64url(handle) if handle else None,
            credential=parsed,
        )

    def verify_assertion(
        self, assertion: Assertion, *, challenge: bytes, passkey: PasskeyRecord
    ) -> tuple[int, bool]:
        """Check the signature, challenge, origin and user verification: (counter, backed up)."""
        try:
            verified = verify_authentication_response(
                credential=assertion.credential,
                expected_challenge=challenge,
                expected_rp_id=self.rp_id,
                expected_origin=list(self.origins),
                credential_public_key=passkey.public_key,
                credential_current_sign_count=0,
                require_user_verification=True,
            )
        except Exception as error:
            raise PasskeyRejected() from error
        return verified.new_sign_count, verified.credential_backed_up


def _descriptors(passkeys: Sequence[PasskeyRecord]) -> list[PublicKeyCredentialDescriptor]:
    known = {t.value for t in AuthenticatorTransport}
    return [
        PublicKeyCredentialDescriptor(
            id=base64url_to_bytes(p.credential_id),
            transports=[AuthenticatorTransport(t) for t in p.transports if t in known] or None,
        )
        for p in passkeys
    ]
