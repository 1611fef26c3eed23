"""Where a request's time goes: named phases, added to its `Server-Timing` header.

`api.middleware.RequestContext` opens a collector for each request (`collect`); the code a request
runs marks its phases (`with phase("register"): ...`), and the header then reads
`app;dur=41.2, register;dur=9.8, start;dur=27.1`: the whole request first, then each phase's
wall time in ms (summed when a phase runs more than once). Phases may nest: `write-queue` (waiting
for this process's SQLite write turn, `infrastructure.db`) is part of the phase that writes. What
the outer phases leave of `app` is the rest of the request's own code (parsing, validation, the
answer) and the time it waited for the event loop. Outside a request (the
worker, the command line) `phase` costs a clock read and records nothing.

The bench reads these headers to say where intake requests wait under load (README,
"Performance")."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar

_phases: ContextVar[dict[str, float] | None] = ContextVar("labourflow_request_phases", default=None)


@contextmanager
def collect() -> Iterator[dict[str, float]]:
    """Collect the phases of the code run inside (one request): name -> seconds."""
    phases: dict[str, float] = {}
    token = _phases.set(phases)
    try:
        yield phases
    finally:
        _phases.reset(token)


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Time the code inside as phase `name` of the current request, if there is one."""
    started = time.perf_counter()
    try:
        yield
    finally:
        phases = _phases.get()
        if phases is not None:
            phases[name] = phases.get(name, 0.0) + time.perf_counter() - started


def server_timing(total: float, phases: dict[str, float]) -> str:
    """The header's value: `app` (the whole request) first, then each phase, in ms."""
    parts = [f"app;dur={total * 1000:.1f}"]
    parts += [f"{name};dur={seconds * 1000:.1f}" for name, seconds in phases.items()]
    return ", ".join(parts)


def parse_server_timing(value: str) -> dict[str, float]:
    """`app;dur=41.2, start;dur=27.1` -> {"app": 41.2, "start": 27.1} (ms); entries without a
    duration are left out."""
    parsed: dict[str, float] = {}
    for entry in value.split(","):
        name, _, params = entry.strip().partition(";")
        for param in params.split(";"):
            key, _, number = param.strip().partition("=")
            if key == "dur" and name:
                with suppress(ValueError):
                    parsed[name] = float(number)
    return parsed
