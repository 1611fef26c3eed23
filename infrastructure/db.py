"""The application database: SQLite by default, PostgreSQL in production (async SQLAlchemy).

The schema comes only from Alembic migrations (`infrastructure/migrations`), applied at start.
"""

from __future__ import annotations

import asyncio
import contextvars
import ssl
import time
from collections.abc import AsyncIterator, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel import Session
from sqlmodel.ext.asyncio.session import AsyncSession

from infrastructure.settings import Settings
from infrastructure.timing import phase

T = TypeVar("T")
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def async_url(url: str) -> str:
    """Map the URL a user writes (sqlite:///x.db, postgresql://...) to our async drivers."""
    parsed = make_url(url)
    driver = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg"}
    backend = parsed.get_backend_name()
    if backend not in driver:
        raise ValueError(
            f"LABOURFLOW_DATABASE_URL: unsupported database '{backend}'; use sqlite:///path or postgresql://..."
        )
    return parsed.set(drivername=driver[backend]).render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> AsyncEngine:
    """An async engine; SQLite gets WAL and a busy timeout so API and worker can share the file."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # A pool as large as PostgreSQL's: each aiosqlite connection is a thread, and with the default
        # (5, overflow 10) a burst of intake requests opened and closed overflow connections (a thread
        # start and the pragmas each) and waited for the pool.
        engine = create_async_engine(async_url(url), pool_size=10, max_overflow=20, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    plain, tls = split_ssl_parameters(url)
    connect_args = {} if tls is None else {"ssl": tls}
    return create_async_engine(async_url(plain), pool_size=10, max_overflow=20, pool_pre_ping=True, connect_args=connect_args)


WRITER_BUSY_TIMEOUT = 30.0  # s: how long `Database.write` waits for another process's write on SQLite
WRITER_BUSY_POLL = 0.001  # s between its tries


def make_writer_engine(url: str) -> Engine:
    """The synchronous engine of `Database.write` on a SQLite file: one connection, used by the
    writer thread only, with the same pragmas. Its transactions take SQLite's write lock first
    (`BEGIN IMMEDIATE`) and, while another process (a worker's projection) holds it, try again
    every millisecond: SQLite's own busy handler sleeps in growing steps of up to 100 ms, so a
    request waited 78 ms for a 60 ms transaction of a worker running at a lower priority."""
    engine = create_engine(make_url(url).set(drivername="sqlite+pysqlite"), pool_size=1, max_overflow=0,
                           connect_args={"timeout": 30, "check_same_thread": False, "isolation_level": None})

    def pragmas(dbapi_connection: Any, record: Any) -> None:
        _sqlite_pragmas(dbapi_connection, record)
        dbapi_connection.execute("PRAGMA busy_timeout=0")  # `_begin_immediate` waits instead

    event.listen(engine, "connect", pragmas)
    event.listen(engine, "begin", _begin_immediate)
    return engine


PG_WRITERS = 8  # threads, and at most as many connections, of `Database.write` on PostgreSQL


def make_pg_writer_engine(url: str) -> Engine:
    """The synchronous engine of `Database.write` on PostgreSQL (psycopg): each transaction runs at
    once in a writer thread, so the locks it takes (the year's case counter, for gap-free numbers)
    are held for its round trips only, not across the event loop's turns. libpq reads the URL's TLS
    parameters itself, read as the async engine reads them (`postgres_ssl`): certificate files
    without a mode mean verify-full, and verify-ca/verify-full without a root certificate use the
    system's CAs."""
    parsed = make_url(url)
    query = parsed.query
    if "sslmode" not in query and ("sslrootcert" in query or "sslcert" in query):
        parsed = parsed.update_query_dict({"sslmode": "verify-full"})  # as `postgres_ssl` reads them
    if parsed.query.get("sslmode") in ("verify-ca", "verify-full") and "sslrootcert" not in parsed.query:
        parsed = parsed.update_query_dict({"sslrootcert": "system"})
    return create_engine(parsed.set(drivername="postgresql+psycopg"), pool_size=PG_WRITERS, max_overflow=0,
                         pool_pre_ping=True)


def _begin_immediate(conn: Connection) -> None:
    deadline = time.monotonic() + WRITER_BUSY_TIMEOUT
    with phase("write-busy"):
        while True:
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as exc:
                if "locked" not in str(exc.orig) or time.monotonic() > deadline:
                    raise
            time.sleep(WRITER_BUSY_POLL)


LIBPQ_SSL_PARAMETERS = ("sslmode", "sslrootcert", "sslcert", "sslkey")


def split_ssl_parameters(url: str) -> tuple[str, ssl.SSLContext | str | bool | None]:
    """The URL without libpq's TLS parameters, and asyncpg's `ssl` argument built from them.

    asyncpg reads these parameters only from a DSN it parses itself; through SQLAlchemy they would
    arrive as unknown keyword arguments, so they become one `ssl` argument here."""
    parsed = make_url(url)
    params = {name: str(parsed.query[name]) for name in LIBPQ_SSL_PARAMETERS if name in parsed.query}
    if not params:
        return url, None
    plain = parsed.difference_update_query(LIBPQ_SSL_PARAMETERS).render_as_string(hide_password=False)
    return plain, postgres_ssl(params)


def postgres_ssl(params: Mapping[str, str]) -> ssl.SSLContext | str | bool:
    """asyncpg's `ssl` argument for libpq's sslmode, sslrootcert, sslcert and sslkey.

    As in libpq: `require` checks the chain only when a root certificate is given, `verify-ca` checks
    the chain, `verify-full` the chain and the host name. Unlike libpq, verify-ca/verify-full without
    `sslrootcert` use the system's CAs (not ~/.postgresql/root.crt), and certificate files without a
    mode mean `verify-full`: asking for a CA and not checking it would be a silent downgrade."""
    root, cert, key = params.get("sslrootcert"), params.get("sslcert"), params.get("sslkey")
    mode = params.get("sslmode") or ("verify-full" if root or cert else "prefer")
    if mode == "disable":
        return False
    if mode in ("allow", "prefer") and not cert:
        return mode  # opportunistic TLS without verification, as libpq does; asyncpg implements it
    if mode not in ("allow", "prefer", "require", "verify-ca", "verify-full"):
        raise ValueError(f"LABOURFLOW_DATABASE_SSLMODE / sslmode: unknown mode '{mode}'")
    context = ssl.create_default_context(cafile=root) if root else ssl.create_default_context()
    verify = mode in ("verify-ca", "verify-full") or (mode == "require" and bool(root))
    context.check_hostname = mode == "verify-full"
    if not verify:
        context.verify_mode = ssl.CERT_NONE
    if cert:
        context.load_cert_chain(cert, key or None)
    return context


class Database:
    """Engine plus session factory for one process."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)
        # SQLite has one writer at a time per file. Concurrent writers of one process would each
        # wait in SQLite's busy handler, which sleeps in growing steps (up to 100 ms) and retries:
        # under a burst that wasted most of the time (intake p99 over a second). Queueing them here
        # hands the lock over without sleeping. PostgreSQL needs no such queue.
        self._write_lock = asyncio.Lock() if is_sqlite(url) else None
        # `write`: on a SQLite file, whole transactions in one thread of their own (see there).
        self.writer_engine: Engine | None = None
        self._writer: ThreadPoolExecutor | None = None
        if self._write_lock is not None and make_url(url).database not in (None, "", ":memory:"):
            self.writer_engine = make_writer_engine(url)
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")
        elif self._write_lock is None:  # PostgreSQL: connections are opened when first written through
            self.writer_engine = make_pg_writer_engine(url)
            self._writer = ThreadPoolExecutor(max_workers=PG_WRITERS, thread_name_prefix="pg-writer")

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session:
            yield session

    @asynccontextmanager
    async def write_session(self) -> AsyncIterator[AsyncSession]:
        """A session for a short transaction that writes: on SQLite, one at a time per process."""
        if self._write_lock is None:
            async with self._sessions() as session:
                yield session
            return
        with phase("write-queue"):
            await self._write_lock.acquire()
        try:
            async with self._sessions() as session:
                yield session
        finally:
            self._write_lock.release()

    async def write(self, work: Callable[[Session], T]) -> T:
        """Run `work` (a short transaction that writes and commits, on a synchronous session) and
        return what it returns.

        On a SQLite file the whole transaction runs at once in this process's writer thread, in its
        turn among the process's writers (`write_session` too). A `write_session` transaction goes
        back to the event loop after each statement and, under a burst, waits there behind every
        other request while it holds SQLite's only write lock: at 50 intakes at once the turn
        took 12 ms and the queue for it most of a request's time (README, "Performance"). On
        PostgreSQL (no such lock) it runs in one of `PG_WRITERS` writer threads, at once: on the
        async session the registration held the case counter's row lock across event-loop turns,
        and at 50 intakes at once registrations queued there (284 ms p50). SQLite in memory (tests):
        on the async session (`run_sync`)."""
        if self._writer is None or self.writer_engine is None:
            async with self._sessions() as session:
                return await session.run_sync(cast(Any, work))  # its sync session is sqlmodel's Session
        engine, context = self.writer_engine, contextvars.copy_context()

        def run() -> T:
            with phase("write"), Session(engine, expire_on_commit=False) as session:
                return work(session)

        if self._write_lock is None:
            return await asyncio.get_running_loop().run_in_executor(self._writer, context.run, run)
        with phase("write-queue"):
            await self._write_lock.acquire()
        try:
            return await asyncio.get_running_loop().run_in_executor(self._writer, context.run, run)
        finally:
            self._write_lock.release()

    async def ping(self) -> None:
        """Raise if the database does not answer."""
        from sqlalchemy import text

        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._writer is not None and self.writer_engine is not None:
            await asyncio.get_running_loop().run_in_executor(self._writer, self.writer_engine.dispose)
            self._writer.shutdown(wait=False)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url)
    config.attributes["configure_logger"] = False
    return config


def migrate(url: str, revision: str = "head") -> None:
    """Apply Alembic migrations up to `revision` (blocking; call outside a running event loop)."""
    command.upgrade(alembic_config(url), revision)


async def migrate_async(url: str, revision: str = "head") -> None:
    """Apply migrations from async code, in a worker thread so Alembic can run its own loop."""
    await asyncio.to_thread(migrate, url, revision)


def database_for(settings: Settings) -> Database:
    return Database(settings.resolved_database_url)
