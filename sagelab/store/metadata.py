"""The metadata store: one SQLAlchemy engine (SQLite or PostgreSQL), migrated to head on open.

SQLite runs in WAL mode with synchronous=FULL so an acknowledged commit survives kill -9.
Write transactions are serialised on both dialects (SQLite: BEGIN IMMEDIATE; PostgreSQL: a
transaction-scoped advisory lock): a read-modify-write inside `begin()` needs no retry loop,
and code tested on SQLite behaves the same on PostgreSQL. Reads never wait for writers.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Hashable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import make_url

from sagelab.store.tables import metadata

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# Any constant works: PostgreSQL advisory locks are keyed by an integer the callers agree on.
_PG_WRITE_LOCK = sa.text("SELECT pg_advisory_xact_lock(1516116656)")
_BEGIN_OPTION = "sagelab_sqlite_begin"
_BUSY_TIMEOUT_MS = 30_000
# Enough to cover every in-flight request of a busy server; bigger batches only add latency.
_MAX_BATCH = 64

T = TypeVar("T")
# Makes named things (blob ids) durable; requests sharing one have their names merged.
Sync = Callable[[list[str]], None]


def make_engine(url: str) -> sa.Engine:
    """An engine for `url`, tuned for many threads; `postgresql://` means psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    return sa.create_engine(parsed, pool_size=8, max_overflow=32, pool_pre_ping=True)


def _sqlite_engine(url: sa.URL) -> sa.Engine:
    if not url.database or url.database == ":memory:":
        raise ValueError("the SQLite metadata store needs a file: sqlite:///path/to/meta.db")
    Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url,
        pool_size=8,
        max_overflow=32,
        connect_args={"check_same_thread": False, "timeout": _BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    # Hand transaction control to SQLAlchemy (see _sqlite_on_begin) instead of pysqlite.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    for pragma in (
        f"busy_timeout={_BUSY_TIMEOUT_MS}",
        "journal_mode=WAL",
        "synchronous=FULL",
        "foreign_keys=ON",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_on_begin(conn: sa.Connection) -> None:
    mode = conn.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """Alembic's configuration, built in code: no alembic.ini is needed at run time."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Module names must not start with a digit, or mypy refuses the versions folder.
    config.set_main_option("file_template", "v%%(rev)s_%%(slug)s")
    config.attributes["connection"] = connection
    return config


@contextmanager
def _write_transaction(engine: sa.Engine) -> Iterator[sa.Connection]:
    with engine.connect() as conn:
        conn.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.execute(_PG_WRITE_LOCK)
            yield conn


def upgrade_to_head(engine: sa.Engine) -> None:
    """Migrate to head inside a write transaction, so concurrent openers run it once."""
    with _write_transaction(engine) as conn:
        command.upgrade(alembic_config(conn), "heads")


class MetadataStore:
    """Transactions over the tables in `sagelab.store.tables`."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._committer: GroupCommitter | None = None
        self._committer_lock = threading.Lock()

    @classmethod
    def open(cls, url: str) -> MetadataStore:
        engine = make_engine(url)
        upgrade_to_head(engine)
        return cls(engine)

    @contextmanager
    def begin(self) -> Iterator[sa.Connection]:
        """One write transaction: committed on exit, rolled back on an exception."""
        with _write_transaction(self.engine) as conn:
            yield conn

    @contextmanager
    def connect(self) -> Iterator[sa.Connection]:
        """A connection for reads; whatever it leaves uncommitted is rolled back."""
        with self.engine.connect() as conn:
            yield conn

    def group_commit(
        self,
        work: Callable[[sa.Connection], T],
        sync: Sync | None = None,
        names: Sequence[str] = (),
    ) -> T:
        """Run `work` in a write transaction shared with other concurrent callers, after
        `sync(names)` made what its rows will name durable; returns once that commit is.

        One failing `work` rolls back only its own savepoint and raises in its own caller.
        """
        with self._committer_lock:
            if self._committer is None:
                self._committer = GroupCommitter(self)
        return self._committer.submit(work, sync, names)

    def reset(self) -> None:
        """Delete every row of every table (the schema and its version stay)."""
        with self.begin() as conn:
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())

    def close(self) -> None:
        with self._committer_lock:
            if self._committer is not None:
                self._committer.stop()
                self._committer = None
        self.engine.dispose()


@dataclass
class _Request:
    work: Callable[[sa.Connection], Any]
    sync: Sync | None
    names: list[str]
    done: Future[Any] = field(default_factory=Future)


class GroupCommitter:
    """One thread that commits whatever writes queued while it committed the last batch.

    Concurrent small writes then share the fsyncs of SQLite's commit and of their blobs'
    directories instead of paying them one by one, and take the write lock once per batch.
    Nobody waits on a timer: an idle server commits a lone request at once.
    """

    def __init__(self, meta: MetadataStore) -> None:
        self._meta = meta
        self._queue: queue.SimpleQueue[_Request | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="group-commit", daemon=True)
        self._thread.start()

    def submit(
        self, work: Callable[[sa.Connection], T], sync: Sync | None, names: Sequence[str]
    ) -> T:
        request = _Request(work, sync, list(names))
        self._queue.put(request)
        return cast(T, request.done.result())

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        while (first := self._queue.get()) is not None:
            batch = [first]
            while len(batch) < _MAX_BATCH and not self._queue.empty():
                request = self._queue.get()
                if request is None:
                    self._commit(batch)
                    return
                batch.append(request)
            self._commit(batch)

    def _commit(self, batch: list[_Request]) -> None:
        results: list[tuple[_Request, Any, BaseException | None]] = []
        try:
            _sync_all(batch)
            with self._meta.begin() as conn:
                results = [(request, *_attempt(conn, request)) for request in batch]
        except BaseException as exc:  # every waiter must hear of it
            for request in batch:
                request.done.set_exception(exc)
            return
        for request, value, error in results:
            if error is None:
                request.done.set_result(value)
            else:
                request.done.set_exception(error)


def _sync_all(batch: list[_Request]) -> None:
    by_sync: dict[Hashable, tuple[Sync, list[str]]] = {}
    for request in batch:
        if request.sync is not None:
            by_sync.setdefault(request.sync, (request.sync, []))[1].extend(request.names)
    for sync, names in by_sync.values():
        sync(names)


def _attempt(conn: sa.Connection, request: _Request) -> tuple[Any, BaseException | None]:
    savepoint = conn.begin_nested()
    try:
        value = request.work(conn)
    except Exception as exc:  # raised again in its own thread
        savepoint.rollback()
        return None, exc
    savepoint.commit()
    return value, None
