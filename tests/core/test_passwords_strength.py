"""Tests for authgate.core.passwords.strength: zxcvbn estimates for a UI meter."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from authgate.core.passwords.strength import ESTIMATE_MAX_CHARS, estimate_strength
from authgate.core.records import StrengthEstimate
from authgate.errors import InvalidInput


def test_empty_password_scores_zero_without_raising() -> None:
    estimate = estimate_strength("")
    assert estimate.score == 0
    assert estimate.suggestions


def test_common_password_scores_zero_with_feedback() -> None:
    estimate = estimate_strength("password")
    assert estimate.score == 0
    assert estimate.warning
    assert isinstance(estimate.suggestions, tuple)
    assert estimate.crack_time_display


def test_long_passphrase_scores_high() -> None:
    assert estimate_strength("violet kettle orbit marmalade tundra").score >= 3


def test_user_inputs_lower_the_score() -> None:
    password = "zephyrinequorvath"
    alone = estimate_strength(password)
    with_inputs = estimate_strength(password, ["zephyrinequorvath", "zq@example.org"])
    assert alone.score >= 3
    assert with_inputs.score < alone.score


def test_single_string_user_input_is_one_word() -> None:
    password = "zephyrine.quorvath"
    as_list = estimate_strength(password, ["zephyrine.quorvath"])
    as_str = estimate_strength(password, "zephyrine.quorvath")
    assert as_str == as_list


def test_long_input_is_cut_for_the_estimate_only() -> None:
    long_password = "Xk9#qLm2" * 2_000  # 16,000 characters
    started = time.perf_counter()
    estimate = estimate_strength(long_password)
    assert time.perf_counter() - started < 5  # generous: guards against no cut at all
    assert estimate == estimate_strength(long_password[:ESTIMATE_MAX_CHARS])


def test_non_str_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        estimate_strength(None)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(password=st.text(max_size=150), user_inputs=st.lists(st.text(max_size=20), max_size=3))
def test_never_raises_for_any_text(password: str, user_inputs: list[str]) -> None:
    estimate = estimate_strength(password, user_inputs)
    assert isinstance(estimate, StrengthEstimate)
    assert 0 <= estimate.score <= 4
    assert all(isinstance(s, str) for s in estimate.suggestions)
