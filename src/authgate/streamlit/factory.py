"""One ``AuthService`` (and backend) per process, shared by scripts and routes.

Streamlit re-runs the entry script on every interaction, and the cookie routes
run on the server's event loop: both must find the same service, with its one
connection pool and its ``state_version``. So the service lives here, in an
imported module, behind a cache keyed on the settings' values - never in the
entry script, where it would be rebuilt (and re-migrated) on every rerun.
"""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

from pydantic import SecretStr

from authgate.config import AuthgateSettings
from authgate.core.service import AuthService
from authgate.streamlit.backend import AuthBackend, InProcessBackend

__all__ = ["default_settings", "get_backend", "get_service", "settings_key"]

_lock = threading.Lock()
_services: dict[str, AuthService] = {}
_backends: dict[str, AuthBackend] = {}
_default: list[AuthgateSettings] = []
# Settings objects seen before, by identity, so a rerun skips re-keying them.
_seen: dict[int, tuple[AuthgateSettings, str]] = {}


def default_settings() -> AuthgateSettings:
    """``AuthgateSettings()`` read once per process (env and ``.env`` are not re-read)."""
    if not _default:
        with _lock:
            if not _default:
                _default.append(AuthgateSettings())
    return _default[0]


def settings_key(settings: AuthgateSettings) -> str:
    """A stable key for the settings' values, secrets included only as digests."""

    def plain(value: Any) -> Any:
        if isinstance(value, SecretStr):
            return hashlib.sha256(value.get_secret_value().encode()).hexdigest()
        return str(value)

    values = {name: plain(getattr(settings, name)) for name in type(settings).model_fields}
    return json.dumps(values, sort_keys=True)


def _key_of(settings: AuthgateSettings) -> str:
    seen = _seen.get(id(settings))
    if seen is not None and seen[0] is settings:
        return seen[1]
    key = settings_key(settings)
    with _lock:
        _seen[id(settings)] = (settings, key)
    return key


def get_service(settings: AuthgateSettings | None = None) -> AuthService:
    """The process's ``AuthService`` for these settings, built (and migrated) once."""
    settings = settings or default_settings()
    key = _key_of(settings)
    service = _services.get(key)
    if service is None:
        with _lock:
            service = _services.get(key)
            if service is None:
                service = AuthService.from_settings(settings)
                _services[key] = service
    return service


def get_backend(settings: AuthgateSettings | None = None) -> AuthBackend:
    """The backend for these settings, one per settings.

    With ``api_url`` set, the remote backend (no service, no database in this
    process); otherwise the in-process backend over ``get_service(settings)``.
    """
    settings = settings or default_settings()
    key = _key_of(settings)
    backend = _backends.get(key)
    if backend is None:
        backend = _build_backend(settings)
        with _lock:
            backend = _backends.setdefault(key, backend)
    return backend


def _build_backend(settings: AuthgateSettings) -> AuthBackend:
    if settings.api_url:
        from authgate.streamlit.remote_backend import RemoteBackend

        return RemoteBackend(
            settings.api_url,
            prefix=settings.api_prefix,
            allow_registration=settings.allow_registration,
        )
    return InProcessBackend(get_service(settings))
