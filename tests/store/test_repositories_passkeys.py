"""SqlPasskeyRepository: storing, finding by credential id, counting, the counter guard, removal."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from authgate.core.clock import FrozenClock
from authgate.core.ports import DuplicateRecord, NewPasskey
from authgate.core.records import AuthUser
from authgate.store import SqlStore

MakeUser = Callable[..., AuthUser]

LONG_ID = "x" * 1364  # a 1023-byte credential id, base64url: longer than any unique index allows


def _new(user_id: int, credential_id: str, clock: FrozenClock, name: str = "Laptop") -> NewPasskey:
    return NewPasskey(
        user_id=user_id,
        credential_id=credential_id,
        user_handle="handle-of-the-account",
        public_key=bytes(range(256)) * 2,
        sign_count=0,
        name=name,
        transports=("internal", "hybrid"),
        aaguid="00000000-0000-0000-0000-000000000000",
        backup_eligible=True,
        backed_up=False,
        created_at=clock.now(),
    )


def test_add_find_and_list(store: SqlStore, make_user: MakeUser, clock: FrozenClock) -> None:
    alice = make_user("alice")
    with store.write() as repositories:
        added = repositories.passkeys.add(_new(alice.id, LONG_ID, clock))
        repositories.passkeys.add(_new(alice.id, "second", clock, name="Phone"))
    with store.read() as repositories:
        found = repositories.passkeys.find(LONG_ID)
        listed = repositories.passkeys.list_for_user(alice.id)
        assert repositories.passkeys.find("nope") is None
    assert found == added
    assert found.public_key == bytes(range(256)) * 2 and found.transports == ("internal", "hybrid")
    assert (found.backup_eligible, found.backed_up, found.last_used_at) == (True, False, None)
    assert [p.name for p in listed] == ["Laptop", "Phone"]


def test_a_credential_id_is_registered_once(
    store: SqlStore, make_user: MakeUser, clock: FrozenClock
) -> None:
    alice, bob = make_user("alice"), make_user("bobby")
    with store.write() as repositories:
        repositories.passkeys.add(_new(alice.id, LONG_ID, clock))
    with pytest.raises(DuplicateRecord), store.write() as repositories:
        repositories.passkeys.add(_new(bob.id, LONG_ID, clock))


def test_counts_by_user(store: SqlStore, make_user: MakeUser, clock: FrozenClock) -> None:
    alice, bob = make_user("alice"), make_user("bobby")
    with store.write() as repositories:
        for number in range(3):
            repositories.passkeys.add(_new(alice.id, f"a{number}", clock))
        assert repositories.passkeys.count_by_user([alice.id, bob.id]) == {alice.id: 3}
        assert repositories.passkeys.count_by_user([]) == {}


def test_record_use_moves_the_counter_once(
    store: SqlStore, make_user: MakeUser, clock: FrozenClock
) -> None:
    alice = make_user("alice")
    with store.write() as repositories:
        passkey = repositories.passkeys.add(_new(alice.id, "cred", clock))
    later = clock.advance(minutes=1)
    with store.write() as repositories:
        assert repositories.passkeys.record_use(
            passkey.id, seen_count=0, sign_count=7, backed_up=True, now=later
        )
        # A second request that saw the old counter loses.
        assert not repositories.passkeys.record_use(
            passkey.id, seen_count=0, sign_count=7, backed_up=True, now=later
        )
    with store.read() as repositories:
        stored = repositories.passkeys.find("cred")
    assert stored is not None
    assert (stored.sign_count, stored.backed_up, stored.last_used_at) == (7, True, later)


def test_delete_only_ones_own(store: SqlStore, make_user: MakeUser, clock: FrozenClock) -> None:
    alice, bob = make_user("alice"), make_user("bobby")
    with store.write() as repositories:
        passkey = repositories.passkeys.add(_new(alice.id, "cred", clock))
    with store.write() as repositories:
        assert repositories.passkeys.delete(bob.id, passkey.id) is None
        removed = repositories.passkeys.delete(alice.id, passkey.id)
        assert removed is not None and removed.name == "Laptop"
        assert repositories.passkeys.delete(alice.id, passkey.id) is None
        assert repositories.passkeys.list_for_user(alice.id) == []


def test_deleting_the_user_deletes_the_passkeys(
    store: SqlStore, make_user: MakeUser, clock: FrozenClock
) -> None:
    alice = make_user("alice")
    with store.write() as repositories:
        repositories.passkeys.add(_new(alice.id, "cred", clock))
    with store.write() as repositories:
        repositories.users.delete(alice.id)
    with store.read() as repositories:
        assert repositories.passkeys.find("cred") is None
