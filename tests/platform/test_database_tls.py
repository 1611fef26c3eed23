"""TLS to PostgreSQL, for real: a PostgreSQL server of our own (initdb in a temporary folder, its own
port; the machine's shared server is left as it is) that accepts only TLS connections, with a
certificate from a test CA naming `localhost`, and certificate login for one role. The application's
`Database`, built from the settings (`LABOURFLOW_DATABASE_SSLMODE`, `_SSLROOTCERT`, `_SSLCERT`,
`_SSLKEY`), connects and migrates when the settings are right and is refused when they are not."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from infrastructure.db import Database, migrate_async
from infrastructure.settings import Environment, Settings
from tests.platform.pki import Issued, TestCA
from tests.support import free_port

pytestmark = [pytest.mark.timeout(120)]


@dataclass(frozen=True)
class TLSDatabase:
    port: int
    ca: Path
    foreign_ca: Path
    app_client: Issued


def _postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        pytest.fail("PostgreSQL server binaries are missing (Debian postgresql)")
    return found[-1].parent


def _as_postgres(args: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the `postgres` account there."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@pytest.fixture(scope="module")
def tls_database() -> Iterator[TLSDatabase]:
    # Not under pytest's temporary folder: that is private to root, and the server runs as postgres.
    with tempfile.TemporaryDirectory(prefix="labourflow-pg-tls-") as name:
        yield from _serve(Path(name))


def _serve(folder: Path) -> Iterator[TLSDatabase]:
    binaries, port = _postgres_bin(), free_port()
    ca, foreign = TestCA(folder, "province"), TestCA(folder, "foreign")
    server = ca.issue("db", dns=("localhost",))
    app_client = ca.issue("labourflow_app", server=False)  # certificate login: the CN is the role
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        for path in (server.cert, server.key, ca.pem):
            shutil.chown(path, "postgres")
    subprocess.run(_as_postgres([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync"]),
                   check=True, capture_output=True)
    with (data / "postgresql.conf").open("a") as conf:
        conf.write(f"listen_addresses = 'localhost'\nport = {port}\nunix_socket_directories = '{folder}'\nfsync = off\n"
                   f"ssl = on\nssl_cert_file = '{server.cert}'\nssl_key_file = '{server.key}'\nssl_ca_file = '{ca.pem}'\n")
    (data / "pg_hba.conf").write_text(
        "local all all trust\n"
        "hostssl all labourflow_app 127.0.0.1/32 cert\nhostssl all labourflow_app ::1/128 cert\n"
        "hostssl all all 127.0.0.1/32 trust\nhostssl all all ::1/128 trust\n"
        "hostnossl all all 0.0.0.0/0 reject\nhostnossl all all ::/0 reject\n"
    )
    pg_ctl = _as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w"])
    subprocess.run([*pg_ctl, "start"], check=True, capture_output=True)
    try:
        subprocess.run(_as_postgres(["psql", "-h", str(folder), "-p", str(port), "-U", "postgres", "-q",
                                     "-c", "CREATE ROLE labourflow_app LOGIN", "-c", "CREATE DATABASE app OWNER labourflow_app"]),
                       check=True, capture_output=True)
        yield TLSDatabase(port, ca.pem, foreign.pem, app_client)
    finally:
        subprocess.run([*pg_ctl, "stop", "-m", "immediate"], capture_output=True)


def _settings(db: TLSDatabase, host: str, user: str = "postgres", **tls: object) -> Settings:
    return Settings(env=Environment.test, database_url=f"postgresql://{user}@{host}:{db.port}/app", **tls)  # type: ignore[arg-type]


async def _ping(settings: Settings) -> None:
    """Both ways the application connects: `Database.write`'s psycopg writer, then the async engine."""
    from sqlalchemy import text

    database = Database(settings.resolved_database_url)
    try:
        on_tls = await database.write(
            lambda session: session.connection().execute(text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).scalar())
        assert on_tls is True, "the writer's connection is encrypted"
        await database.ping()
    finally:
        await database.dispose()


async def test_verified_connection_migrates(tls_database: TLSDatabase) -> None:
    settings = _settings(tls_database, "localhost", database_sslmode="verify-full", database_sslrootcert=tls_database.ca)
    assert "sslmode=verify-full" in settings.resolved_database_url
    await migrate_async(settings.resolved_database_url)
    database = Database(settings.resolved_database_url)
    try:
        from sqlalchemy import text

        async with database.engine.connect() as conn:
            assert (await conn.execute(text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))).scalar() is True
            assert (await conn.execute(text("SELECT count(*) FROM alembic_version"))).scalar() == 1
    finally:
        await database.dispose()


@pytest.mark.parametrize(("host", "tls"), [
    ("127.0.0.1", {"database_sslmode": "require"}),
    ("127.0.0.1", {"database_sslmode": "verify-ca", "database_sslrootcert": "CA"}),
    ("localhost", {"database_sslrootcert": "CA"}),  # a root certificate alone means verify-full
])
async def test_accepted(tls_database: TLSDatabase, host: str, tls: dict[str, str]) -> None:
    await _ping(_settings(tls_database, host, **{k: tls_database.ca if v == "CA" else v for k, v in tls.items()}))


@pytest.mark.parametrize(("host", "tls", "why"), [
    ("127.0.0.1", {"database_sslmode": "disable"}, "no encryption"),
    ("127.0.0.1", {"database_sslmode": "verify-full", "database_sslrootcert": "CA"}, "127.0.0.1"),
    ("localhost", {"database_sslmode": "verify-ca", "database_sslrootcert": "FOREIGN"}, "certificate verify failed"),
])
async def test_refused(tls_database: TLSDatabase, host: str, tls: dict[str, str], why: str) -> None:
    files = {"CA": tls_database.ca, "FOREIGN": tls_database.foreign_ca}
    with pytest.raises(Exception, match=why):
        await _ping(_settings(tls_database, host, **{k: files.get(v, v) for k, v in tls.items()}))


async def test_client_certificate_login(tls_database: TLSDatabase) -> None:
    common = {"database_sslmode": "verify-full", "database_sslrootcert": tls_database.ca}
    with pytest.raises(Exception, match="certificate"):
        await _ping(_settings(tls_database, "localhost", user="labourflow_app", **common))
    await _ping(_settings(tls_database, "localhost", user="labourflow_app", database_sslcert=tls_database.app_client.cert,
                          database_sslkey=tls_database.app_client.key, **common))
