"""An authgate API server on a free loopback port, in a thread of the test process.

The remote-backend tests and the tests with real OAuth 2.0 client libraries
need a real HTTP server (the clients' own HTTP stacks are part of what they
test), and the test needs the server's ``Authgate`` to arrange users; one
process gives both.
``stop`` asks uvicorn to exit and waits for the thread.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn

from authgate.api import create_api
from authgate.config import AuthgateSettings
from authgate.root import Authgate

FAST = {"argon2_memory_cost": 8192, "argon2_time_cost": 1}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ApiServer:
    """``create_api`` under uvicorn on 127.0.0.1, over a SQLite file in ``workdir``.

    ``proxy_headers=False`` as ``authgate api`` runs by default: the
    X-Forwarded-For header is not trusted.
    """

    def __init__(self, workdir: Path, **settings: Any) -> None:
        self.port = free_port()
        self.database = workdir / "api.db"
        self.settings = AuthgateSettings(
            **{
                **FAST,
                "database_url": f"sqlite:///{self.database}",
                "data_dir": workdir / "api-data",
                **settings,
            }
        )
        self.service = Authgate.from_settings(self.settings)
        config = uvicorn.Config(
            create_api(self.service),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            proxy_headers=False,
            lifespan="off",
        )
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20) -> ApiServer:
        self._thread = threading.Thread(target=self._server.run, name="authgate-api", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                self.stop()
                raise RuntimeError("the API server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._server.should_exit = True
            thread.join(timeout=15)
        self.service.close()

    def add_user(self, username: str, password: str, *roles: str, **fields: Any) -> int:
        user = self.service.accounts.register(username, password, **fields)
        if roles:
            self.service.accounts.set_roles(user.id, roles)
        return user.id
