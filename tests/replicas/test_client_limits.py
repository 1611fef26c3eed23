"""Rate limits hold across API replicas (Redis), and count the real client behind a trusted proxy."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from api.app import create_app
from infrastructure.db import Database
from infrastructure.rate_limits import RateLimiter
from infrastructure.settings import Settings
from tests.conftest import make_settings
from tests.replicas.servers import api_processes, process_env, redis_server
from tests.support import free_port

A_CASE = "/api/v1/cases/LD-2026-000001"  # no such case: 404, after the rate limit
WRONG_CODE = {"X-Access-Code": "WRONG-CODE"}


async def test_two_api_processes_share_one_limit(cluster_database_url: str, tmp_path: Path) -> None:
    """5 access-code checks a minute per client, counted in one Redis by two `labourflow api`
    processes: the 6th attempt, whichever process takes it, is refused with the bilingual 429."""
    settings = make_settings(tmp_path, database_url=cluster_database_url)
    with redis_server(tmp_path / "redis") as redis_url:
        env = process_env(settings, rate_limit_storage=redis_url, rate_limit_access="5/60")
        with api_processes(env, tmp_path) as (first, second):
            async with httpx.AsyncClient(timeout=30, headers=WRONG_CODE) as http:
                codes = [(await http.get(f"{(first, second)[n % 2]}{A_CASE}")).status_code for n in range(6)]
                assert codes == [404, 404, 404, 404, 404, 429]
                refused = await http.get(f"{first}{A_CASE}")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["retry-after"]) <= 60
    assert refused.json()["detail"].startswith("请求过于频繁，请") and "too many requests; retry in" in refused.json()["detail"]


async def test_without_shared_storage_each_process_counts_alone(settings: Settings, sqlite_db: Database) -> None:
    """The embedded default (memory://) keeps one count per process: two apps let 5 + 5 through."""
    limited = settings.model_copy(update={"rate_limit_access": "5/60"})
    apps = [create_app(limited, db=sqlite_db, start_pending=False) for _ in range(2)]
    codes = []
    for n in range(10):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=apps[n % 2]), base_url="http://t", headers=WRONG_CODE) as http:
            codes.append((await http.get(A_CASE)).status_code)
    assert codes == [404] * 10


def _client(app: object, peer: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(peer, 40000)), base_url="http://t")  # type: ignore[arg-type]


async def _codes(app: object, peer: str, forwarded_for: str | None, times: int) -> list[int]:
    headers = WRONG_CODE | ({"X-Forwarded-For": forwarded_for} if forwarded_for else {})
    async with _client(app, peer) as http:
        return [(await http.get(A_CASE, headers=headers)).status_code for _ in range(times)]


async def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit(settings: Settings, sqlite_db: Database) -> None:
    app = create_app(settings.model_copy(update={"rate_limit_access": "2/60", "trusted_proxies": ["10.0.0.0/8"]}),
                     db=sqlite_db, start_pending=False)
    proxy = "10.1.2.3"
    assert await _codes(app, proxy, "203.0.113.7", 3) == [404, 404, 429]
    assert await _codes(app, proxy, "198.51.100.9", 2) == [404, 404]  # another citizen, same proxy: not limited
    # A client cannot choose its address by sending the header itself: nginx appends the address it
    # saw, and the rightmost address that is not a trusted proxy is the client.
    assert await _codes(app, proxy, "198.51.100.50, 203.0.113.7", 1) == [429]
    assert await _codes(app, proxy, "192.0.2.1, 10.9.9.9", 2) == [404, 404]  # through two trusted proxies


async def test_an_untrusted_peer_is_the_client_whatever_it_forwards(settings: Settings, sqlite_db: Database) -> None:
    app = create_app(settings.model_copy(update={"rate_limit_access": "2/60", "trusted_proxies": ["10.0.0.0/8"]}),
                     db=sqlite_db, start_pending=False)
    stranger = "203.0.113.99"
    codes = [(await _codes(app, stranger, f"198.51.100.{n}", 1))[0] for n in range(3)]
    assert codes == [404, 404, 429]  # a new X-Forwarded-For each time did not buy a new limit


async def test_without_trusted_proxies_the_header_is_ignored(settings: Settings, sqlite_db: Database) -> None:
    app = create_app(settings.model_copy(update={"rate_limit_access": "2/60"}), db=sqlite_db, start_pending=False)
    codes = [(await _codes(app, "127.0.0.1", f"198.51.100.{n}", 1))[0] for n in range(3)]
    assert codes == [404, 404, 429]


def test_trusted_proxies_setting_takes_networks_and_refuses_names(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LABOURFLOW_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.7,fd00::/8")
    assert Settings(data_dir=tmp_path).trusted_proxies == ["10.0.0.0/8", "192.168.1.7", "fd00::/8"]
    monkeypatch.setenv("LABOURFLOW_TRUSTED_PROXIES", "nginx")
    with pytest.raises(ValueError, match="'nginx' is not an IP address or network"):
        Settings(data_dir=tmp_path)


async def test_requests_are_let_through_while_redis_is_away() -> None:
    limiter = RateLimiter(f"redis://127.0.0.1:{free_port()}")  # nothing listens there
    assert [await limiter.hit("login", "203.0.113.7", "1/60") for _ in range(3)] == [None, None, None]


def test_unknown_rate_limit_storage_is_refused() -> None:
    with pytest.raises(ValueError, match="LABOURFLOW_RATE_LIMIT_STORAGE"):
        RateLimiter("memcached://127.0.0.1:11211")
