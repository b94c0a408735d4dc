"""A real OpenID Provider for the tests: ``tests/oidc_provider/server.mjs`` on loopback.

It is panva's ``oidc-provider`` (a certified implementation) run by Node, with
a client registered for the test app and test accounts whose claims the test
chooses. ``npm ci`` installs it from the committed lockfile the first time;
without Node the tests that need it are skipped with the reason (and fail
under ``CI=true``).
"""

from __future__ import annotations

import html
import json
import os
import secrets
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from api_server import free_port

PROVIDER_DIR = Path(__file__).with_name("oidc_provider")
CORE_REDIRECT = "http://127.0.0.1:9/_authgate/oidc/corp/callback"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CLIENT_ID = "authgate-demo"

ACCOUNTS: dict[str, dict[str, Any]] = {
    "alice": {
        "password": "provider-pass-alice",
        "claims": {
            "email": "alice@example.com",
            "email_verified": True,
            "preferred_username": "alice",
            "name": "Alice Analyst",
            "groups": ["analysts"],
        },
    },
    "bob": {
        "password": "provider-pass-bob",
        "claims": {
            "email": "bob@example.org",
            "email_verified": True,
            "preferred_username": "bob",
            "name": "Bob",
            "groups": [],
        },
    },
    "mallory": {
        "password": "provider-pass-mallory",
        "claims": {
            "email": "mallory@elsewhere.test",
            "email_verified": True,
            "preferred_username": "mallory",
            "groups": [],
        },
    },
    "dave": {
        "password": "provider-pass-dave",
        "claims": {
            "email": "dave@example.net",
            "email_verified": True,
            "preferred_username": "dave",
            "groups": [],
        },
    },
    "strong": {
        "password": "provider-pass-strong",
        "amr": ["pwd", "mfa"],
        "claims": {
            "email": "strong@example.com",
            "email_verified": True,
            "preferred_username": "strong",
            "groups": [],
        },
    },
}


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


def ensure_installed() -> None:
    """``npm ci`` once, from the lockfile; skip (or fail in CI) without Node."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        _unavailable("node and npm are needed for the OpenID provider tests")
    if (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        return
    done = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund"],
        cwd=PROVIDER_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        _unavailable(f"npm ci failed in {PROVIDER_DIR}: {done.stderr[-500:]}")


class TestProvider:
    """``node server.mjs`` on a free loopback port; stoppable and restartable on the same port."""

    __test__ = False

    def __init__(self, workdir: Path, redirect_uris: list[str], **options: Any) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.client_secret = secrets.token_urlsafe(32)
        self.config_path = workdir / "provider.json"
        self.redirect_uris = list(redirect_uris)
        self.options = options
        self.process: subprocess.Popen[str] | None = None
        self.log: list[str] = []

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def provider_settings(self, name: str = "corp", **extra: Any) -> dict[str, Any]:
        """One item of ``AUTHGATE_OIDC_PROVIDERS`` for this provider."""
        return {
            "name": name,
            "label": "Corp SSO",
            "server_metadata_url": self.metadata_url,
            "client_id": CLIENT_ID,
            "client_secret": self.client_secret,
            "scopes": "openid email profile groups",
            **extra,
        }

    def _write_config(self) -> None:
        config = {
            "port": self.port,
            "issuer": self.issuer,
            "cookieKey": secrets.token_urlsafe(32),
            "idTokenTtl": self.options.get("id_token_ttl", 3600),
            "accounts": ACCOUNTS,
            "clients": [
                {
                    "client_id": CLIENT_ID,
                    "client_secret": self.client_secret,
                    "redirect_uris": self.redirect_uris,
                    "grant_types": ["authorization_code"],
                    "response_types": ["code"],
                    "token_endpoint_auth_method": "client_secret_basic",
                }
            ],
        }
        self.config_path.write_text(json.dumps(config), encoding="utf-8")

    def start(self, timeout: float = 30) -> None:
        ensure_installed()
        self._write_config()
        self.process = subprocess.Popen(
            ["node", "server.mjs", str(self.config_path)],
            cwd=PROVIDER_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        ready = threading.Event()
        threading.Thread(target=self._read_output, args=(ready,), daemon=True).start()
        if not ready.wait(timeout):
            self.stop()
            raise RuntimeError("the OpenID provider did not start:\n" + "".join(self.log))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.metadata_url, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the OpenID provider does not answer:\n" + "".join(self.log))

    def _read_output(self, ready: threading.Event) -> None:
        process = self.process
        assert process is not None and process.stdout is not None
        for line in process.stdout:
            self.log.append(line)
            if line.startswith("ready "):
                ready.set()

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def sign_in_at_provider(
    authorization_url: str, login: str, password: str, *, redirect_uri: str, cancel: bool = False
) -> dict[str, str]:
    """Walk the provider's pages like a browser; the query the provider sends back to us."""
    from urllib.parse import parse_qsl, urljoin, urlsplit

    with httpx.Client(follow_redirects=False, timeout=10) as browser:
        url = authorization_url
        for _ in range(20):
            if url.startswith(redirect_uri):
                return dict(parse_qsl(urlsplit(url).query))
            answer = browser.get(url)
            if answer.status_code in {302, 303}:
                url = urljoin(url, answer.headers["location"])
                continue
            if 'http-equiv="refresh"' in answer.text:  # the provider's last hop back to us
                url = html.unescape(answer.text.split("url=", 1)[1].split('"', 1)[0])
                continue
            assert answer.status_code == 200, answer.text
            uid = urlsplit(url).path.rsplit("/", 1)[-1]
            base = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}/interaction/{uid}"
            if cancel:
                answer = browser.post(f"{base}/abort")
            else:
                answer = browser.post(f"{base}/login", data={"login": login, "password": password})
            assert answer.status_code in {302, 303}, answer.text
            url = urljoin(url, answer.headers["location"])
    raise AssertionError("the provider never sent the browser back")


def build_oidc_service(tmp_path: Path, provider: TestProvider, **extra: Any) -> Any:
    """An ``Authgate`` on a SQLite file, the real clock (the provider's tokens are real) and
    ``provider`` as ``corp``."""
    from authgate.config import AuthgateSettings
    from authgate.core.clock import SystemClock
    from authgate.root import Authgate

    settings_extra = {k: extra.pop(k) for k in list(extra) if k.startswith("_")}
    settings = AuthgateSettings(
        database_url=f"sqlite:///{tmp_path / 'oidc.db'}",
        data_dir=tmp_path / "data",
        argon2_memory_cost=8192,
        argon2_time_cost=1,
        oidc_providers=[provider.provider_settings(**extra)],  # type: ignore[list-item]
        **{k[1:]: v for k, v in settings_extra.items()},
    )
    return Authgate.from_settings(settings, clock=SystemClock())


def provider_login(auth: Any, login: str, password: str, **begin: Any) -> Any:
    """The whole flow through the provider, then the ``oidc`` login method: a LoginResult."""
    from authgate.core.oidc.login import oidc_credentials

    started = auth.oidc.begin("corp", redirect_uri=CORE_REDIRECT, **begin)
    back = sign_in_at_provider(started.url, login, password, redirect_uri=CORE_REDIRECT)
    assertion = auth.oidc.finish("corp", back, binding=started.binding)
    return auth.logins.login("oidc", oidc_credentials(assertion))
