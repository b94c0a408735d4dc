"""The shipped list of common passwords, loaded once.

``data/common-passwords.txt`` holds the 30,000 passwords of zxcvbn's
"passwords" frequency list (MIT), lower-cased, one per line; lines starting
with ``#`` are comments. It ships as a data file rather than an import of
zxcvbn so the policy does not depend on another package's internals, and so
a deployment can read or audit exactly what is refused.
"""

from __future__ import annotations

import functools
from importlib import resources

__all__ = ["load_blocklist"]

_PACKAGE = "authgate.core.passwords"
_RESOURCE = ("data", "common-passwords.txt")


@functools.cache
def load_blocklist() -> frozenset[str]:
    """Return the common passwords, lower-cased.

    Cached for the life of the process: the file is immutable package data,
    so this is not state that could go stale. Raises ``FileNotFoundError`` if
    the package was installed without its data files.
    """
    text = resources.files(_PACKAGE).joinpath(*_RESOURCE).read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )
