"""The audit trail: one row and one log line per event, names as noun.verb, no secrets."""

from __future__ import annotations

import inspect
import json
import re

import pytest
from sqlalchemy import select

from auth_support import db_session
from authgate.core import events
from authgate.errors import AccountLocked, InvalidCredentials
from authgate.root import Authgate
from authgate.store.models import AuditEvent

GOOD = "correct horse battery"
NEW = "purple monkey dishwasher"


def _event_classes() -> list[type[events.AuthEvent]]:
    return [
        cls
        for _, cls in inspect.getmembers(events, inspect.isclass)
        if issubclass(cls, events.AuthEvent) and cls is not events.AuthEvent
    ]


def test_event_names_are_unique_noun_verb() -> None:
    names = [cls.event_type for cls in _event_classes()]
    assert len(names) == len(set(names))
    for name in names:
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", name), name


def test_events_carry_no_secret_fields() -> None:
    for cls in _event_classes():
        fields = set(cls.__dataclass_fields__)
        assert not fields & {"password", "token", "ticket", "secret", "code", "password_hash"}


def test_a_whole_account_lifecycle_leaves_no_secret_behind(
    sqlite_service: Authgate, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO")
    svc = sqlite_service
    user = svc.accounts.register("alice", GOOD, email="alice@example.com", ip="10.0.0.1")
    login = svc.logins.password("alice", GOOD, ip="10.0.0.1", user_agent="UA")
    ticket = svc.sessions.issue_cookie_ticket(login.session.id)
    cookie, _ = svc.sessions.redeem_cookie_ticket(ticket)
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            svc.logins.password("alice", "wrong guess 123")
    with pytest.raises(AccountLocked):
        svc.logins.password("alice", GOOD)
    svc.accounts.unlock_user(user.id, actor_id=0)
    svc.accounts.change_password(user.id, GOOD, NEW, keep_session_id=login.session.id)
    svc.accounts.set_roles(user.id, ["admin"], actor_id=0)
    svc.sessions.revoke(login.session.id)
    svc.accounts.set_active(user.id, False, actor_id=0)
    svc.accounts.set_active(user.id, True, actor_id=0)
    svc.sessions.logout(token=svc.logins.password("alice", NEW).token)

    kinds = {e.event_type for e in svc.audit.list(limit=1000)}
    assert {
        "user.registered",
        "login.succeeded",
        "login.failed",
        "account.locked",
        "account.unlocked",
        "password.changed",
        "user.roles_changed",
        "session.revoked",
        "user.disabled",
        "user.enabled",
        "session.logout",
    } <= kinds
    secrets = [GOOD, NEW, login.token, ticket, cookie]
    with db_session(svc) as db:
        raw = [
            json.dumps([r.event_type, r.username, r.ip, r.user_agent, r.detail], default=str)
            for r in db.scalars(select(AuditEvent))
        ]
    for secret in secrets:
        assert all(secret not in row for row in raw)
        assert secret not in caplog.text
    assert caplog.text.count('"event": ') == len(raw)  # one log line per row
