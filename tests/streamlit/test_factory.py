"""The process-wide factory: one backend per settings values, no growth, no SQL in remote mode."""

from __future__ import annotations

import gc
import itertools
import json
import os
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from authgate.config import AuthgateSettings
from authgate.streamlit.factory import SettingsKeys, get_backend, settings_key
from authgate.streamlit.remote_backend import RemoteBackend

_ports = itertools.count(40001)


def _remote_settings(port: int, *, cookie_name: str = "authgate_session") -> AuthgateSettings:
    return AuthgateSettings(api_url=f"http://127.0.0.1:{port}", cookie_name=cookie_name)


def test_settings_keys_stay_bounded_and_hold_nothing_alive() -> None:
    keys = SettingsKeys(size=4)
    refs = []
    for n in range(200):
        settings = _remote_settings(n + 1)
        assert keys.key_of(settings) == settings_key(settings)
        assert keys.key_of(settings) == settings_key(settings)  # the remembered key
        refs.append(weakref.ref(settings))
        assert len(keys) <= 4
    del settings
    gc.collect()
    assert not [ref for ref in refs if ref() is not None]


def test_a_new_settings_object_never_gets_a_stale_key() -> None:
    """Entries are by ``id()``: one reused by a new object must be a miss."""
    keys = SettingsKeys(size=2)
    for n in range(50):
        settings = _remote_settings(n + 1, cookie_name=f"cookie{n}")
        assert keys.key_of(settings) == settings_key(settings)
        del settings  # its id is free for the next object


def test_a_cache_needs_room() -> None:
    with pytest.raises(ValueError):
        SettingsKeys(size=0)


def test_settings_built_per_rerun_share_one_backend_and_are_not_kept() -> None:
    """An app that builds its settings on every rerun: one backend, nothing piles up."""
    port = next(_ports)
    first = get_backend(_remote_settings(port))
    assert isinstance(first, RemoteBackend)
    refs = []
    for _ in range(500):
        settings = _remote_settings(port)
        assert get_backend(settings) is first
        refs.append(weakref.ref(settings))
    del settings
    gc.collect()
    assert not [ref for ref in refs if ref() is not None]


def test_different_values_get_their_own_backend() -> None:
    one, other = next(_ports), next(_ports)
    assert get_backend(_remote_settings(one)) is not get_backend(_remote_settings(other))
    assert get_backend(_remote_settings(one)) is get_backend(_remote_settings(one))


# What an app in remote mode runs: the gate's package, its backend from AUTHGATE_*
# settings, its pages and its st.App routes. It must not load the SQL layer.
_REMOTE_APP = """
import json, sys
from authgate.streamlit import Gate, gate_routes
from authgate.streamlit.remote_backend import RemoteBackend

gate = Gate()
assert isinstance(gate.backend, RemoteBackend), gate.backend
gate.account_page()
gate.admin_page()
gate_routes()
loaded = [
    name for name in sys.modules
    if name.split(".")[0] in {"sqlalchemy", "alembic"}
    or name.startswith(("authgate.store", "authgate.root"))
]
print(json.dumps(sorted(loaded)))
"""


def test_remote_mode_imports_no_sqlalchemy(tmp_path: Path) -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith("AUTHGATE_")}
    env |= {"AUTHGATE_API_URL": "http://127.0.0.1:9", "AUTHGATE_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(
        [sys.executable, "-c", _REMOTE_APP],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_settings_that_differ_only_in_a_provider_secret_have_different_keys() -> None:
    from authgate.streamlit.factory import settings_key

    def with_secret(secret: str) -> AuthgateSettings:
        return AuthgateSettings(
            oidc_providers=[  # type: ignore[list-item]
                {
                    "name": "corp",
                    "label": "Corp",
                    "server_metadata_url": "https://id.example.com/.well-known/openid-configuration",
                    "client_id": "app",
                    "client_secret": secret,
                }
            ]
        )

    assert settings_key(with_secret("secret-number-one")) == settings_key(
        with_secret("secret-number-one")
    )
    assert settings_key(with_secret("secret-number-one")) != settings_key(
        with_secret("secret-number-two")
    )
    assert "secret-number-one" not in settings_key(with_secret("secret-number-one"))
