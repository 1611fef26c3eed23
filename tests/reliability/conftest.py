from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.reliability.product import Product

pytestmark = [pytest.mark.devserver, pytest.mark.slow, pytest.mark.timeout(900)]


@pytest.fixture
async def product(tmp_path: Path) -> AsyncIterator[Product]:
    running = Product(tmp_path)
    await running.prepare()
    await running.start_server()
    yield running
    running.stop_workers()
    if running.server is not None and running.server.poll() is None:
        running.stop_server()
    await running.db.dispose()
