"""Fixtures of the replica tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from infrastructure.db import migrate_async
from tests.conftest import POSTGRES_URL, _postgres_database


@pytest.fixture
async def cluster_database_url(tmp_path: Path) -> AsyncIterator[str]:
    """One migrated database for tests that start processes: PostgreSQL, as a cluster has, when
    LABOURFLOW_TEST_POSTGRES_URL is set, SQLite otherwise (those tests are slow to run twice)."""
    if not POSTGRES_URL:
        url = f"sqlite:///{tmp_path / 'cluster.db'}"
        await migrate_async(url)
        yield url
        return
    for url in _postgres_database():
        await migrate_async(url)
        yield url
