"""SecretBox: MFA secrets encrypted at rest, bound to their row, keyed by the settings."""

from __future__ import annotations

import pytest

from authgate.config import AuthgateSettings
from authgate.core.mfa.secretbox import SecretBox
from authgate.errors import ConfigurationError

KEY = "k" * 48
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_round_trip_without_the_plaintext_in_the_ciphertext() -> None:
    box = SecretBox(KEY, purpose="mfa")
    sealed = box.encrypt(SECRET, context="mfa:1")
    assert sealed.startswith("v1:") and SECRET not in sealed and len(sealed) <= 255
    assert box.decrypt(sealed, context="mfa:1") == SECRET


def test_each_encryption_uses_a_fresh_nonce() -> None:
    box = SecretBox(KEY, purpose="mfa")
    assert box.encrypt(SECRET, context="mfa:1") != box.encrypt(SECRET, context="mfa:1")


def test_a_ciphertext_moved_to_another_row_does_not_open() -> None:
    box = SecretBox(KEY, purpose="mfa")
    sealed = box.encrypt(SECRET, context="mfa:1")
    with pytest.raises(ConfigurationError):
        box.decrypt(sealed, context="mfa:2")


def test_another_key_or_purpose_does_not_open_it() -> None:
    sealed = SecretBox(KEY, purpose="mfa").encrypt(SECRET, context="mfa:1")
    with pytest.raises(ConfigurationError) as caught:
        SecretBox("x" * 48, purpose="mfa").decrypt(sealed, context="mfa:1")
    assert SECRET not in str(caught.value) and sealed not in str(caught.value)
    with pytest.raises(ConfigurationError):
        SecretBox(KEY, purpose="other").decrypt(sealed, context="mfa:1")


def test_previous_keys_keep_old_ciphertexts_readable_during_rotation() -> None:
    sealed = SecretBox("old" * 16, purpose="mfa").encrypt(SECRET, context="mfa:1")
    rotated = SecretBox("new" * 16, purpose="mfa", previous_keys=["old" * 16])
    assert rotated.decrypt(sealed, context="mfa:1") == SECRET
    resealed = rotated.encrypt(SECRET, context="mfa:1")
    assert SecretBox("new" * 16, purpose="mfa").decrypt(resealed, context="mfa:1") == SECRET


@pytest.mark.parametrize("garbage", ["", "v1:", "v1:!!!", "v2:abcd", "v1:" + "A" * 40, "plain"])
def test_tampered_or_malformed_ciphertext_is_a_configuration_error(garbage: str) -> None:
    with pytest.raises(ConfigurationError):
        SecretBox(KEY, purpose="mfa").decrypt(garbage, context="mfa:1")


def test_tampering_with_one_byte_is_detected() -> None:
    box = SecretBox(KEY, purpose="mfa")
    sealed = box.encrypt(SECRET, context="mfa:1")
    flipped = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    with pytest.raises(ConfigurationError):
        box.decrypt(flipped, context="mfa:1")


def test_keyed_from_the_settings_and_never_shown(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = AuthgateSettings(secret_key=KEY, data_dir=tmp_path)
    box = SecretBox.from_settings(settings, purpose="mfa")
    assert KEY not in repr(box) and "mfa" in repr(box)
    sealed = box.encrypt(SECRET, context="c")
    assert SecretBox(KEY, purpose="mfa").decrypt(sealed, context="c") == SECRET


def test_an_empty_key_is_refused() -> None:
    with pytest.raises(ConfigurationError):
        SecretBox("", purpose="mfa")
