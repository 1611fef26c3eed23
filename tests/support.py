"""Helpers for tests that start real processes."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path
from typing import Any

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, timeout: float = 90, status: int = 200) -> httpx.Response:
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            response = httpx.get(url, timeout=2)
            if response.status_code == status:
                return response
            last = response.status_code
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer {status} within {timeout}s (last: {last})")


def processes_mentioning(marker: str) -> list[int]:
    """PIDs whose command line or environment mentions `marker` (e.g. a temporary data folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            blob = (entry / "cmdline").read_bytes() + (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker.encode() in blob:
            found.append(int(entry.name))
    return found


def processes_with_command(marker: str) -> list[tuple[int, str]]:
    """(PID, command line with spaces) of the processes `processes_mentioning(marker)` finds."""
    found = []
    for pid in processes_mentioning(marker):
        try:
            command = (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        found.append((pid, command.strip()))
    return found


def opt_in(variable: str, why: str) -> pytest.MarkDecorator:
    """Skip unless `variable=1`: for measurements and long smoke runs kept out of the 20-minute suite."""
    return pytest.mark.skipif(os.environ.get(variable) != "1", reason=f"{why}: {variable}=1 runs it")


def swap_settings(app: Any, settings: Any) -> None:
    """Run the app with other settings from now on (the one ServiceContext every part reads)."""
    import dataclasses

    app.state.services = dataclasses.replace(app.state.services, settings=settings)
