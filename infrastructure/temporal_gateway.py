"""A lazily connected, self-healing Temporal client for the API process.

The API must keep answering (/healthz, intake) while Temporal is down: connecting is deferred,
failures are reported as `TemporalUnavailable`, and the next call tries again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from temporalio.client import Client, Interceptor

from infrastructure.settings import Settings
from infrastructure.temporal import connect


class TemporalUnavailable(RuntimeError):
    """Temporal could not be reached; the request can be retried later."""


class TemporalGateway:
    def __init__(self, settings: Settings, client: Client | None = None, interceptors: Sequence[Interceptor] = ()) -> None:
        self._settings = settings
        self._client = client
        self._interceptors = interceptors  # tracing: the workflow start joins the request's trace
        self._lock = asyncio.Lock()

    async def client(self) -> Client:
        if self._client is not None:
            return self._client
        async with self._lock:
            if self._client is None:
                try:
                    self._client = await connect(self._settings, interceptors=self._interceptors)
                except ConnectionError as exc:
                    raise TemporalUnavailable(str(exc)) from exc
        return self._client

    async def check(self) -> None:
        """Raise TemporalUnavailable unless the frontend answers a health check."""
        client = await self.client()
        try:
            await asyncio.wait_for(client.service_client.check_health(), timeout=3)
        except Exception as exc:
            raise TemporalUnavailable(f"Temporal at {self._settings.temporal_address} does not answer: {exc}") from exc
