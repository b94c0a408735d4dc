"""Every code block in README.md and docs/*.md runs (or, for shell lines, is checked).

How each runs is its kind (``snippets.KINDS``), written above it in the
document. The API examples run against a real server on a free port, with
the documented address swapped for that port's.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from snippets import KINDS, Snippet, collect, of_kind
from streamlit.testing.v1 import AppTest

import authgate.streamlit
from api_server import ApiServer
from authgate.cli.main import app as cli_app
from authgate.core.records import AuthUser

FAST = {"AUTHGATE_ARGON2_MEMORY_COST": "8192", "AUTHGATE_ARGON2_TIME_COST": "1"}
DOCUMENTED_API = ("http://127.0.0.1:8000/api/auth", "https://auth.example.com/api/auth")


def _ids(snippets: list[Snippet]) -> list[str]:
    return [s.name for s in snippets]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh folder and database for one snippet, as a reader would run it."""
    monkeypatch.chdir(tmp_path)
    for name in ("AUTHGATE_API_URL", "AUTHGATE_MODE", "AUTHGATE_REDIS_URL", "AUTHGATE_DEMO_MODE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AUTHGATE_DATABASE_URL", f"sqlite:///{tmp_path / 'authgate.db'}")
    monkeypatch.setenv("AUTHGATE_DATA_DIR", str(tmp_path / ".authgate"))
    for name, value in FAST.items():
        monkeypatch.setenv(name, value)
    return tmp_path


@pytest.fixture
def api_server(tmp_path: Path) -> Iterator[ApiServer]:
    server = ApiServer(tmp_path).start()
    yield server
    server.stop()


def test_every_code_block_has_a_kind() -> None:
    blocks = collect()
    assert len(blocks) > 20
    code = [s for s in blocks if s.language]
    unmarked = [s.name for s in code if s.kind is None]
    assert unmarked == [], f"add <!-- snippet: KIND --> above these blocks: {unmarked}"
    unknown = [s.name for s in code if s.kind not in KINDS]
    assert unknown == []


@pytest.mark.parametrize("snippet", of_kind("json"), ids=_ids(of_kind("json")))
def test_json(snippet: Snippet) -> None:
    json.loads(snippet.code)


@pytest.mark.parametrize("snippet", of_kind("outline"), ids=_ids(of_kind("outline")))
def test_outline_compiles(snippet: Snippet) -> None:
    compile(snippet.code, snippet.name, "exec")


@pytest.mark.parametrize("snippet", of_kind("python"), ids=_ids(of_kind("python")))
def test_python(snippet: Snippet, workdir: Path) -> None:
    exec(compile(snippet.code, snippet.name, "exec"), {"__name__": "__snippet__"})


@pytest.mark.parametrize("snippet", of_kind("shell"), ids=_ids(of_kind("shell")))
def test_shell(snippet: Snippet) -> None:
    checked = subprocess.run(["bash", "-n"], input=snippet.code, text=True, capture_output=True)
    assert checked.returncode == 0, checked.stderr
    from typer.testing import CliRunner

    runner = CliRunner()
    for words in _authgate_commands(snippet.code):
        result = runner.invoke(cli_app, [*words, "--help"])
        assert result.exit_code == 0, f"{snippet.name}: authgate {' '.join(words)}"


def _authgate_commands(code: str) -> Iterator[list[str]]:
    """``authgate GROUP COMMAND`` (or ``authgate COMMAND``) of each line that runs authgate."""
    for line in code.replace("\\\n", " ").splitlines():
        found = re.search(r"(?:^|[\s;&|])authgate\s+([a-z-]+)(?:\s+([a-z-]+))?", line)
        if found is None:
            continue
        group, command = found.group(1), found.group(2)
        if group in {"db", "users", "sessions"} and command:
            yield [group, command]
        else:
            yield [group]


@pytest.mark.parametrize("snippet", of_kind("api-curl"), ids=_ids(of_kind("api-curl")))
def test_api_curl(snippet: Snippet, api_server: ApiServer) -> None:
    for tool in ("curl", "jq"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is needed to run {snippet.name} (scripts/test.sh installs it)")
    script = "set -euo pipefail\n" + _at(snippet.code, api_server)
    done = subprocess.run(["bash"], input=script, text=True, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert '"username":"alice"' in done.stdout.replace(" ", "")
    assert '"token_type":"bearer"' in done.stdout.replace(" ", "")
    assert done.stdout.rstrip().endswith("204")


@pytest.mark.parametrize("snippet", of_kind("api-python"), ids=_ids(of_kind("api-python")))
def test_api_python(
    snippet: Snippet, api_server: ApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    if 'fetch_token(username="alice"' in snippet.code:
        password = re.search(r'password="([^"]+)"', snippet.code)
        assert password is not None
        api_server.add_user("alice", password.group(1))
    exec(compile(_at(snippet.code, api_server), snippet.name, "exec"), {"__name__": "__doc__"})
    if "print(me[" in snippet.code:
        assert capsys.readouterr().out.split() == ["bob", "bearer"]


def _at(code: str, server: ApiServer) -> str:
    for documented in DOCUMENTED_API:
        code = code.replace(documented, f"{server.url}/api/auth")
    return code


@pytest.mark.parametrize("snippet", of_kind("streamlit-page"), ids=_ids(of_kind("streamlit-page")))
def test_streamlit_page(snippet: Snippet, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page body as a logged-in analyst sees it (so it runs past the guards)."""
    user = _analyst()
    for guard in ("current_user", "require_login", "require_role"):
        monkeypatch.setattr(authgate.streamlit, guard, lambda *roles, **kw: user)
    page = AppTest.from_string(snippet.code, default_timeout=30).run()
    assert not page.exception, page.exception
    assert any(user.label in m.value for m in page.markdown)


def _analyst() -> AuthUser:
    now = datetime.now(UTC)
    return AuthUser(
        id=1,
        username="ana",
        email=None,
        display_name="Ana Lyst",
        roles=frozenset({"analyst"}),
        is_active=True,
        email_verified=False,
        mfa_enabled=False,
        must_change_password=False,
        created_at=now,
        updated_at=now,
        last_login_at=None,
    )


def test_streamlit_app(workdir: Path) -> None:
    """The entry point and the script of "Use it in your app", with stub pages, run together."""
    files = {}
    for snippet in of_kind("streamlit-app"):
        first = snippet.code.splitlines()[0]
        assert first.startswith("# ") and first.endswith(".py"), snippet.name
        files[first[2:]] = snippet.code
    assert set(files) == {"app.py", "main.py"}
    for name, code in files.items():
        (workdir / name).write_text(code, encoding="utf-8")
    for page in re.findall(r'GatePage\("([\w/]+\.py)"', files["main.py"]):
        (workdir / page).write_text(f"import streamlit as st\nst.title({page!r})\n")
    entry: dict[str, Any] = {"__name__": "__snippet__"}
    exec(compile(files["app.py"], "app.py", "exec"), entry)
    assert type(entry["app"]).__name__ == "App"
    script = AppTest.from_file(str(workdir / "main.py"), default_timeout=30).run()
    assert not script.exception, script.exception
    assert [t.value for t in script.title] == ["home.py"]
