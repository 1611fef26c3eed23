"""Rate-limit counters, kept where every API replica sees them (`LABOURFLOW_RATE_LIMIT_STORAGE`).

The `limits` library's moving window (each hit remembered for the window, the same rule as the
per-process sliding window before): `memory://` keeps it in this process (one API process, the
embedded setup), `redis://host:port[/db]` (or `rediss://`) in Redis, shared by every replica, so
five replicas with `20/60` still let a client in 20 times a minute, not 100.

If Redis cannot be reached the request is let through and a warning logged: the limits slow down
abuse, the lockouts that protect accounts and access codes are kept in the database.
"""

from __future__ import annotations

import time
from typing import Any

import structlog
from limits import RateLimitItemPerSecond
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

log = structlog.get_logger("labourflow.ratelimit")
KEY_PREFIX = "labourflow"


def parse_limit(text: str) -> tuple[int, float]:
    """'20/60' means 20 requests per 60 seconds."""
    count, _, seconds = text.partition("/")
    return int(count), float(seconds or 60)


def storage_uri(setting: str) -> tuple[str, dict[str, Any]]:
    """The `limits` URI and options for a setting: memory://, redis://..., rediss://..."""
    uri = setting.strip() or "memory://"
    scheme = uri.split("://", 1)[0].removeprefix("async+")
    if scheme not in ("memory", "redis", "rediss"):
        raise ValueError(f"LABOURFLOW_RATE_LIMIT_STORAGE: '{setting}' is not memory:// or redis://host:port")
    options: dict[str, Any] = {}
    if scheme != "memory":
        # redis-py's asyncio client (the official one); short timeouts, so a lost Redis costs a
        # request little before it is let through.
        options = {"implementation": "redispy", "key_prefix": KEY_PREFIX, "socket_timeout": 0.5, "socket_connect_timeout": 0.5}
    return f"async+{scheme}://{uri.split('://', 1)[1]}", options


class RateLimiter:
    """Counts hits per door and client in the configured storage."""

    def __init__(self, setting: str = "memory://") -> None:
        uri, options = storage_uri(setting)
        self.storage: Storage = storage_from_string(uri, **options)
        self._limiter = MovingWindowRateLimiter(self.storage)

    async def hit(self, door: str, client: str, limit: str) -> float | None:
        """Count a hit; None when allowed, otherwise the seconds until the next one would be."""
        count, window = parse_limit(limit)
        item = RateLimitItemPerSecond(count, max(1, round(window)))
        try:
            if await self._limiter.hit(item, door, client):
                return None
            stats = await self._limiter.get_window_stats(item, door, client)
        except Exception as exc:  # the store is away: let the request through (see the module's note)
            log.warning("rate-limit storage unavailable; request allowed", door=door, error=f"{type(exc).__name__}: {exc}")
            return None
        return max(0.0, stats.reset_time - time.time())

    async def check(self) -> bool:
        """Whether the storage answers."""
        return bool(await self.storage.check())
