"""/healthz answers whatever happens; /readyz names the failing dependency with 503."""

from pathlib import Path

import httpx
from temporalio.client import Client

from api.app import create_app
from infrastructure.db import Database
from infrastructure.settings import Settings
from infrastructure.temporal_gateway import TemporalGateway
from tests.conftest import make_settings


async def _get(app, path: str) -> httpx.Response:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        return await http.get(path)


async def test_ready_when_database_and_temporal_answer(settings: Settings, sqlite_db: Database, client: Client) -> None:
    app = create_app(settings, db=sqlite_db, temporal=TemporalGateway(settings, client))
    response = await _get(app, "/readyz")
    assert response.status_code == 200, response.text
    assert response.json()["checks"] == {"database": "ok", "temporal": "ok", **{
        k: "ok" for k in response.json()["checks"] if k not in ("database", "temporal")}}


async def test_not_ready_names_temporal_but_health_stays_up(tmp_path: Path, sqlite_db: Database) -> None:
    settings = make_settings(tmp_path, temporal_address="127.0.0.1:1")
    app = create_app(settings, db=sqlite_db)
    assert (await _get(app, "/healthz")).status_code == 200
    response = await _get(app, "/readyz")
    assert response.status_code == 503 and response.headers["content-type"] == "application/problem+json"
    assert "temporal" in response.json()["detail"]
    assert response.json()["checks"]["database"] == "ok"


async def test_openapi_and_docs_are_served(settings: Settings, sqlite_db: Database) -> None:
    app = create_app(settings, db=sqlite_db)
    assert (await _get(app, "/openapi.json")).json()["info"]["title"] == "labourflow"
    assert (await _get(app, "/docs")).status_code == 200
    home = await _get(app, "/")
    assert home.status_code == 200 and "劳动争议" in home.text
    assert "Labour disputes" in (await _get(app, "/?lang=en")).text
