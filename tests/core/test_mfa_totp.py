"""TOTP primitives with a fixed clock: secrets, URIs, QR codes, drift window, input shape."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest

from authgate.core.clock import FrozenClock
from authgate.core.mfa import totp as mfa
from authgate.errors import MfaInvalidCode


def test_new_secrets_are_160_bit_base32_and_distinct() -> None:
    secrets = {mfa.new_secret() for _ in range(50)}
    assert len(secrets) == 50
    for secret in secrets:
        assert len(secret) == 32
        assert set(secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def test_provisioning_uri_names_issuer_account_and_parameters() -> None:
    secret = mfa.new_secret()
    uri = mfa.provisioning_uri(secret, account_name="alice", issuer="Acme Corp")
    parsed = urlparse(uri)
    assert parsed.scheme == "otpauth" and parsed.netloc == "totp"
    assert parsed.path == "/Acme%20Corp:alice"
    query = parse_qs(parsed.query)
    assert query["secret"] == [secret]
    assert query["issuer"] == ["Acme Corp"]
    # authenticator apps assume these defaults; the URI must not contradict them
    assert query.get("digits", ["6"]) == ["6"] and query.get("period", ["30"]) == ["30"]


def test_qr_code_as_png_and_svg() -> None:
    uri = mfa.provisioning_uri(mfa.new_secret(), account_name="alice", issuer="authgate")
    png = mfa.qr_png(uri)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 200
    svg = mfa.qr_svg(uri)
    assert svg.lstrip().startswith("<svg") and "</svg>" in svg


def test_enrollment_record_hides_every_secret_in_its_repr() -> None:
    secret = mfa.new_secret()
    uri = mfa.provisioning_uri(secret, account_name="alice", issuer="authgate")
    enrollment = mfa.MfaEnrollment(
        secret=secret, provisioning_uri=uri, qr_png=mfa.qr_png(uri), qr_svg=mfa.qr_svg(uri)
    )
    assert secret not in repr(enrollment)
    assert enrollment.secret_grouped.replace(" ", "") == secret
    assert len(enrollment.secret_grouped.split(" ")) == 8


def test_current_code_matches_its_step(clock: FrozenClock) -> None:
    secret = mfa.new_secret()
    code = pyotp.TOTP(secret).at(clock.now())
    assert mfa.matching_step(secret, code, at=clock.now()) == mfa.time_step(clock.now())


@pytest.mark.parametrize("offset", [-1, 1])
def test_one_step_of_drift_either_way_is_accepted(clock: FrozenClock, offset: int) -> None:
    secret = mfa.new_secret()
    drifted = clock.now() + timedelta(seconds=30 * offset)
    code = pyotp.TOTP(secret).at(drifted)
    assert mfa.matching_step(secret, code, at=clock.now()) == mfa.time_step(drifted)


@pytest.mark.parametrize("offset", [-2, 2, -10])
def test_two_steps_of_drift_are_refused(clock: FrozenClock, offset: int) -> None:
    secret = mfa.new_secret()
    code = pyotp.TOTP(secret).at(clock.now() + timedelta(seconds=30 * offset))
    assert mfa.matching_step(secret, code, at=clock.now()) is None


def test_steps_up_to_the_last_accepted_one_are_refused(clock: FrozenClock) -> None:
    secret = mfa.new_secret()
    now = clock.now()
    step = mfa.time_step(now)
    current = pyotp.TOTP(secret).at(now)
    previous = pyotp.TOTP(secret).at(now - timedelta(seconds=30))
    assert mfa.matching_step(secret, current, at=now, after_step=step) is None
    assert mfa.matching_step(secret, previous, at=now, after_step=step - 1) is None
    assert mfa.matching_step(secret, current, at=now, after_step=step - 1) == step


def test_another_secret_code_does_not_match(clock: FrozenClock) -> None:
    code = pyotp.TOTP(mfa.new_secret()).at(clock.now())
    assert mfa.matching_step(mfa.new_secret(), code, at=clock.now()) is None


@pytest.mark.parametrize("raw", ["123456", " 123 456 ", "123-456", "\t123456\n"])
def test_codes_are_normalized(raw: str) -> None:
    assert mfa.normalize_totp(raw) == "123456"


@pytest.mark.parametrize(
    "raw", ["", "12345", "1234567", "12a456", "abcdef", "١٢٣٤٥٦", None, 123456, "1" * 100]
)
def test_malformed_codes_are_a_typed_error(raw: object) -> None:
    with pytest.raises(MfaInvalidCode):
        mfa.normalize_totp(raw)
