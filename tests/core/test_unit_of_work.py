"""The unit of work: one transaction, its audit rows, then hooks and the state version."""

from __future__ import annotations

import pytest

from authgate.core.events import AccountUnlocked, AuthEvent
from authgate.root import Authgate


def test_events_commit_with_the_change_and_hooks_run_after(sqlite_service: Authgate) -> None:
    user = sqlite_service.accounts.register("alice", "correct horse battery")
    seen: list[tuple[str, int]] = []

    def hook(event: AuthEvent) -> None:
        # After the commit: the row the event describes is already readable.
        rows = sqlite_service.audit.list(event_type=event.event_type)
        seen.append((event.event_type, len(rows)))

    sqlite_service.hooks.append(hook)
    with sqlite_service.uow.write() as work:
        work.emit(AccountUnlocked(user=user))
        assert seen == []  # nothing runs before the commit
    assert seen == [("account.unlocked", 1)]


def test_a_failed_transaction_records_nothing_and_runs_no_hook(sqlite_service: Authgate) -> None:
    user = sqlite_service.accounts.register("alice", "correct horse battery")
    seen: list[AuthEvent] = []
    sqlite_service.hooks.append(seen.append)
    version = sqlite_service.state_version
    with pytest.raises(RuntimeError), sqlite_service.uow.write() as work:
        work.emit(AccountUnlocked(user=user))
        work.mark_stale()
        raise RuntimeError("boom")
    assert seen == []
    assert sqlite_service.audit.list(event_type="account.unlocked") == []
    assert sqlite_service.state_version == version


def test_a_failing_hook_never_undoes_the_commit(sqlite_service: Authgate) -> None:
    user = sqlite_service.accounts.register("alice", "correct horse battery")

    def broken(event: AuthEvent) -> None:
        raise ValueError("hook bug")

    sqlite_service.hooks.append(broken)
    sqlite_service.uow.record(AccountUnlocked(user=user))
    assert len(sqlite_service.audit.list(event_type="account.unlocked")) == 1


def test_stale_work_moves_the_state_version_once_committed(sqlite_service: Authgate) -> None:
    before = sqlite_service.state_version
    with sqlite_service.uow.write():
        pass
    assert sqlite_service.state_version == before  # nothing said it was stale
    with sqlite_service.uow.write() as work:
        work.mark_stale()
    assert sqlite_service.state_version == before + 1
