"""Request phases (`infrastructure.timing`): what the Server-Timing header says and how it reads
back; nothing recorded outside a request; each request's phases its own."""

from __future__ import annotations

import asyncio

from infrastructure.timing import collect, parse_server_timing, phase, server_timing


def test_phases_are_summed_and_written_after_the_whole() -> None:
    with collect() as phases:
        with phase("register"):
            pass
        with phase("start"):
            pass
        with phase("register"):
            pass
    assert list(phases) == ["register", "start"] and all(v >= 0 for v in phases.values())
    header = server_timing(0.0412, {"register": 0.0098, "start": 0.0271})
    assert header == "app;dur=41.2, register;dur=9.8, start;dur=27.1"
    assert parse_server_timing(header) == {"app": 41.2, "register": 9.8, "start": 27.1}


def test_reading_skips_what_is_not_a_duration() -> None:
    assert parse_server_timing('cache;desc="hit", db;dur=abc, app;dur=5;desc="x"') == {"app": 5.0}
    assert parse_server_timing("") == {}


def test_outside_a_request_nothing_is_recorded() -> None:
    with phase("register"):
        pass
    with collect() as phases:
        pass
    assert phases == {}


async def test_concurrent_requests_keep_their_own_phases() -> None:
    async def request(name: str, pause: float) -> dict[str, float]:
        with collect() as phases:
            with phase(name):
                await asyncio.sleep(pause)
            return phases

    first, second = await asyncio.gather(request("a", 0.02), request("b", 0.01))
    assert list(first) == ["a"] and list(second) == ["b"]
    assert first["a"] >= 0.02 and second["b"] >= 0.01
