"""Tests for authgate.core.passwords.blocklist: the shipped common-password list."""

from __future__ import annotations

import ast
import inspect
from importlib import resources

import authgate.core.passwords.blocklist as blocklist_module
from authgate.core.passwords.blocklist import load_blocklist


def test_list_is_large_enough() -> None:
    assert len(load_blocklist()) >= 10_000


def test_well_known_passwords_are_listed() -> None:
    for password in ["password", "12345678", "iloveyou", "qwertyuiop"]:
        assert password in load_blocklist()


def test_entries_are_folded_and_clean() -> None:
    entries = load_blocklist()
    assert all(entry == entry.strip().lower() and entry for entry in entries)
    assert not any(entry.startswith("#") for entry in entries)


def test_loaded_once() -> None:
    assert load_blocklist() is load_blocklist()


def test_data_file_ships_with_source_header() -> None:
    path = resources.files("authgate.core.passwords").joinpath("data", "common-passwords.txt")
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith('# source: zxcvbn frequency list "passwords" (MIT), top ')


def test_does_not_import_zxcvbn() -> None:
    """The list is package data, not a view into another library's internals."""
    tree = ast.parse(inspect.getsource(blocklist_module))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name and name.startswith("zxcvbn") for name in imported)
