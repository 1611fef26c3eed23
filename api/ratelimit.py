"""Rate limits on the doors people could hammer: intake, sign-in and access-code checks (429).

A sliding window per client address and door, kept in this process's memory. With several API
replicas each keeps its own window (the effective limit is the sum); account and case lockouts,
which matter more, live in the database and hold across replicas."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request

from api.problems import raises


class SlidingWindow:
    def __init__(self) -> None:
        self._hits: dict[tuple[str, str], deque[float]] = defaultdict(deque)

    def allow(self, door: str, client: str, limit: int, window: float) -> float | None:
        """None when allowed; otherwise seconds until the next request would be."""
        now = time.monotonic()
        hits = self._hits[(door, client)]
        while hits and hits[0] <= now - window:
            hits.popleft()
        if len(hits) >= limit:
            return hits[0] + window - now
        hits.append(now)
        return None


def parse_limit(text: str) -> tuple[int, float]:
    """'20/60' means 20 requests per 60 seconds."""
    count, _, seconds = text.partition("/")
    return int(count), float(seconds or 60)


def rate_limit(door: str) -> Callable[[Request], Coroutine[Any, Any, None]]:
    """Dependency: refuse with 429 and Retry-After when this client knocks too often at `door`."""

    @raises(429)
    async def check(request: Request) -> None:
        settings = request.app.state.services.settings
        limit, window = parse_limit(getattr(settings, f"rate_limit_{door}"))
        client = request.client.host if request.client else "unknown"
        wait = request.app.state.rate_limits.allow(door, client, limit, window)
        if wait is not None:
            raise HTTPException(status_code=429, headers={"Retry-After": str(int(wait) + 1)},
                                detail=f"请求过于频繁，请{int(wait) + 1}秒后再试 / too many requests; retry in {int(wait) + 1} s")

    return check
