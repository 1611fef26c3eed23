"""Payloads are encrypted in Temporal; the codec endpoint decrypts them for admins only."""

from __future__ import annotations

import base64
import json

import httpx
from google.protobuf import json_format
from temporalio.api.common.v1 import Payloads

from api.app import create_app
from infrastructure.db import Database
from infrastructure.settings import Settings
from infrastructure.temporal import data_converter
from services.accounts import seed_demo


async def test_admins_decode_others_cannot(settings: Settings, sqlite_db: Database) -> None:
    await seed_demo(sqlite_db, "demo-password-123")
    converter = data_converter(settings)
    encoded = await converter.encode([{"worker": "李建国", "id_number": "341221198003120031"}])
    assert encoded[0].metadata["encoding"] == b"binary/encrypted" and b"341221198003120031" not in encoded[0].data
    body = json_format.MessageToJson(Payloads(payloads=encoded))
    app = create_app(settings, db=sqlite_db, start_pending=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        async def token(user: str) -> str:
            r = await http.post("/api/v1/auth/token", data={"username": user, "password": "demo-password-123"})
            return str(r.json()["access_token"])
        assert (await http.post("/api/v1/codec/decode", content=body)).status_code == 401
        mediator = await http.post("/api/v1/codec/decode", content=body, headers={"Authorization": f"Bearer {await token('mediator')}"})
        assert mediator.status_code == 403
        origin = f"http://127.0.0.1:{settings.temporal_ui_port}"
        admin = await http.post("/api/v1/codec/decode", content=body,
                                headers={"Authorization": f"Bearer {await token('admin')}", "Origin": origin})
        assert admin.status_code == 200 and admin.headers["access-control-allow-origin"] == origin
        plain = json.loads(base64.b64decode(admin.json()["payloads"][0]["data"]))
        assert plain["id_number"] == "341221198003120031"
        foreign = await http.options("/api/v1/codec/decode", headers={"Origin": "http://evil.example"})
        assert "access-control-allow-origin" not in foreign.headers
