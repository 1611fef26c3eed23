"""Server time per page on demo data: a measurement, not an assertion. The app reports each
request's own time in its Server-Timing header; this fills the product with demo cases, opens every
page as the person who uses it, and keeps the median of several loads.

Run alone: `.venv/bin/python -m tests.ui.page_speed` (prints the table and writes
test-artifacts/page-times.json)."""

from __future__ import annotations

import asyncio
import json
import re
import statistics
import tempfile
from datetime import date
from pathlib import Path
from urllib.parse import quote

import httpx

from tests.browser.product import DEMO_PASSWORD, Product, running_product
from tests.ui.conftest import recent_wage_arrears

REPORT = Path(__file__).resolve().parents[2] / "test-artifacts" / "page-times.json"
LOADS = 7
CASES = 40


async def _signed_in(product: Product, username: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=product.base_url, timeout=30)
    page = await client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    await client.post(
        "/login", data={"csrf_token": csrf, "username": username, "password": DEMO_PASSWORD}
    )
    return client


async def demo_data(product: Product) -> tuple[str, str]:
    """40 cases through the API; half with a mediation session, a quarter failed. Returns one
    case."""
    async with httpx.AsyncClient(base_url=product.base_url, timeout=60) as http:
        filed = [
            (await http.post("/api/v1/cases", json=recent_wage_arrears())).json()
            for _ in range(CASES)
        ]
        token = (
            await http.post(
                "/api/v1/auth/token", data={"username": "mediator", "password": DEMO_PASSWORD}
            )
        ).json()
        staff = {"Authorization": f"Bearer {token['access_token']}"}
        for _ in range(80):
            tasks = (await http.get("/api/v1/tasks", params={"per_page": 200}, headers=staff)).json()
            if tasks["mine_total"] + tasks["team_total"] >= CASES:
                break
            await asyncio.sleep(0.25)
        today = date.today().isoformat()
        for n, row in enumerate(tasks["mine"] + tasks["team"]):
            path = f"/api/v1/tasks/{quote(row['task_id'], safe='')}/actions"
            if n % 2 == 0:
                await http.post(
                    path,
                    headers=staff,
                    json={
                        "action": "record_session",
                        "payload": {"held_on": today, "attendees": "双方", "summary": "调解中"},
                    },
                )
            if n % 4 == 0:
                await http.post(
                    path,
                    headers=staff,
                    json={
                        "action": "record_failure",
                        "payload": {"ended_on": today, "reason": "用人单位未到场"},
                    },
                )
    return filed[0]["case_no"], filed[0]["access_code"]


async def _median(client: httpx.AsyncClient, url: str) -> float:
    times = []
    for _ in range(LOADS):
        answer = await client.get(url)
        assert answer.status_code == 200, f"{url}: {answer.status_code}"
        times.append(float(re.search(r"dur=([\d.]+)", answer.headers["server-timing"]).group(1)))  # type: ignore[union-attr]
    return statistics.median(times)


async def measure(product: Product) -> dict[str, float]:
    """Median server milliseconds per page, on the demo data."""
    case_no, code = await demo_data(product)
    results: dict[str, float] = {}
    async with httpx.AsyncClient(base_url=product.base_url, timeout=30) as worker:
        for url in ("/", "/?lang=en", "/status", "/login"):
            results[url] = await _median(worker, url)
        page = await worker.get("/status")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        await worker.post(
            "/status", data={"csrf_token": csrf, "case_no": case_no, "access_code": code}
        )
        for url in (f"/status/{case_no}", f"/receipt/{case_no}"):
            results[url.replace(case_no, "{case_no}")] = await _median(worker, url)
    mediator = await _signed_in(product, "mediator")
    results["/inbox"] = await _median(mediator, "/inbox")
    first = re.search(r'href="(/tasks/[^"]+)"', (await mediator.get("/inbox")).text)
    if first:
        results["/tasks/{task_id}"] = await _median(mediator, first.group(1))
    await mediator.aclose()
    admin = await _signed_in(product, "admin")
    for url in (
        "/admin/dashboard",
        "/admin/cases",
        "/admin/cases?stage=mediation&overdue=true",
        f"/admin/cases/{case_no}",
        f"/admin/cases/{case_no}/history",
        "/admin/users",
        "/admin/organisations",
        "/admin/outbox",
    ):
        results[url.replace(case_no, "{case_no}")] = await _median(admin, url)
    await admin.aclose()
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(
        json.dumps({"cases": CASES, "loads": LOADS, "median_server_ms": results}, indent=2)
    )
    return results


def table(results: dict[str, float]) -> str:
    return "\n".join(f"{ms:8.1f} ms  {url}" for url, ms in results.items())


async def _main() -> None:
    async with running_product(Path(tempfile.mkdtemp())) as product:
        print(table(await measure(product)))


if __name__ == "__main__":
    asyncio.run(_main())
