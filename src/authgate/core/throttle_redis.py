"""The login throttle kept in Redis, for deployments that already run one.

One Lua script does read-modify-write atomically on the server, so replicas
counting the same key at once never lose a failure. Keys expire on their own
after the failure window (or the lock, whichever is later).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from authgate.core.errors import StoreUnavailable
from authgate.core.throttle import ThrottlePolicy, ThrottleStatus

__all__ = ["RedisThrottle"]

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
    """Counters in Redis hashes ``<prefix><key>`` with fields failures/last/locked."""

    def __init__(
        self, client: Any, policy: ThrottlePolicy, *, prefix: str = "authgate:throttle:"
    ) -> None:
        self._client = client
        self._prefix = prefix
        self.policy = policy
        self._script = client.register_script(_RECORD)

    @classmethod
    def from_url(cls, url: str, policy: ThrottlePolicy) -> RedisThrottle:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        return cls(client, policy)

    def status(self, key: str, now: datetime, *, db: object = None) -> ThrottleStatus:
        try:
            raw = self._client.hgetall(self._prefix + key)
        except Exception as exc:
            raise _unavailable(exc) from None
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
                keys=[self._prefix + key],
                args=[
                    now.timestamp(),
                    policy.window.total_seconds(),
                    policy.threshold,
                    policy.base_delay.total_seconds(),
                    policy.max_delay.total_seconds(),
                ],
            )
        except Exception as exc:
            raise _unavailable(exc) from None
        return ThrottleStatus(key, int(failures), _when(float(locked)))

    def reset(self, key: str) -> None:
        try:
            self._client.delete(self._prefix + key)
        except Exception as exc:
            raise _unavailable(exc) from None


def _when(epoch: float) -> datetime | None:
    return datetime.fromtimestamp(epoch, UTC) if epoch > 0 else None


def _unavailable(exc: Exception) -> StoreUnavailable:
    import redis

    if isinstance(exc, redis.RedisError):
        return StoreUnavailable("The rate-limit store (Redis) is unavailable.")
    raise exc
