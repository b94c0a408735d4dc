"""The layers of DESIGN.md, checked on the source: imports point downward only.

- core imports no web framework, no SQLAlchemy and no ``authgate.store``;
- the faces (streamlit, api, cli) never import each other;
- only the composition root (``authgate.root``) and the store import the store;
- the package root's ``errors`` and ``config`` import nothing of core (no cycle).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "authgate"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(package: str) -> list[Path]:
    return sorted((SRC / package).rglob("*.py"))


def _offending(package: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in _modules(package):
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(SRC)} imports {name}")
    return found


def test_core_imports_no_framework_no_sql_and_no_store() -> None:
    forbidden = ("streamlit", "fastapi", "starlette", "sqlalchemy", "alembic", "authgate.store")
    assert _offending("core", forbidden) == []


@pytest.mark.parametrize(
    ("face", "others"),
    [
        ("streamlit", ("authgate.api", "authgate.cli")),
        ("api", ("authgate.streamlit", "authgate.cli")),
        ("cli", ("authgate.streamlit", "authgate.api")),
    ],
)
def test_faces_never_import_each_other(face: str, others: tuple[str, ...]) -> None:
    assert _offending(face, others) == []


@pytest.mark.parametrize("face", ["streamlit", "api", "cli"])
def test_faces_reach_the_store_only_through_the_root(face: str) -> None:
    assert _offending(face, ("authgate.store", "sqlalchemy")) == []


def test_errors_and_settings_import_nothing_of_core() -> None:
    for module in ("errors.py", "config.py"):
        names = _imports(SRC / module)
        assert not [n for n in names if n.startswith("authgate.core")], module
