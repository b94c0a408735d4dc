"""ID-token checks with tokens signed here by a key of our own (joserfc): every rule refuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

from authgate.core.oidc.id_token import verify_id_token
from authgate.errors import OidcFailed

ISSUER = "https://id.example.com"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"})
OTHER = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"})
JWKS = KeySet([KEY]).as_dict(private=False)


def claims(**changes: Any) -> dict[str, Any]:
    base = {
        "iss": ISSUER,
        "sub": "user-1",
        "aud": "app",
        "exp": int((NOW + timedelta(minutes=5)).timestamp()),
        "iat": int(NOW.timestamp()),
        "nonce": "n-1",
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def token(key: Any = KEY, alg: str = "RS256", **changes: Any) -> str:
    return jwt.encode({"alg": alg, "kid": "k1"}, claims(**changes), key)


def verify(value: str, **overrides: Any) -> dict[str, Any]:
    options: dict[str, Any] = {
        "keys": JWKS,
        "algorithms": ["RS256"],
        "issuer": ISSUER,
        "client_id": "app",
        "nonce": "n-1",
        "now": NOW,
    }
    options.update(overrides)
    return verify_id_token(value, **options)


def test_a_good_token_gives_its_claims() -> None:
    assert verify(token())["sub"] == "user-1"


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(lambda: token(aud="another-app"), id="another audience"),
        pytest.param(lambda: token(aud=["app", "other"]), id="several audiences, no azp"),
        pytest.param(lambda: token(iss="https://evil.example.com"), id="another issuer"),
        pytest.param(
            lambda: token(exp=int((NOW - timedelta(minutes=5)).timestamp())), id="expired"
        ),
        pytest.param(lambda: token(nonce="someone-elses"), id="nonce mismatch"),
        pytest.param(lambda: token(nonce=None), id="no nonce"),
        pytest.param(
            lambda: token(iat=int((NOW + timedelta(hours=1)).timestamp())), id="issued later"
        ),
        pytest.param(lambda: token(key=OTHER), id="signed by another key"),
        pytest.param(lambda: token(sub=""), id="empty subject"),
        pytest.param(lambda: token()[:-4] + "AAAA", id="signature altered"),
        pytest.param(lambda: "not.a.token", id="garbage"),
        pytest.param(lambda: "", id="empty"),
    ],
)
def test_a_bad_token_is_refused(bad: Any) -> None:
    with pytest.raises(OidcFailed) as refused:
        verify(bad())
    assert refused.value.reason == "token_invalid"


def test_a_mac_keyed_by_something_public_is_refused() -> None:
    # HS256 with a key an attacker knows must not pass, even if the provider lists it.
    forged = jwt.encode(
        {"alg": "HS256"}, claims(), OctKey.import_key(b"public-client-id-xxxxxxxxxxxxxx")
    )
    with pytest.raises(OidcFailed):
        verify(forged, algorithms=["HS256", "RS256"])


def test_unsigned_tokens_are_refused() -> None:
    header = "eyJhbGciOiJub25lIn0"  # {"alg":"none"}
    body = token().split(".")[1]
    with pytest.raises(OidcFailed):
        verify(f"{header}.{body}.", algorithms=["none", "RS256"])


def test_several_audiences_with_azp_naming_us() -> None:
    assert verify(token(aud=["app", "other"], azp="app"))["azp"] == "app"
