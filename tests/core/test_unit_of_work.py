"""The unit of work: one transaction, its audit rows, then hooks and the state version."""

from __future__ import annotations

import pytest

from authgate.core.events import AccountUnlocked, AuthEvent
from authgate.core.ports import ChannelListener, Repositories
from authgate.core.unit_of_work import StateVersion, UnitOfWork
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


class RecordingChannel:
    """An ``InvalidationChannel`` that records what the unit of work asks of it."""

    name = "recording"

    def __init__(self, *, fail_announce: bool = False) -> None:
        self.calls: list[str] = []
        self.listener: ChannelListener | None = None
        self.fail_announce = fail_announce

    def announce_in(self, repositories: Repositories) -> None:
        self.calls.append("announce_in")

    def announce(self) -> None:
        self.calls.append("announce")
        if self.fail_announce:
            raise ConnectionError("channel down")

    def listen(self, listener: ChannelListener) -> None:
        self.calls.append("listen")
        self.listener = listener

    def close(self) -> None:
        self.calls.append("close")


def test_stale_work_is_announced_in_the_transaction_and_after_it(
    sqlite_service: Authgate,
) -> None:
    channel = RecordingChannel()
    uow = UnitOfWork(sqlite_service.store, clock=sqlite_service.clock, channel=channel)
    with uow.write():
        pass
    assert channel.calls == [], "nothing stale, nothing announced"
    with uow.write() as work:
        work.mark_stale()
    assert channel.calls == ["announce_in", "announce"]
    with pytest.raises(RuntimeError), uow.write() as work:
        work.mark_stale()
        raise RuntimeError("rolled back")
    assert channel.calls == ["announce_in", "announce"], "a rollback announces nothing"


def test_a_failed_announcement_keeps_the_commit(sqlite_service: Authgate) -> None:
    uow = UnitOfWork(
        sqlite_service.store,
        clock=sqlite_service.clock,
        channel=RecordingChannel(fail_announce=True),
    )
    before = uow.state_version
    with uow.write() as work:
        work.mark_stale()
    assert uow.state_version != before


def test_the_version_is_trusted_only_while_the_channel_vouches_for_it() -> None:
    channel = RecordingChannel()
    version = StateVersion(channel)
    assert channel.calls == [], "no listener before the first read (the CLI never reads)"
    first = version.value
    assert channel.calls == ["listen"], "the first read starts the listener"
    assert version.value != first, "not yet connected: every read is a new version"
    version.trusted_for(60, reconnected=True)
    steady = version.value
    assert version.value == steady, "trusted: reads are stable (caches may hit)"
    version.changed()
    assert version.value == steady + 1, "another process changed something"
    version.distrusted()
    assert version.value != version.value, "channel down: revalidate every request"
    version.trusted_for(0)
    assert version.value != version.value, "trust that lapsed counts as none"
    assert channel.calls == ["listen"], "started once"


def test_without_a_channel_the_version_moves_only_for_local_changes() -> None:
    version = StateVersion()
    assert version.value == version.value == 0
    version.bump()
    assert version.value == 1
