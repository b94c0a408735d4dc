"""Passkey benchmarks: what a passkey login and a registration cost, beside a password login.

Run on demand, never by pytest::

    .venv/bin/python benchmarks/bench_passkeys.py            # 300 samples each
    .venv/bin/python benchmarks/bench_passkeys.py --samples 100

On a SQLite file, one process, the default settings (OWASP Argon2id for the
password): median and p95 of

(a) ``auth.passkeys.login_options()`` (one write: the challenge row);
(b) ``auth.logins.login("passkey", ...)``: parse, spend the challenge, find
    the passkey, py_webauthn's checks (ECDSA P-256 verify), the counter
    update, the session: the server side of a passkey login;
(c) ``auth.logins.password(...)`` for comparison;
(d) registration: options plus ``auth.passkeys.register``.

The browser's part (the authenticator, the user's gesture) is not measured.
The answers come from the software authenticator of the tests.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from authgate.config import AuthgateSettings  # noqa: E402
from authgate.core.login.passkey import passkey_credentials  # noqa: E402
from authgate.root import Authgate  # noqa: E402
from passkey_authenticator import SoftAuthenticator  # noqa: E402

PASSWORD = "a benchmark passphrase 2026"


def _timed(samples: int, action: Callable[[], object]) -> tuple[float, float]:
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=300)
    samples = parser.parse_args().samples
    with tempfile.TemporaryDirectory() as folder:
        settings = AuthgateSettings(
            database_url=f"sqlite:///{folder}/bench.db", data_dir=Path(folder) / "data"
        )
        auth = Authgate.from_settings(settings)
        device = SoftAuthenticator()
        auth.accounts.register("alice", PASSWORD)
        login = auth.logins.password("alice", PASSWORD)

        def register() -> None:
            issued = auth.passkeys.registration_options(login.user.id, login.session.id)
            answer = device.create(issued.options)
            auth.passkeys.register(
                login.user.id, login.session.id, issued.challenge_id, answer, name="bench"
            )

        register()
        passkey = device.passkeys[0]
        answers: list[tuple[str, dict[str, object]]] = []

        def options() -> None:
            issued = auth.passkeys.login_options()
            answers.append((issued.challenge_id, device.get(issued.options, passkey=passkey)))

        def passkey_login() -> None:
            # Oldest answer first: the counters must go up, or it is refused as a clone.
            auth.logins.login("passkey", passkey_credentials(*answers.pop(0)))

        def password_login() -> None:
            auth.logins.password("alice", PASSWORD)

        rows = [
            ("login options (challenge stored)", _timed(samples, options)),
            ("passkey login (verify + session)", _timed(samples, passkey_login)),
            ("password login (Argon2id default)", _timed(samples, password_login)),
            ("registration (options + verify + store)", _timed(min(samples, 100), register)),
        ]
        auth.close()
    print(f"{'step':42} {'median ms':>10} {'p95 ms':>10}   ({samples} samples, SQLite file)")
    for name, (median, p95) in rows:
        print(f"{name:42} {median:10.2f} {p95:10.2f}")


if __name__ == "__main__":
    main()
