"""The invalidation channel over Redis pub/sub, for databases without ``LISTEN/NOTIFY``.

Redis knows nothing of the database transaction, so the announcement is
published right after the commit (``announce``); a crash between the two
loses it, and the others then see the change within their revalidation
interval, as without a channel. Each process subscribes on a connection of
its own in a background thread (``notify_listener.ListenerLoop``). Its
heartbeat is a ``PING`` on the subscribed connection whose ``pong`` must come
back before the next heartbeat, so a frozen Redis is noticed like a closed
one. The subscribed connection never reconnects silently (no retries): a
reconnect must be seen, since messages sent meanwhile are lost.

The channel name carries a digest of the database URL, so deployments that
share one Redis but not one database do not drop each other's caches.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy.engine import URL

from authgate.core.ports.invalidation import ChannelListener
from authgate.core.ports.store import Repositories
from authgate.store.engine import DEFAULT_TIMEOUT
from authgate.store.notify_listener import ListenerLoop

__all__ = ["RedisChannel", "channel_name"]


def channel_name(database: URL) -> str:
    """``authgate:invalidate:<digest>``, one per database (the password is not part of it)."""
    identity = database.render_as_string(hide_password=True)
    return "authgate:invalidate:" + hashlib.sha256(identity.encode()).hexdigest()[:16]


def _client(url: str, timeout: float, *, retries: int) -> Any:
    return redis.Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), retries),
    )


class _RedisSubscription:
    def __init__(self, url: str, channel: str, timeout: float) -> None:
        self.client = _client(url, timeout, retries=0)  # a reconnect must be seen
        self.pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        self.pubsub.subscribe(channel)
        self.awaiting_pong = False

    def receive(self, timeout: float) -> Iterator[str]:
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            message = self.pubsub.get_message(timeout=remaining)
            if message is None:
                continue
            if message["type"] == "pong":
                self.awaiting_pong = False
            elif message["type"] == "message":
                data = message["data"]
                yield data.decode() if isinstance(data, bytes) else str(data)

    def ping(self) -> None:
        if self.awaiting_pong:
            raise redis.TimeoutError("no answer to the last heartbeat")
        self.awaiting_pong = True
        self.pubsub.ping()

    def close(self) -> None:
        try:
            self.pubsub.close()
        finally:
            self.client.close()


class RedisChannel:
    """``InvalidationChannel`` over the Redis at ``redis_url`` for the database ``database``."""

    name = "redis"
    exact = False

    def __init__(
        self,
        redis_url: str,
        database: URL,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        heartbeat: float = 1.0,
    ) -> None:
        self.channel = channel_name(database)
        self.publisher = _client(redis_url, timeout, retries=1)  # a stale pooled connection
        self.loop = ListenerLoop(
            name=self.name,
            subscribe=lambda: _RedisSubscription(redis_url, self.channel, timeout),
            heartbeat=heartbeat,
        )

    def announce_in(self, repositories: Repositories) -> None:
        """Nothing to do inside the transaction: Redis is told after the commit."""

    def announce(self) -> None:
        self.publisher.publish(self.channel, self.loop.origin)

    def listen(self, listener: ChannelListener) -> None:
        self.loop.start(listener)

    def close(self) -> None:
        self.loop.stop()
        self.publisher.close()
