"""Access tokens: claims, expiry on the injectable clock, and everything that must fail."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from authgate.core.clock import FrozenClock
from authgate.core.tokens.jwt_keys import KeySet, generate_private_key
from authgate.core.tokens.jwt_tokens import (
    ACCESS_TOKEN_TYPE,
    AccessTokenIssuer,
    AccessTokenVerifier,
)
from authgate.errors import InvalidToken, TokenExpired

TTL = timedelta(minutes=15)


def _pair(
    keys: KeySet, clock: FrozenClock, **verifier: Any
) -> tuple[AccessTokenIssuer, AccessTokenVerifier]:
    issuer = AccessTokenIssuer(
        keys.signing, issuer="authgate", audience="api", ttl=TTL, clock=clock
    )
    options = {"issuer": "authgate", "audience": "api", "clock": clock, **verifier}
    return issuer, AccessTokenVerifier(keys, **options)


def _issue(issuer: AccessTokenIssuer) -> str:
    return issuer.issue(
        user_id=7, username="alice", roles={"user", "admin"}, session_id="s" * 32
    ).token


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture(params=["EdDSA", "RS256"])
def keys(request: pytest.FixtureRequest) -> KeySet:
    return KeySet.from_private_key(generate_private_key(request.param))


def test_claims_round_trip(keys: KeySet, clock: FrozenClock) -> None:
    issuer, verifier = _pair(keys, clock)
    issued = issuer.issue(
        user_id=7, username="alice", roles={"user"}, session_id="abc", amr=("pwd", "mfa")
    )
    claims = verifier.verify(issued.token)
    assert claims == issued.claims
    assert claims.user_id == 7 and claims.sub == "7"
    assert claims.sid == "abc" and claims.amr == ("pwd", "mfa")
    assert claims.exp - claims.iat == TTL
    assert claims.iss == "authgate" and claims.aud == "api"
    header = jwt.get_unverified_header(issued.token)
    assert header == {
        "alg": keys.signing.algorithm,
        "kid": keys.signing.kid,
        "typ": ACCESS_TOKEN_TYPE,
    }


def test_client_id_claim_only_when_a_client_asked(keys: KeySet, clock: FrozenClock) -> None:
    issuer, verifier = _pair(keys, clock)
    plain = issuer.issue(user_id=7, username="alice", roles=(), session_id="abc")
    assert "client_id" not in jwt.decode(plain.token, options={"verify_signature": False})
    assert verifier.verify(plain.token).client_id is None
    named = issuer.issue(user_id=7, username="alice", roles=(), session_id="abc", client_id="spa")
    assert jwt.decode(named.token, options={"verify_signature": False})["client_id"] == "spa"
    assert verifier.verify(named.token).client_id == "spa"


def test_each_token_has_its_own_jti(keys: KeySet, clock: FrozenClock) -> None:
    issuer, verifier = _pair(keys, clock)
    assert verifier.verify(_issue(issuer)).jti != verifier.verify(_issue(issuer)).jti


def test_token_expires_exactly_at_exp(keys: KeySet, clock: FrozenClock) -> None:
    issuer, verifier = _pair(keys, clock)
    token = _issue(issuer)
    clock.advance(TTL - timedelta(seconds=1))
    verifier.verify(token)
    clock.advance(seconds=1)
    with pytest.raises(TokenExpired):
        verifier.verify(token)


def test_leeway_tolerates_clock_skew(keys: KeySet, clock: FrozenClock) -> None:
    issuer, verifier = _pair(keys, clock, leeway=timedelta(seconds=30))
    token = _issue(issuer)
    clock.advance(TTL + timedelta(seconds=29))
    verifier.verify(token)
    clock.advance(seconds=1)
    with pytest.raises(TokenExpired):
        verifier.verify(token)


def test_token_from_the_future_is_refused(keys: KeySet, clock: FrozenClock) -> None:
    issuer, verifier = _pair(keys, clock)
    token = _issue(issuer)
    clock.advance(minutes=-5)
    with pytest.raises(InvalidToken):
        verifier.verify(token)


def test_previous_key_still_verifies_after_rotation(clock: FrozenClock) -> None:
    old_key, new_key = generate_private_key(), generate_private_key()
    old_issuer, _ = _pair(KeySet.from_private_key(old_key), clock)
    rotated = KeySet.from_private_key(new_key, [old_key.public_key()])
    _, verifier = _pair(rotated, clock)
    assert verifier.verify(_issue(old_issuer)).username == "alice"
    _, strict = _pair(KeySet.from_private_key(new_key), clock)
    with pytest.raises(InvalidToken):
        strict.verify(_issue(old_issuer))


@pytest.mark.parametrize(
    "token", [None, 42, "", "abc", "a.b.c", "x" * 9000, "eyJhbGciOiJub25lIn0.e30."]
)
def test_garbage_is_invalid(keys: KeySet, clock: FrozenClock, token: object) -> None:
    _, verifier = _pair(keys, clock)
    with pytest.raises(InvalidToken) as caught:
        verifier.verify(token)
    assert not isinstance(caught.value, TokenExpired)


def test_tampered_payload_is_invalid(keys: KeySet, clock: FrozenClock) -> None:
    issuer, verifier = _pair(keys, clock)
    head, payload, signature = _issue(issuer).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["roles"] = ["admin", "superuser"]
    forged = _b64(json.dumps(claims).encode())
    with pytest.raises(InvalidToken):
        verifier.verify(f"{head}.{forged}.{signature}")


@pytest.mark.parametrize(("field", "value"), [("issuer", "someone-else"), ("audience", "other")])
def test_wrong_issuer_or_audience_is_invalid(
    keys: KeySet, clock: FrozenClock, field: str, value: str
) -> None:
    issuer, _ = _pair(keys, clock)
    options = {"issuer": "authgate", "audience": "api", field: value}
    verifier = AccessTokenVerifier(keys, clock=clock, **options)
    with pytest.raises(InvalidToken):
        verifier.verify(_issue(issuer))


def _sign(keys: KeySet, payload: dict[str, Any], **header: Any) -> str:
    headers = {"kid": keys.signing.kid, "typ": ACCESS_TOKEN_TYPE, **header}
    return jwt.encode(
        payload, keys.signing.private_key, algorithm=keys.signing.algorithm, headers=headers
    )


def _good_payload(clock: FrozenClock) -> dict[str, Any]:
    now = int(clock.now().timestamp())
    return {
        "sub": "7",
        "username": "alice",
        "roles": ["user"],
        "sid": "s",
        "jti": "j",
        "iat": now,
        "exp": now + 900,
        "iss": "authgate",
        "aud": "api",
        "amr": ["pwd"],
    }


def test_well_signed_good_payload_passes(keys: KeySet, clock: FrozenClock) -> None:
    _, verifier = _pair(keys, clock)
    assert verifier.verify(_sign(keys, _good_payload(clock))).username == "alice"


@pytest.mark.parametrize(
    "change",
    [
        {"sub": 7},
        {"sub": "seven"},
        {"roles": "admin"},
        {"roles": [1]},
        {"amr": "pwd"},
        {"exp": "soon"},
        {"exp": True},
        {"aud": ["api", "other"]},
        {"username": None},
        {"sid": None},
        {"client_id": 5},
        {"client_id": ["spa"]},
    ],
)
def test_mistyped_claims_are_invalid_even_when_signed(
    keys: KeySet, clock: FrozenClock, change: dict[str, Any]
) -> None:
    _, verifier = _pair(keys, clock)
    with pytest.raises(InvalidToken):
        verifier.verify(_sign(keys, {**_good_payload(clock), **change}))


@pytest.mark.parametrize("missing", ["sub", "username", "roles", "sid", "jti", "iat", "exp"])
def test_missing_claims_are_invalid(keys: KeySet, clock: FrozenClock, missing: str) -> None:
    _, verifier = _pair(keys, clock)
    payload = _good_payload(clock)
    del payload[missing]
    with pytest.raises(InvalidToken):
        verifier.verify(_sign(keys, payload))


@pytest.mark.parametrize("header", [{"typ": "JWT"}, {"typ": None}, {"kid": "unknown"}])
def test_wrong_header_is_invalid(keys: KeySet, clock: FrozenClock, header: dict[str, Any]) -> None:
    _, verifier = _pair(keys, clock)
    with pytest.raises(InvalidToken):
        verifier.verify(_sign(keys, _good_payload(clock), **header))


def test_algorithm_confusion_with_the_public_key_as_hmac_secret(clock: FrozenClock) -> None:
    keys = KeySet.from_private_key(generate_private_key("RS256"))
    public_pem = keys.signing.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "kid": keys.signing.kid, "typ": ACCESS_TOKEN_TYPE}
    signing_input = (
        f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(_good_payload(clock)).encode())}"
    )
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    _, verifier = _pair(keys, clock)
    with pytest.raises(InvalidToken):
        verifier.verify(f"{signing_input}.{_b64(signature)}")


def test_alg_none_is_invalid(keys: KeySet, clock: FrozenClock) -> None:
    header = {"alg": "none", "kid": keys.signing.kid, "typ": ACCESS_TOKEN_TYPE}
    token = (
        f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(_good_payload(clock)).encode())}."
    )
    _, verifier = _pair(keys, clock)
    with pytest.raises(InvalidToken):
        verifier.verify(token)


def test_constructor_rejects_bad_options(keys: KeySet) -> None:
    with pytest.raises(ValueError):
        AccessTokenIssuer(keys.signing, issuer="a", audience="b", ttl=timedelta(0))
    with pytest.raises(ValueError):
        AccessTokenVerifier(keys, issuer="a", audience="b", leeway=timedelta(seconds=-1))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _counting_decode(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every signature check the verifier makes (``jwt.decode`` calls)."""
    checked: list[str] = []
    real = jwt.decode

    def decode(token: str, *args: Any, **kwargs: Any) -> Any:
        checked.append(token)
        return real(token, *args, **kwargs)

    monkeypatch.setattr(jwt, "decode", decode)
    return checked


def _many(issuer: AccessTokenIssuer, count: int) -> list[str]:
    return [
        issuer.issue(user_id=n + 1, username=f"u{n}", roles={"user"}, session_id=f"s{n}").token
        for n in range(count)
    ]


def test_memo_keeps_a_working_set_that_fits_through_an_overflow(
    keys: KeySet, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    issuer, verifier = _pair(keys, clock, memo_size=100)
    tokens = _many(issuer, 101)
    checked = _counting_decode(monkeypatch)
    for token in tokens[:100]:
        verifier.verify(token)
    assert len(checked) == 100
    verifier.verify(tokens[100])  # full: the oldest tenth goes, not everything
    checked.clear()
    for token in tokens[10:]:
        assert verifier.verify(token).sid.startswith("s")
    assert checked == [], "tokens still remembered were checked again"
    verifier.verify(tokens[0])
    assert checked == [tokens[0]], "a forgotten token is checked again"


def test_memo_never_skips_expiry_for_any_of_many_tokens(keys: KeySet, clock: FrozenClock) -> None:
    issuer, verifier = _pair(keys, clock, memo_size=500)
    tokens = _many(issuer, 300)
    for token in tokens:
        verifier.verify(token)
    clock.advance(TTL)
    for token in tokens:
        with pytest.raises(TokenExpired):
            verifier.verify(token)


def test_memo_off_checks_every_time(
    keys: KeySet, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    issuer, verifier = _pair(keys, clock, memo_size=0)
    token = _issue(issuer)
    checked = _counting_decode(monkeypatch)
    verifier.verify(token)
    verifier.verify(token)
    assert len(checked) == 2


def test_a_remembered_token_with_its_payload_changed_is_refused(
    keys: KeySet, clock: FrozenClock
) -> None:
    issuer, verifier = _pair(keys, clock)
    token = _issue(issuer)
    verifier.verify(token)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["roles"] = ["admin"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(InvalidToken):
        verifier.verify(f"{header}.{forged}.{signature}")


def test_negative_memo_size_is_refused(keys: KeySet, clock: FrozenClock) -> None:
    with pytest.raises(ValueError, match="memo_size"):
        _pair(keys, clock, memo_size=-1)
