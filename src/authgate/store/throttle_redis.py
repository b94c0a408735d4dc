"""Failure counters kept in Redis, for deployments that already run one.

Each operation is one Lua script, run atomically on the server: a reservation
reads every claimed key, refuses or counts on all of them, and answers, so
replicas reserving the same key at once never count past the threshold. Keys
expire on their own after the failure window (or the lock, whichever is
later). The scripts carry the policy's numbers; ``ThrottlePolicy`` stays the
rule's one statement, and the tests hold the SQL and Redis stores to the same
answers.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from authgate.core.lockout.policy import Claim, Hold, Reservation, ThrottlePolicy, ThrottleStatus
from authgate.errors import StoreUnavailable

__all__ = ["RedisThrottle"]

_DEFAULT_PREFIX = "authgate:throttle:"
_UNAVAILABLE_MESSAGE = "The rate-limit store (Redis) is unavailable."

# KEYS: the claimed keys. ARGV: now, then per key window, threshold, base, cap.
# Answers {0, index, locked, failures} when refused, else {1, f1, l1, b1, r1, ...}
# per key: failures, locked-until, whether this attempt locked it, refused before.
_RESERVE = """
local now = tonumber(ARGV[1])
local rows = {}
for i, key in ipairs(KEYS) do
  local values = redis.call('HMGET', key, 'failures', 'last', 'locked', 'refused')
  local row = {}
  for j = 1, 4 do row[j] = tonumber(values[j] or '0') end
  rows[i] = row
end
local longest = 0
for i, key in ipairs(KEYS) do
  local row = rows[i]
  if row[3] > now then
    redis.call('HINCRBY', key, 'refused', 1)
    -- keep the count of refusals for a window past the lock, for the row that reports it
    local window = tonumber(ARGV[2 + (i - 1) * 4])
    redis.call('EXPIRE', key, math.ceil(row[3] - now + window) + 1)
    if longest == 0 or row[3] > rows[longest][3] then longest = i end
  end
end
if longest > 0 then
  local row = rows[longest]
  return {0, longest, tostring(row[3]), row[1], row[4] + 1}
end
local answer = {1}
for i, key in ipairs(KEYS) do
  local base_arg = 1 + (i - 1) * 4
  local window = tonumber(ARGV[base_arg + 1])
  local threshold = tonumber(ARGV[base_arg + 2])
  local base = tonumber(ARGV[base_arg + 3])
  local cap = tonumber(ARGV[base_arg + 4])
  local row = rows[i]
  local failures = row[1]
  if failures == 0 or (now - row[2]) > window then failures = 0 end
  failures = failures + 1
  local locked = 0
  local locks = 0
  if failures >= threshold then
    local exponent = math.min(failures - threshold, 32)
    locked = now + math.min(base * (2 ^ exponent), cap)
    locks = 1
  end
  redis.call('HSET', key, 'failures', failures, 'last', now, 'locked', locked, 'refused', 0)
  redis.call('EXPIRE', key, math.ceil(math.max(window, locked - now)) + 1)
  table.insert(answer, failures)
  table.insert(answer, tostring(locked))
  table.insert(answer, locks)
  table.insert(answer, row[4])
end
return answer
"""

# KEYS: the held keys. ARGV: per key "forget" or the lock the hold started ("0": none).
# Answers the refusals each key's ended lock had (0 for most).
_GIVE_BACK = """
local answer = {}
for i, key in ipairs(KEYS) do
  local mode = ARGV[i]
  local refused = tonumber(redis.call('HGET', key, 'refused') or '0')
  if mode == 'forget' then
    redis.call('DEL', key)
  elseif redis.call('EXISTS', key) == 1 then
    local failures = tonumber(redis.call('HGET', key, 'failures') or '0')
    redis.call('HSET', key, 'failures', math.max(failures - 1, 0))
    local locked = tonumber(redis.call('HGET', key, 'locked') or '0')
    if mode ~= '0' and math.abs(locked - tonumber(mode)) < 0.001 then
      redis.call('HSET', key, 'locked', 0, 'refused', 0)
    else
      refused = 0
    end
  else
    refused = 0
  end
  table.insert(answer, refused)
end
return answer
"""

_RESET = """
local refused = tonumber(redis.call('HGET', KEYS[1], 'refused') or '0')
redis.call('DEL', KEYS[1])
return refused
"""


class RedisThrottle:
    """``Throttle`` over Redis hashes ``<prefix><key>`` (fields failures/last/locked/refused).

    ``client`` is a ``redis.Redis``; ``prefix`` keeps several applications
    (or test runs) on one server apart.
    """

    def __init__(self, client: Any, *, prefix: str = _DEFAULT_PREFIX) -> None:
        self.client = client
        self.prefix = prefix
        self._reserve = client.register_script(_RESERVE)
        self._give_back = client.register_script(_GIVE_BACK)
        self._reset = client.register_script(_RESET)

    @classmethod
    def from_url(cls, url: str, *, prefix: str = _DEFAULT_PREFIX) -> RedisThrottle:
        """A throttle on a new client with short timeouts: a dead server fails fast."""
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        return cls(client, prefix=prefix)

    def status(
        self, key: str, policy: ThrottlePolicy, now: datetime, *, within: object = None
    ) -> ThrottleStatus:
        """The key's failures and lock; ``within`` (a SQL transaction) means nothing here."""
        raw = self._call(self.client.hgetall, self.prefix + key)
        if not raw:
            return ThrottleStatus(key, 0, None)
        failures = int(raw.get(b"failures", 0))
        last = float(raw.get(b"last", 0))
        locked = float(raw.get(b"locked", 0))
        refused = int(raw.get(b"refused", 0))
        if failures == 0 or policy.forgets(datetime.fromtimestamp(last, UTC), _when(locked), now):
            return ThrottleStatus(key, 0, None, refused)
        return ThrottleStatus(key, failures, _when(locked), refused)

    def reserve(
        self, claims: Sequence[Claim], now: datetime, *, within: object = None
    ) -> Reservation:
        args: list[float | int] = [now.timestamp()]
        for claim in claims:
            policy = claim.policy
            args += [
                policy.window.total_seconds(),
                policy.threshold,
                policy.base_delay.total_seconds(),
                policy.max_delay.total_seconds(),
            ]
        keys = [self.prefix + claim.key for claim in claims]
        answer = self._call(self._reserve, keys=keys, args=args)
        if int(answer[0]) == 0:
            key = claims[int(answer[1]) - 1].key
            refused_by = ThrottleStatus(
                key, int(answer[3]), _when(float(answer[2])), int(answer[4])
            )
            return Reservation(refused_by=refused_by)
        holds = []
        for index, claim in enumerate(claims):
            failures, locked, locks, refused = answer[1 + 4 * index : 5 + 4 * index]
            status = ThrottleStatus(claim.key, int(failures), _when(float(locked)))
            holds.append(Hold(claim.key, status, bool(int(locks)), int(refused)))
        return Reservation(holds=tuple(holds))

    def give_back(
        self,
        holds: Sequence[Hold],
        now: datetime,
        *,
        forget: Collection[str] = (),
        within: object = None,
    ) -> Mapping[str, int]:
        if not holds:
            return {}
        modes = [_give_back_mode(hold, forget) for hold in holds]
        keys = [self.prefix + hold.key for hold in holds]
        answer = self._call(self._give_back, keys=keys, args=modes)
        return {hold.key: int(n) for hold, n in zip(holds, answer, strict=True) if int(n)}

    def reset(self, key: str, *, within: object = None) -> int:
        return int(self._call(self._reset, keys=[self.prefix + key]))

    def _call(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except Exception as error:
            raise _translated(error) from None


def _give_back_mode(hold: Hold, forget: Collection[str]) -> str:
    if hold.key in forget:
        return "forget"
    locked = hold.status.locked_until
    return repr(locked.timestamp()) if hold.locks and locked is not None else "0"


def _when(epoch: float) -> datetime | None:
    return datetime.fromtimestamp(epoch, UTC) if epoch > 0 else None


def _translated(error: Exception) -> Exception:
    """StoreUnavailable for Redis' own failures; anything else is a bug and stays itself."""
    import redis

    if isinstance(error, redis.RedisError):
        return StoreUnavailable(_UNAVAILABLE_MESSAGE)
    return error
