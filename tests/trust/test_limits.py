"""Bad input is refused early: oversized bodies get 413 before parsing, hammering gets 429."""

from __future__ import annotations

import httpx

from api.app import create_app
from infrastructure.db import Database
from infrastructure.settings import Settings
from tests.stories import wage_arrears


def _client(app) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_oversized_body_is_413_before_parsing(settings: Settings, sqlite_db: Database) -> None:
    app = create_app(settings.model_copy(update={"max_body_bytes": 2048}), db=sqlite_db, start_pending=False)
    async with _client(app) as http:
        big = await http.post("/api/v1/cases", content=b"{" + b" " * 5000 + b"}", headers={"content-type": "application/json"})
        assert big.status_code == 413 and "too large" in big.json()["detail"]

        async def chunks():  # type: ignore[no-untyped-def]
            for _ in range(10):
                yield b" " * 1000
        streamed = await http.post("/api/v1/cases", content=chunks(), headers={"content-type": "application/json"})
        assert streamed.status_code == 413
        small = await http.post("/api/v1/cases", json={"x": 1})
        assert small.status_code == 422  # parsed normally, and refused for its content


async def test_login_and_intake_are_rate_limited(settings: Settings, sqlite_db: Database) -> None:
    app = create_app(settings.model_copy(update={"rate_limit_login": "3/60", "rate_limit_intake": "2/60"}), db=sqlite_db,
                     start_pending=False)
    async with _client(app) as http:
        codes = [(await http.post("/api/v1/auth/token", data={"username": "x", "password": "y"})).status_code for _ in range(4)]
        assert codes == [401, 401, 401, 429]
        limited = await http.post("/api/v1/auth/token", data={"username": "x", "password": "y"})
        assert int(limited.headers["retry-after"]) > 0 and "too many requests" in limited.json()["detail"]
        bad = {**wage_arrears(), "region": "nowhere"}
        codes = [(await http.post("/api/v1/cases", json=bad)).status_code for _ in range(3)]
        assert codes == [422, 422, 429]
