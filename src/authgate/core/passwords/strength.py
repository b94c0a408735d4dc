"""Password strength estimates for UI meters, from zxcvbn.

This is advice, not policy: ``PasswordPolicy`` decides what is accepted. The
estimate shows a user how guessable a password is while they type it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, Final

from zxcvbn import zxcvbn  # type: ignore[import-untyped, unused-ignore]

from authgate.core.records import StrengthEstimate
from authgate.errors import InvalidInput

__all__ = ["ESTIMATE_MAX_CHARS", "estimate_strength"]

ESTIMATE_MAX_CHARS: Final = 100
"""Only this many leading characters are scored.

zxcvbn's matching grows faster than linearly with length (and refuses input
past a limit), so a pasted megabyte would pin a CPU. Past 100 characters the
score is already the maximum for anything but repetition, so the cut changes
the estimate, never what is accepted: the full password is still hashed and
checked by the policy.
"""

_CRACK_TIME_KEY: Final = "offline_slow_hashing_1e4_per_second"
"""Stolen-database attack on a slow hash: the threat Argon2 storage faces."""

# zxcvbn stores the user inputs in a module-level dictionary for the duration
# of a call, so two concurrent calls would score against each other's inputs.
_zxcvbn_lock: Final = threading.Lock()


def estimate_strength(password: str, user_inputs: Sequence[str] = ()) -> StrengthEstimate:
    """Estimate how guessable ``password`` is (score 0 = trivial .. 4 = strong).

    ``user_inputs`` are words an attacker would try first (username, email,
    display name); a password built from them scores lower. Never raises for a
    str password, including the empty one; raises ``InvalidInput`` otherwise.
    """
    if not isinstance(password, str):
        raise InvalidInput("The password must be text.")
    if not password:
        # zxcvbn itself fails on the empty string.
        return StrengthEstimate(
            score=0,
            warning="",
            suggestions=("Enter a password.",),
            crack_time_display="less than a second",
        )
    inputs = [user_inputs] if isinstance(user_inputs, str) else [str(x) for x in user_inputs]
    sample = password[:ESTIMATE_MAX_CHARS]
    with _zxcvbn_lock:
        result: dict[str, Any] = zxcvbn(sample, user_inputs=inputs, max_length=ESTIMATE_MAX_CHARS)
    feedback: dict[str, Any] = result.get("feedback") or {}
    return StrengthEstimate(
        score=int(result["score"]),
        warning=str(feedback.get("warning") or ""),
        suggestions=tuple(str(s) for s in feedback.get("suggestions") or ()),
        crack_time_display=str(result["crack_times_display"][_CRACK_TIME_KEY]),
    )
