"""Staff tokens: sign-in, /me, wrong password, lockout; old tokens die with a password change."""

import httpx

from api.app import create_app
from domain.roles import Role
from infrastructure.db import Database
from infrastructure.settings import Settings
from services.accounts import create_user, set_user_password


async def test_token_flow(settings: Settings, sqlite_db: Database) -> None:
    await create_user(sqlite_db, username="m1", role=Role.mediator, password="s3cret-pass!", display_name="张敏")
    app = create_app(settings, db=sqlite_db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        assert (await http.get("/api/v1/auth/me")).status_code == 401
        bad = await http.post("/api/v1/auth/token", data={"username": "m1", "password": "nope-nope-nope"})
        assert bad.status_code == 401 and "wrong username or password" in bad.json()["detail"]
        good = await http.post("/api/v1/auth/token", data={"username": "m1", "password": "s3cret-pass!"})
        token = good.json()["access_token"]
        me = await http.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json()["role"] == "mediator" and me.json()["display_name"] == "张敏"
        await set_user_password(sqlite_db, "m1", "another-s3cret")
        stale = await http.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert stale.status_code == 401
        for _ in range(5):
            await http.post("/api/v1/auth/token", data={"username": "m1", "password": "wrong-wrong"})
        locked = await http.post("/api/v1/auth/token", data={"username": "m1", "password": "another-s3cret"})
        assert locked.status_code == 423
