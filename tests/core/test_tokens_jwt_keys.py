"""Signing keys: sources, development generation, production refusal, kid, JWKS."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from authgate.config import AuthgateSettings
from authgate.core.tokens.jwk import jwk_thumbprint, public_key_from_jwk, public_key_to_jwk
from authgate.core.tokens.jwt_keys import (
    DEV_KEY_FILENAME,
    KeySet,
    generate_private_key,
    load_key_set,
    private_key_pem,
)
from authgate.errors import ConfigurationError

PRODUCTION_SECRET = "s" * 24 + "t" * 24


def make_settings(tmp_path: Path, **overrides: Any) -> AuthgateSettings:
    """Settings whose development key lands in the test's own directory."""
    return AuthgateSettings(
        **{"database_url": "sqlite://", "data_dir": tmp_path / "data", **overrides}
    )


def _public_pem(key: object) -> str:
    return (
        key.public_key()
        .public_bytes(  # type: ignore[attr-defined,no-any-return]
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        .decode()
    )


def test_development_generates_one_key_with_private_permissions(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    first = load_key_set(settings)
    path = settings.data_dir / DEV_KEY_FILENAME
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    second = load_key_set(settings)
    assert first.signing.kid == second.signing.kid, "restarts must keep the same key"
    assert first.signing.algorithm == "EdDSA"


def test_development_generates_rsa_when_configured(tmp_path: Path) -> None:
    keys = load_key_set(make_settings(tmp_path, jwt_algorithm="RS256"))
    assert keys.signing.algorithm == "RS256"
    assert keys.jwks()["keys"][0]["kty"] == "RSA"


def test_production_refuses_to_start_without_keys(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, mode="production", secret_key=PRODUCTION_SECRET)
    with pytest.raises(ConfigurationError, match="JWT_PRIVATE_KEY"):
        load_key_set(settings)
    assert not (settings.data_dir / DEV_KEY_FILENAME).exists()


def test_production_uses_configured_pem(tmp_path: Path) -> None:
    key = generate_private_key()
    settings = make_settings(
        tmp_path,
        mode="production",
        secret_key=PRODUCTION_SECRET,
        jwt_private_key=private_key_pem(key).decode(),
    )
    assert load_key_set(settings).signing.kid == jwk_thumbprint(key.public_key())


def test_pem_with_escaped_newlines_from_an_environment_variable(tmp_path: Path) -> None:
    key = generate_private_key()
    escaped = private_key_pem(key).decode().replace("\n", "\\n")
    keys = load_key_set(make_settings(tmp_path, jwt_private_key=escaped))
    assert keys.signing.kid == jwk_thumbprint(key.public_key())


def test_key_file(tmp_path: Path) -> None:
    key = generate_private_key()
    path = tmp_path / "signing.pem"
    path.write_bytes(private_key_pem(key))
    keys = load_key_set(make_settings(tmp_path, jwt_private_key_file=path))
    assert keys.signing.kid == jwk_thumbprint(key.public_key())


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"jwt_private_key": "not a pem"}, "not an unencrypted PEM"),
        ({"jwt_private_key_file": Path("/nonexistent/key.pem")}, "Cannot read"),
        ({"jwt_previous_public_keys": ("garbage",)}, "not a valid PEM public key"),
    ],
)
def test_unusable_key_configuration_is_a_clear_error(
    tmp_path: Path, overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        load_key_set(make_settings(tmp_path, **overrides))


def test_algorithm_mismatch_is_refused(tmp_path: Path) -> None:
    pem = private_key_pem(generate_private_key("EdDSA")).decode()
    with pytest.raises(ConfigurationError, match="EdDSA"):
        load_key_set(make_settings(tmp_path, jwt_private_key=pem, jwt_algorithm="RS256"))


def test_weak_rsa_key_is_refused(tmp_path: Path) -> None:
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(ConfigurationError, match="2048"):
        load_key_set(
            make_settings(
                tmp_path, jwt_private_key=private_key_pem(weak).decode(), jwt_algorithm="RS256"
            )
        )


def test_previous_public_keys_are_accepted_and_published(tmp_path: Path) -> None:
    old, new = generate_private_key(), generate_private_key()
    settings = make_settings(
        tmp_path,
        jwt_private_key=private_key_pem(new).decode(),
        jwt_previous_public_keys=(_public_pem(old),),
    )
    keys = load_key_set(settings)
    old_kid = jwk_thumbprint(old.public_key())
    assert keys.get(old_kid) is not None
    assert [k["kid"] for k in keys.jwks()["keys"]] == [keys.signing.kid, old_kid]


def test_rfc7638_thumbprint_vector() -> None:
    # RFC 7638, section 3.1.
    jwk = {
        "kty": "RSA",
        "e": "AQAB",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6"
        "tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65Y"
        "GjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-"
        "bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
    }
    assert jwk_thumbprint(jwk) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_rfc8037_ed25519_thumbprint_vector() -> None:
    # RFC 8037, appendix A.3.
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
    assert jwk_thumbprint(jwk) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    assert public_key_from_jwk(jwk).kid == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


@pytest.mark.parametrize("algorithm", ["EdDSA", "RS256"])
def test_jwk_round_trip(algorithm: str) -> None:
    key = generate_private_key(algorithm)  # type: ignore[arg-type]
    keys = KeySet.from_private_key(key)
    published = keys.jwks()["keys"][0]
    assert published["use"] == "sig" and published["alg"] == algorithm
    parsed = public_key_from_jwk(published)
    assert parsed.kid == keys.signing.kid
    assert public_key_to_jwk(parsed.public_key) == public_key_to_jwk(key.public_key())
    assert "d" not in published and "p" not in published, "no private members"


@pytest.mark.parametrize(
    "jwk", [{"kty": "EC", "crv": "P-256"}, {"kty": "OKP", "crv": "Ed25519"}, {"kty": "RSA", "n": 1}]
)
def test_unusable_jwk_is_a_value_error(jwk: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        public_key_from_jwk(jwk)


def test_key_repr_does_not_leak_private_material() -> None:
    keys = KeySet.from_private_key(generate_private_key())
    assert "PRIVATE" not in repr(keys) and "private_key" not in repr(keys.signing)
