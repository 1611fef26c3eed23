"""The administrator's agency-systems page of an organisation: registering shows the credentials
once (in the answer, never in a cookie or on a later visit), the system's token works, rotating
ends it, revoking ends the new one; the delivery state is shown per system; another organisation's
system cannot be rotated from this page (the same 404 as a missing organisation)."""

from __future__ import annotations

import html
import re

import httpx

from tests.ui.conftest import World, client_for, csrf, sign_in

PAGE = "/admin/organisations/arb-pd/systems"


async def post_and_follow(client: httpx.AsyncClient, url: str, form: dict[str, str]) -> str:
    """Post a form that redirects; the page it lands on (with its flash), unescaped."""
    response = await client.post(url, data=form)
    assert response.status_code == 303, response.text
    return html.unescape((await client.get(response.headers["location"])).text)


def _secret(page: str, name: str) -> str:
    found = re.search(rf'<code data-secret="{name}">([^<]+)</code>', page)
    assert found, f"no {name} shown"
    return html.unescape(found.group(1))


async def test_admin_registers_rotates_and_revokes_an_agency_system_by_page(world: World) -> None:
    async with client_for(world) as admin:
        await sign_in(admin, "admin")
        listing = (await admin.get("/admin/organisations")).text
        assert f'href="{PAGE}"' in listing
        token = await csrf(admin, PAGE)
        registered = await admin.post(PAGE, data={"csrf_token": token, "op": "register", "name": "仲裁委办案系统",
                                                  "scopes": ["tasks:read", "events:read"], "webhook_url": "https://cms.example.cn/hook"})
        assert registered.status_code == 201 and registered.headers["cache-control"] == "no-store", registered.text
        page = registered.text
        client_id, secret = _secret(page, "client_id"), _secret(page, "client_secret")
        assert _secret(page, "webhook_secret").startswith("whsec_") and secret.startswith("lfs_")
        assert "set-cookie" not in {k.lower() for k in registered.headers if secret in registered.headers[k]}
        later = (await admin.get(PAGE)).text
        assert client_id in later and secret not in later, "shown once"
        assert "已送达至第 0 号（最新第 0 号）" in later and "待送 0 条" in later

        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        assert (await admin.post("/api/v1/auth/agency-token", data=form)).status_code == 200
        rotated = await admin.post(PAGE, data={"csrf_token": token, "op": "rotate", "client_id": client_id})
        fresh = _secret(rotated.text, "client_secret")
        assert fresh != secret and "webhook_secret" not in rotated.text.split("credentials")[1].split("</section>")[0]
        assert (await admin.post("/api/v1/auth/agency-token", data=form)).status_code == 401
        assert (await admin.post("/api/v1/auth/agency-token", data=form | {"client_secret": fresh})).status_code == 200

        signing = await admin.post(PAGE, data={"csrf_token": token, "op": "rotate_webhook", "client_id": client_id})
        assert signing.status_code == 200 and signing.headers["cache-control"] == "no-store"
        assert _secret(signing.text, "webhook_secret").startswith("whsec_") and "新旧两个签名" in signing.text
        moved = await post_and_follow(admin, PAGE, {"csrf_token": token, "op": "webhook", "client_id": client_id,
                                                    "webhook_url": "https://cms2.example.cn/hook"})
        assert f"已更新 {client_id} 的 Webhook 地址" in moved and "https://cms2.example.cn/hook" in moved
        refused = await post_and_follow(admin, PAGE, {"csrf_token": token, "op": "webhook", "client_id": client_id,
                                                      "webhook_url": "ftp://cms.example.cn"})
        assert "未能办理：Webhook 地址须为" in refused

        elsewhere = await admin.post("/admin/organisations/court-pd/systems", data={"csrf_token": token, "op": "rotate",
                                                                                   "client_id": client_id})
        assert elsewhere.status_code == 404
        none_chosen = await admin.post(PAGE, data={"csrf_token": token, "op": "register", "name": "x"})
        assert none_chosen.status_code == 303
        assert "未能办理：请至少选择一项授权范围" in html.unescape((await admin.get(PAGE)).text)

        revoked = await admin.post(PAGE, data={"csrf_token": token, "op": "revoke", "client_id": client_id})
        assert revoked.status_code == 303
        after = html.unescape((await admin.get(PAGE)).text)
        assert f"已吊销 {client_id}" in after and "已吊销" in after
        assert (await admin.post("/api/v1/auth/agency-token", data=form | {"client_secret": fresh})).status_code == 401
