"""Every request gets an id, bound to its log lines and echoed with the server time
(`api.middleware.RequestContext`), and no request's id leaks into the next one's."""

import asyncio
import re

import httpx
import structlog

from api.app import create_app
from infrastructure.db import Database
from infrastructure.settings import Settings


def _app(settings: Settings, db: Database):  # type: ignore[no-untyped-def]
    app = create_app(settings, db=db, start_pending=False)

    @app.get("/_probe/context")
    async def probe(pause: float = 0) -> dict[str, object]:
        await asyncio.sleep(pause)  # let concurrent requests interleave
        return dict(structlog.contextvars.get_contextvars())

    return app


async def test_the_client_id_is_bound_and_echoed_with_the_server_time(settings: Settings, sqlite_db: Database) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=_app(settings, sqlite_db)), base_url="http://t") as http:
        response = await http.get("/_probe/context", headers={"X-Request-ID": "trace-42"})
    assert response.status_code == 200
    assert response.json() == {"request_id": "trace-42"}
    assert response.headers["x-request-id"] == "trace-42"
    assert re.fullmatch(r"app;dur=\d+\.\d", response.headers["server-timing"])


async def test_without_one_each_request_gets_its_own(settings: Settings, sqlite_db: Database) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=_app(settings, sqlite_db)), base_url="http://t") as http:
        responses = await asyncio.gather(*(http.get("/_probe/context", params={"pause": 0.01}) for _ in range(5)))
        problem = await http.get("/no/such/page")
    ids = [r.headers["x-request-id"] for r in responses]
    assert all(re.fullmatch(r"[0-9a-f]{16}", i) for i in ids) and len(set(ids)) == 5
    # what the request saw bound is its own id, however the requests interleaved
    assert [r.json()["request_id"] for r in responses] == ids
    # errors answered by the app carry it too
    assert problem.status_code == 404 and re.fullmatch(r"[0-9a-f]{16}", problem.headers["x-request-id"])
