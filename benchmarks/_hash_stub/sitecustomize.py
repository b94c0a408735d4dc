"""Loaded by ``bench_login.py --decompose`` (on ``PYTHONPATH``) into a benchmark server only.

``AUTHGATE_BENCH_HASH_STUB`` replaces the password check of the server it is
loaded into, to split a login's CPU into what authgate's code costs and what
the hash costs the code that runs after it:

- ``none``: no hash at all (the benchmark's password is compared as text), so
  nothing evicts the interpreter's working set from the CPU caches between
  logins: what the login path itself costs;
- ``memory``: instead of the hash, a plain pass over a buffer of the settings'
  ``argon2_memory_cost`` KiB (written and read three times, no Argon2
  arithmetic), timed with ``time.thread_time``; its total and count go to the
  file ``AUTHGATE_BENCH_HASH_STUB_FILE``, so the benchmark can subtract it.

Never part of the package, never on a real server's path.
"""

from __future__ import annotations

import os
import time

_MODE = os.environ.get("AUTHGATE_BENCH_HASH_STUB")

if _MODE in {"none", "memory"}:
    from authgate.config import AuthgateSettings
    from authgate.core.passwords.service import PasswordService

    _PASSWORD = os.environ["AUTHGATE_BENCH_HASH_STUB_PASSWORD"]
    _FILE = os.environ.get("AUTHGATE_BENCH_HASH_STUB_FILE", "")
    _SIZE = AuthgateSettings().argon2_memory_cost * 1024
    _buffer = bytearray(_SIZE if _MODE == "memory" else 0)
    _pattern = bytes(range(256)) * (_SIZE // 256) if _MODE == "memory" else b""
    _spent = [0.0, 0]

    def _stub_verify(self: PasswordService, password: str, stored: str) -> tuple[bool, None]:
        if _MODE == "memory":
            started = time.thread_time()
            for _ in range(3):
                _buffer[: len(_pattern)] = _pattern
                _buffer.count(b"\x07\x08")
            _spent[1] += 1
            with open(_FILE, "w", encoding="utf-8") as out:  # the record counts as the pass's
                out.write(f"{_spent[0] + time.thread_time() - started} {_spent[1]}")
            _spent[0] += time.thread_time() - started
        return password == _PASSWORD, None

    PasswordService.verify = _stub_verify  # type: ignore[method-assign,assignment]
