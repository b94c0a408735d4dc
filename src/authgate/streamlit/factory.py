"""One ``Authgate`` (and backend) per process, shared by scripts and routes.

Streamlit re-runs the entry script on every interaction, and the cookie routes
run on the server's event loop: both must find the same services, with their
one connection pool and their ``state_version``. So they live here, in an
imported module, behind a cache keyed on the settings' values - never in the
entry script, where they would be rebuilt (and re-migrated) on every rerun.

An app may build its settings object anew on every rerun: the caches are keyed
on the values, so equal settings share one ``Authgate``, and the shortcut that
skips re-keying a settings object already seen holds only a few of them,
weakly, so settings objects are never kept alive or piled up here.

Remote mode (``api_url`` set) builds no ``Authgate``: the composition root,
and with it the SQL store, is imported only when a local one is built.
"""

from __future__ import annotations

import hashlib
import json
import threading
import weakref
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, SecretStr

from authgate.config import AuthgateSettings
from authgate.streamlit.backend import AuthBackend
from authgate.streamlit.in_process import InProcessBackend

if TYPE_CHECKING:
    from authgate.root import Authgate

__all__ = ["SettingsKeys", "default_settings", "get_backend", "get_service", "settings_key"]

_lock = threading.Lock()
_services: dict[str, Authgate] = {}
_backends: dict[str, AuthBackend] = {}
_default: list[AuthgateSettings] = []


def default_settings() -> AuthgateSettings:
    """``AuthgateSettings()`` read once per process (env and ``.env`` are not re-read).

    Providers in Streamlit's ``[auth]`` secrets (``st.login``'s format) join
    ``AUTHGATE_OIDC_PROVIDERS``; a name configured there wins.
    """
    if not _default:
        with _lock:
            if not _default:
                _default.append(_with_secret_providers(AuthgateSettings()))
    return _default[0]


def _with_secret_providers(settings: AuthgateSettings) -> AuthgateSettings:
    from authgate.streamlit.oidc_secrets import providers_from_secrets

    known = {provider.name for provider in settings.oidc_providers}
    extra = [p for p in providers_from_secrets() if p.name not in known]
    if not extra:
        return settings
    return AuthgateSettings(oidc_providers=(*settings.oidc_providers, *extra))


def settings_key(settings: AuthgateSettings) -> str:
    """A stable key for the settings' values, secrets included only as digests."""

    def plain(value: Any) -> Any:
        if isinstance(value, SecretStr):
            return hashlib.sha256(value.get_secret_value().encode()).hexdigest()
        if isinstance(value, BaseModel):  # a provider or client: its secrets count too
            return {name: plain(getattr(value, name)) for name in type(value).model_fields}
        if isinstance(value, tuple) and any(isinstance(item, BaseModel) for item in value):
            return [plain(item) for item in value]
        return str(value)

    values = {name: plain(getattr(settings, name)) for name in type(settings).model_fields}
    return json.dumps(values, sort_keys=True)


class SettingsKeys:
    """``settings_key`` remembered for the last ``size`` settings objects, held weakly.

    Keying serializes every field, and the gate asks once per rerun, usually
    with the same object; this saves that work without ever holding a
    settings object alive. Entries are by ``id()``, checked against the weak
    reference, so an id reused by a new object is a miss, never a wrong key.
    Bounded (least recently used go first): an app that builds settings per
    rerun cannot grow it.
    """

    def __init__(self, size: int = 16) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        self.size = size
        self._entries: OrderedDict[int, tuple[weakref.ref[AuthgateSettings], str]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def key_of(self, settings: AuthgateSettings) -> str:
        with self._lock:
            entry = self._entries.get(id(settings))
            if entry is not None and entry[0]() is settings:
                self._entries.move_to_end(id(settings))
                return entry[1]
        key = settings_key(settings)
        with self._lock:
            self._entries[id(settings)] = (weakref.ref(settings), key)
            self._entries.move_to_end(id(settings))
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return key


_keys = SettingsKeys()


def get_service(settings: AuthgateSettings | None = None) -> Authgate:
    """The process's ``Authgate`` for these settings, built (and migrated) once."""
    settings = settings or default_settings()
    key = _keys.key_of(settings)
    service = _services.get(key)
    if service is None:
        with _lock:
            service = _services.get(key)
            if service is None:
                service = _build_service(settings)
                _services[key] = service
    return service


def _build_service(settings: AuthgateSettings) -> Authgate:
    """The composition root for ``settings``; imported here so remote mode never loads it."""
    from authgate.root import Authgate

    return Authgate.from_settings(settings)


def get_backend(settings: AuthgateSettings | None = None) -> AuthBackend:
    """The backend for these settings, one per settings.

    With ``api_url`` set, the remote backend (no service, no database in this
    process); otherwise the in-process backend over ``get_service(settings)``.
    """
    settings = settings or default_settings()
    key = _keys.key_of(settings)
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
