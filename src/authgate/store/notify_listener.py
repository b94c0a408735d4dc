"""The background loop both invalidation channels share: listen, heartbeat, reconnect.

A channel (PostgreSQL ``LISTEN``, Redis ``SUBSCRIBE``) hands this loop a way
to open a ``Subscription``. The loop waits for messages up to ``heartbeat``
seconds at a time, then proves the connection still answers; after each
proof it tells the process's ``ChannelListener`` the channel is trusted for a
few heartbeats more. If the connection fails, or a heartbeat hangs (a frozen
server), the trust runs out on its own and the caches revalidate every
request; the loop reconnects with a capped backoff and, once back, drops
every cached answer (messages sent meanwhile were lost). Outages are logged
once when they start and once when they end.
"""

from __future__ import annotations

import logging
import threading
import uuid
import weakref
from collections.abc import Callable, Iterator
from typing import Protocol

from authgate.core.ports.invalidation import ChannelListener

__all__ = ["ListenerLoop", "Subscription"]

logger = logging.getLogger("authgate.store")

_TRUSTED_HEARTBEATS = 3
_MAX_BACKOFF = 5.0


class Subscription(Protocol):
    """One open listening connection."""

    def receive(self, timeout: float) -> Iterator[str]:
        """The payloads that arrive within ``timeout`` seconds, each as soon as it arrives."""
        ...

    def ping(self) -> None:
        """Raise unless the connection answers now."""
        ...

    def close(self) -> None: ...


class ListenerLoop:
    """Runs ``subscribe`` in a daemon thread and reports to a ``ChannelListener``.

    ``origin`` is this process's id, sent as the payload of its own
    announcements, so it does not drop its caches twice for one change.
    """

    def __init__(
        self,
        *,
        name: str,
        subscribe: Callable[[], Subscription],
        heartbeat: float = 1.0,
    ) -> None:
        if heartbeat <= 0:
            raise ValueError("heartbeat must be positive")
        self.name = name
        self.origin = uuid.uuid4().hex
        self.heartbeat = heartbeat
        self._subscribe = subscribe
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._tried = threading.Event()

    def start(self, listener: ChannelListener) -> None:
        """Start listening for ``listener``; returns once the first connection was tried.

        Waiting (at most one heartbeat) for that first try means the process's
        caches work from its first request on, instead of revalidating until
        the thread gets round to connecting. The thread holds ``listener``
        weakly: a process object dropped without ``close()`` does not keep a
        thread polling for it.
        """
        with self._lock:
            if self._thread is not None or self._stop.is_set():
                return
            self._thread = threading.Thread(
                target=self._run,
                args=(weakref.ref(listener),),
                name=f"authgate-{self.name}-listener",
                daemon=True,
            )
            self._thread.start()
        self._tried.wait(self.heartbeat)

    def stop(self) -> None:
        """Ask the thread to end; it closes its connection within one heartbeat.

        Not joined: closing a service (every test does) must not wait for the
        heartbeat, and the thread is a daemon that holds nothing else.
        """
        self._stop.set()

    def _run(self, listener: weakref.ref[ChannelListener]) -> None:
        backoff = self.heartbeat / 10
        down = False
        while not self._stop.is_set():
            try:
                subscription = self._subscribe()
            except Exception as error:
                if not _tell(listener, lambda it: it.distrusted()):
                    return
                self._tried.set()
                if not down:
                    down = True
                    _log_lost(self.name, error)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, _MAX_BACKOFF)
                continue
            if down:
                logger.warning("authgate invalidation channel (%s) is back", self.name)
            down, backoff = False, self.heartbeat / 10
            try:
                self._listen(subscription, listener)
                if listener() is None:
                    return
            except Exception as error:
                if self._stop.is_set() or not _tell(listener, lambda it: it.distrusted()):
                    return  # closed meanwhile: the broken connection is no outage
                down = True
                _log_lost(self.name, error)
            finally:
                _close_quietly(subscription)

    def _listen(self, subscription: Subscription, listener: weakref.ref[ChannelListener]) -> None:
        trust = self.heartbeat * _TRUSTED_HEARTBEATS
        alive = _tell(listener, lambda it: it.trusted_for(trust, reconnected=True))
        self._tried.set()
        while alive and not self._stop.is_set():
            for payload in subscription.receive(self.heartbeat):
                if payload != self.origin and not _tell(listener, lambda it: it.changed()):
                    return
            subscription.ping()
            alive = _tell(listener, lambda it: it.trusted_for(trust))


def _tell(
    listener: weakref.ref[ChannelListener], message: Callable[[ChannelListener], None]
) -> bool:
    """Give ``message`` to the listener if it still exists; False once it is gone."""
    target = listener()
    if target is None:
        return False
    message(target)
    return True


def _log_lost(name: str, error: BaseException) -> None:
    text = str(error).strip().splitlines()
    logger.error(
        "authgate invalidation channel (%s) lost: %s%s; revalidating every request until back",
        name,
        type(error).__name__,
        f": {text[0][:200]}" if text else "",
    )


def _close_quietly(subscription: Subscription) -> None:
    try:
        subscription.close()
    except Exception:  # the connection is already broken; nothing more to release
        logger.debug("authgate: closing a broken listening connection failed", exc_info=True)
