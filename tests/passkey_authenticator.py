"""A software WebAuthn authenticator for tests: an EC P-256 key and hand-built answers.

This is test code standing in for a browser and a security key, so it builds
the CBOR and signatures itself (with cbor2 and cryptography); the server
side never does. It reads the options the server produced (WebAuthn JSON)
and answers the way ``credential.toJSON()`` does in a browser.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import struct
from base64 import urlsafe_b64decode, urlsafe_b64encode
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

ORIGIN = "http://localhost:8501"

_UP, _UV, _BE, _BS, _AT = 0x01, 0x04, 0x08, 0x10, 0x40


def b64url(data: bytes) -> str:
    return urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _options(options: Any) -> dict[str, Any]:
    return json.loads(options) if isinstance(options, str) else dict(options)


@dataclass
class SoftPasskey:
    """One credential: a private key that never leaves the test, and its counter."""

    rp_id: str
    user_handle: bytes
    credential_id: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    sign_count: int = 0
    counting: bool = True
    backup_eligible: bool = True

    def cose_public_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def flags(self, *, uv: bool = True) -> int:
        value = _UP | (_UV if uv else 0)
        if self.backup_eligible:
            value |= _BE | _BS
        return value

    def _rp_hash(self) -> bytes:
        return hashlib.sha256(self.rp_id.encode()).digest()


@dataclass
class SoftAuthenticator:
    """Holds passkeys (discoverable: found by RP id) and answers ``create`` and ``get``."""

    origin: str = ORIGIN
    passkeys: list[SoftPasskey] = field(default_factory=list)

    def create(
        self,
        options: Any,
        *,
        uv: bool = True,
        origin: str | None = None,
        credential_id: bytes | None = None,
    ) -> dict[str, Any]:
        """A ``RegistrationResponseJSON`` for creation options (attestation "none")."""
        opts = _options(options)
        passkey = SoftPasskey(rp_id=opts["rp"]["id"], user_handle=unb64url(opts["user"]["id"]))
        if credential_id is not None:
            passkey.credential_id = credential_id
        client_data = self._client_data("webauthn.create", opts["challenge"], origin)
        cred_id = passkey.credential_id
        auth_data = (
            passkey._rp_hash()
            + bytes([passkey.flags(uv=uv) | _AT])
            + struct.pack(">I", passkey.sign_count)
            + bytes(16)
            + struct.pack(">H", len(cred_id))
            + cred_id
            + passkey.cose_public_key()
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        self.passkeys.append(passkey)
        return {
            "id": b64url(cred_id),
            "rawId": b64url(cred_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }

    def get(
        self,
        options: Any,
        *,
        passkey: SoftPasskey | None = None,
        uv: bool = True,
        origin: str | None = None,
        sign_count: int | None = None,
    ) -> dict[str, Any]:
        """An ``AuthenticationResponseJSON`` signed by ``passkey`` (default: the last one)."""
        opts = _options(options)
        chosen = passkey or self.passkeys[-1]
        if sign_count is not None:
            chosen.sign_count = sign_count
        elif chosen.counting:
            chosen.sign_count += 1
        client_data = self._client_data("webauthn.get", opts["challenge"], origin)
        auth_data = (
            chosen._rp_hash() + bytes([chosen.flags(uv=uv)]) + struct.pack(">I", chosen.sign_count)
        )
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = chosen.key.sign(signed, ec.ECDSA(hashes.SHA256()))
        return {
            "id": b64url(chosen.credential_id),
            "rawId": b64url(chosen.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(chosen.user_handle),
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps(
            {
                "type": kind,
                "challenge": challenge,
                "origin": origin or self.origin,
                "crossOrigin": False,
            }
        ).encode()
