"""Rate limits on the doors people could hammer: intake, sign-in and access-code checks (429).

Counted per client address and door by `infrastructure.rate_limits.RateLimiter`, in this process
or in Redis shared by every API replica (`LABOURFLOW_RATE_LIMIT_STORAGE`). The client address is
the peer's, or, when the peer is a trusted proxy (`LABOURFLOW_TRUSTED_PROXIES`), the one it
forwards in X-Forwarded-For (`api.app` installs the proxy-headers middleware). Account and case
lockouts, which matter more, live in the database."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request

from api.problems import raises


def rate_limit(door: str) -> Callable[[Request], Coroutine[Any, Any, None]]:
    """Dependency: refuse with 429 and Retry-After when this client knocks too often at `door`."""

    @raises(429)
    async def check(request: Request) -> None:
        settings = request.app.state.services.settings
        client = request.client.host if request.client else "unknown"
        wait = await request.app.state.rate_limits.hit(door, client, getattr(settings, f"rate_limit_{door}"))
        if wait is not None:
            seconds = int(wait) + 1
            raise HTTPException(status_code=429, headers={"Retry-After": str(seconds)},
                                detail=f"请求过于频繁，请{seconds}秒后再试 / too many requests; retry in {seconds} s")

    return check
