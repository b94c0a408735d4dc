"""Failure counters kept in Redis, for deployments that already run one.

One Lua script does the read-modify-write on the server, so replicas counting
the same key at once never lose a failure. Keys expire on their own after the
failure window (or the lock, whichever is later). The script carries the
policy's numbers; ``ThrottlePolicy`` stays the rule's one statement, and the
tests hold the two to the same answers.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from authgate.core.lockout.policy import ThrottlePolicy, ThrottleStatus
from authgate.errors import StoreUnavailable

__all__ = ["RedisThrottle"]

_DEFAULT_PREFIX = "authgate:throttle:"
_UNAVAILABLE_MESSAGE = "The rate-limit store (Redis) is unavailable."

_RECORD = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local threshold = tonumber(ARGV[3])
local base = tonumber(ARGV[4])
local cap = tonumber(ARGV[5])
local failures = tonumber(redis.call('HGET', key, 'failures') or '0')
local last = tonumber(redis.call('HGET', key, 'last') or '0')
local locked = tonumber(redis.call('HGET', key, 'locked') or '0')
if locked <= now and (now - last) > window then
  failures = 0
  locked = 0
end
failures = failures + 1
if failures >= threshold then
  local exponent = math.min(failures - threshold, 32)
  locked = now + math.min(base * (2 ^ exponent), cap)
end
redis.call('HSET', key, 'failures', failures, 'last', now, 'locked', locked)
redis.call('EXPIRE', key, math.ceil(math.max(window, locked - now)) + 1)
return {failures, tostring(locked)}
"""


class RedisThrottle:
    """``Throttle`` over Redis hashes ``<prefix><key>`` with fields failures/last/locked.

    ``client`` is a ``redis.Redis``; ``prefix`` keeps several applications
    (or test runs) on one server apart.
    """

    def __init__(
        self, client: Any, policy: ThrottlePolicy, *, prefix: str = _DEFAULT_PREFIX
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.policy = policy
        self._script = client.register_script(_RECORD)

    @classmethod
    def from_url(
        cls, url: str, policy: ThrottlePolicy, *, prefix: str = _DEFAULT_PREFIX
    ) -> RedisThrottle:
        """A throttle on a new client with short timeouts: a dead server fails fast."""
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        return cls(client, policy, prefix=prefix)

    def status(self, key: str, now: datetime, *, within: object = None) -> ThrottleStatus:
        """The key's failures and lock; ``within`` (a SQL transaction) means nothing here."""
        try:
            raw = self.client.hgetall(self.prefix + key)
        except Exception as error:
            raise _translated(error) from None
        if not raw:
            return ThrottleStatus(key, 0, None)
        failures = int(raw.get(b"failures", 0))
        last = float(raw.get(b"last", 0))
        locked = float(raw.get(b"locked", 0))
        if self.policy.forgets(datetime.fromtimestamp(last, UTC), _when(locked), now):
            return ThrottleStatus(key, 0, None)
        return ThrottleStatus(key, failures, _when(locked))

    def record_failure(self, key: str, now: datetime) -> ThrottleStatus:
        policy = self.policy
        try:
            failures, locked = self._script(
                keys=[self.prefix + key],
                args=[
                    now.timestamp(),
                    policy.window.total_seconds(),
                    policy.threshold,
                    policy.base_delay.total_seconds(),
                    policy.max_delay.total_seconds(),
                ],
            )
        except Exception as error:
            raise _translated(error) from None
        return ThrottleStatus(key, int(failures), _when(float(locked)))

    def reset(self, key: str) -> None:
        try:
            self.client.delete(self.prefix + key)
        except Exception as error:
            raise _translated(error) from None


def _when(epoch: float) -> datetime | None:
    return datetime.fromtimestamp(epoch, UTC) if epoch > 0 else None


def _translated(error: Exception) -> Exception:
    """StoreUnavailable for Redis' own failures; anything else is a bug and stays itself."""
    import redis

    if isinstance(error, redis.RedisError):
        return StoreUnavailable(_UNAVAILABLE_MESSAGE)
    return error
