"""The demo's view of authgate's settings (``AUTHGATE_*`` variables and ``.env``).

The pages need two answers before they touch any service: is this demo mode,
and is authgate remote (``AUTHGATE_API_URL``), in which case this process has
no authgate database to read. The settings are read once per process, not on
every rerun; authgate's own gate reads the same variables and so agrees.
"""

from __future__ import annotations

from functools import cache

from authgate.config import AuthgateSettings

__all__ = ["demo_settings"]


@cache
def demo_settings() -> AuthgateSettings:
    return AuthgateSettings()
