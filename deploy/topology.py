"""Start authgate's replicated topology on one machine, on loopback ports.

    python deploy/topology.py --streamlit 2 --api 2 --port 8080

starts nginx (Debian's package) in front of N Streamlit replicas of an app
(the demo by default) and M API replicas, all on the database at
``AUTHGATE_DATABASE_URL`` (PostgreSQL in a real deployment) and, when set,
the Redis at ``AUTHGATE_REDIS_URL``. PostgreSQL and Redis are services you
already run; this script does not start them. It migrates the schema once,
then starts the replicas with ``AUTHGATE_AUTO_MIGRATE=false``, gives every
replica the same secret key and JWT signing key by configuration (generated
once into the run directory in development mode; in production mode they
must be in the environment), waits until every replica answers, and runs
until Ctrl-C. See docs/deploy.md.

The tests (tests/replicas) and the load benchmark use ``Topology`` from
here, so what is tested is what this script starts.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
NGINX_TEMPLATE = Path(__file__).with_name("nginx") / "authgate.conf.in"
DEMO_APP = ROOT / "examples" / "demo" / "app.py"
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")

_NGINX_MAIN = """\
worker_processes {workers};
pid {run}/nginx.pid;
error_log {run}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {run}/client_body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    include {run}/authgate.conf;
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def render_nginx(listen: str, streamlit_ports: Sequence[int], api_ports: Sequence[int]) -> str:
    """deploy/nginx/authgate.conf.in with its upstreams on loopback ports."""

    def servers(ports: Sequence[int]) -> str:
        line = "    server 127.0.0.1:{} max_fails=1 fail_timeout=2s;"
        if not ports:  # nginx wants a server in every upstream; this one is never used
            return "    server 127.0.0.1:9 down;"
        return "\n".join(line.format(port) for port in ports)

    text = NGINX_TEMPLATE.read_text()
    return (
        text.replace("@LISTEN@", listen)
        .replace("@STREAMLIT_SERVERS@", servers(streamlit_ports))
        .replace("@API_SERVERS@", servers(api_ports))
    )


def shared_secrets(run_dir: Path, env: Mapping[str, str]) -> dict[str, str]:
    """The secret key and JWT key every replica gets: from ``env``, or made once in development."""
    production = env.get("AUTHGATE_MODE", "development") == "production"
    values: dict[str, str] = {}
    if not env.get("AUTHGATE_SECRET_KEY"):
        if production:
            raise SystemExit("AUTHGATE_MODE=production needs AUTHGATE_SECRET_KEY")
        import secrets

        path = run_dir / "secret.key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        values["AUTHGATE_SECRET_KEY"] = path.read_text().strip()
    if not env.get("AUTHGATE_JWT_PRIVATE_KEY") and not env.get("AUTHGATE_JWT_PRIVATE_KEY_FILE"):
        if production:
            raise SystemExit("AUTHGATE_MODE=production needs AUTHGATE_JWT_PRIVATE_KEY(_FILE)")
        from authgate.core.tokens.jwt_keys import generate_private_key, private_key_pem

        path = run_dir / "jwt_private_key.pem"
        if not path.exists():
            path.write_bytes(private_key_pem(generate_private_key()))
            path.chmod(0o600)
        values["AUTHGATE_JWT_PRIVATE_KEY_FILE"] = str(path)
    return values


class Topology:
    """nginx, ``streamlit`` Streamlit replicas and ``api`` API replicas, started together."""

    def __init__(
        self,
        run_dir: Path,
        *,
        streamlit: int = 2,
        api: int = 2,
        port: int | None = None,
        app: Path = DEMO_APP,
        env: Mapping[str, str] | None = None,
        nginx_workers: int = 1,
    ) -> None:
        self.run_dir = run_dir
        run_dir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.app = app
        self.nginx_workers = nginx_workers
        self.streamlit_ports = [free_port() for _ in range(streamlit)]
        self.api_ports = [free_port() for _ in range(api)]
        base = {**os.environ, **(env or {})}
        base.setdefault("AUTHGATE_PUBLIC_URL", self.url)
        base.setdefault("AUTHGATE_TRUSTED_PROXIES", "127.0.0.1")
        base.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
        self.env = {**base, **shared_secrets(run_dir, base), "AUTHGATE_AUTO_MIGRATE": "false"}
        self.env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", self.env["AUTHGATE_SECRET_KEY"])
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.api_ports]

    @property
    def streamlit_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.streamlit_ports]

    def start(self, timeout: float = 90) -> Topology:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "authgate", "db", "upgrade"],
            env={**self.env, "AUTHGATE_AUTO_MIGRATE": "true"},
            check=True,
            capture_output=True,
        )
        try:
            for number, port in enumerate(self.api_ports):
                self._spawn(f"api-{number}", api_command(port))
            for number, port in enumerate(self.streamlit_ports):
                self._spawn(f"streamlit-{number}", streamlit_command(self.app, port))
            self._start_nginx()
            deadline = time.monotonic() + timeout
            for url in self.api_urls:
                self._wait(f"{url}/api/auth/health", deadline)
            for url in self.streamlit_urls:
                self._wait(f"{url}/_stcore/health", deadline)
            self._wait(f"{self.url}/api/auth/health", deadline)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for name, process in reversed(list(self.processes.items())):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
            self.processes.pop(name)

    def log(self, name: str) -> str:
        path = self.run_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _spawn(self, name: str, command: list[str], cwd: Path | None = None) -> None:
        with (self.run_dir / f"{name}.log").open("ab") as log:
            self.processes[name] = subprocess.Popen(  # noqa: S603 - commands built here
                command,
                cwd=cwd or self.run_dir,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def _start_nginx(self) -> None:
        run = self.run_dir
        listen = f"127.0.0.1:{self.port}"
        (run / "authgate.conf").write_text(
            render_nginx(listen, self.streamlit_ports, self.api_ports)
        )
        (run / "nginx.conf").write_text(_NGINX_MAIN.format(run=run, workers=self.nginx_workers))
        command = [NGINX, "-p", str(run), "-c", str(run / "nginx.conf"), "-g", "daemon off;"]
        self._spawn("nginx", command)

    def _wait(self, url: str, deadline: float) -> None:
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited:\n{self.log(name)[-3000:]}")
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{url} did not answer in time")


def api_command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "authgate.api.server:asgi_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-proxy-headers",  # AUTHGATE_TRUSTED_PROXIES decides whom to believe
        "--no-server-header",
        "--log-level",
        "warning",
    ]


def streamlit_command(app: Path, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streamlit", type=int, default=2, help="Streamlit replicas")
    parser.add_argument("--api", type=int, default=2, help="API replicas")
    parser.add_argument("--port", type=int, default=8080, help="nginx's port on 127.0.0.1")
    parser.add_argument("--app", type=Path, default=DEMO_APP, help="the Streamlit entry script")
    parser.add_argument("--run-dir", type=Path, default=None, help="logs, keys, nginx files")
    args = parser.parse_args()
    run_dir = args.run_dir or Path(tempfile.mkdtemp(prefix="authgate-topology-"))
    topology = Topology(
        run_dir, streamlit=args.streamlit, api=args.api, port=args.port, app=args.app
    ).start()
    print(f"authgate at {topology.url}  (logs and keys in {run_dir})")
    print("  Streamlit replicas:", ", ".join(topology.streamlit_urls))
    print("  API replicas:      ", ", ".join(topology.api_urls))
    stop = False

    def request_stop(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        while not stop:
            time.sleep(0.5)
    finally:
        topology.stop()


if __name__ == "__main__":
    main()
