"""MetadataStore against each backend (see conftest.db_url)."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from sagelab.store import tables
from sagelab.store.metadata import MetadataStore, alembic_config, make_engine

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(db_url: str) -> Iterator[MetadataStore]:
    opened = MetadataStore.open(db_url)
    yield opened
    opened.close()


def _group(name: str, retention: int | None = None) -> dict[str, object]:
    return {
        "account_id": "000000000000",
        "region": "us-east-1",
        "name": name,
        "created_at": 1.5,
        "retention_days": retention,
        "tags": {"k": "v"},
    }


def _group_names(store: MetadataStore) -> set[str]:
    with store.connect() as conn:
        return set(conn.scalars(sa.select(tables.log_groups.c.name)))


def _heads() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def _in_threads(count: int, work: Callable[[int], None]) -> None:
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            work(i)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_migrating_to_head_creates_exactly_the_tables_module(store: MetadataStore) -> None:
    with store.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), tables.metadata) == []
        names = set(sa.inspect(conn).get_table_names())
    assert names == set(tables.metadata.tables) | {"alembic_version"}


def test_reopening_keeps_rows_and_version(db_url: str) -> None:
    first = MetadataStore.open(db_url)
    with first.begin() as conn:
        conn.execute(tables.log_groups.insert(), _group("kept"))
    first.close()
    again = MetadataStore.open(db_url)
    with again.connect() as conn:
        versions = set(conn.scalars(sa.text("SELECT version_num FROM alembic_version")))
    assert versions == _heads()
    assert _group_names(again) == {"kept"}
    assert again.engine.dialect.name in ("sqlite", "postgresql")
    again.close()


def test_concurrent_openers_migrate_once(db_url: str) -> None:
    stores: list[MetadataStore] = []
    _in_threads(4, lambda _: stores.append(MetadataStore.open(db_url)))
    with stores[0].connect() as conn:
        # one row per migration branch head: nothing applied twice
        assert conn.scalar(sa.text("SELECT count(*) FROM alembic_version")) == len(_heads())
    for opened in stores:
        opened.close()


def test_a_transaction_rolls_back_on_exception(store: MetadataStore) -> None:
    with pytest.raises(RuntimeError), store.begin() as conn:
        conn.execute(tables.log_groups.insert(), _group("lost"))
        raise RuntimeError("boom")
    with store.begin() as conn:
        conn.execute(tables.log_groups.insert(), _group("saved"))
    assert _group_names(store) == {"saved"}


def test_concurrent_read_modify_writes_are_serialised(store: MetadataStore) -> None:
    groups = tables.log_groups
    with store.begin() as conn:
        conn.execute(groups.insert(), _group("counter", retention=0))

    is_counter = groups.c.name == "counter"

    def increment(i: int) -> None:
        for j in range(10):
            with store.begin() as conn:
                value = conn.scalar(sa.select(groups.c.retention_days).where(is_counter))
                conn.execute(groups.update().where(is_counter).values(retention_days=value + 1))
                conn.execute(groups.insert(), _group(f"g{i}-{j}"))

    _in_threads(8, increment)
    with store.connect() as conn:
        assert conn.scalar(sa.select(groups.c.retention_days).where(is_counter)) == 80
    assert len(_group_names(store)) == 81


def test_reset_deletes_every_row_and_keeps_the_schema(store: MetadataStore) -> None:
    with store.begin() as conn:
        conn.execute(tables.log_groups.insert(), _group("g"))
        conn.execute(
            tables.accounts.insert(),
            {"account_id": "000000000000", "created_at": 1.0, "settings": {}},
        )
    store.reset()
    with store.connect() as conn:
        for table in tables.metadata.sorted_tables:
            assert conn.scalar(sa.select(sa.func.count()).select_from(table)) == 0
        versions = set(conn.scalars(sa.text("SELECT version_num FROM alembic_version")))
    assert versions == _heads()
    with store.begin() as conn:
        conn.execute(tables.log_groups.insert(), _group("after"))
    assert _group_names(store) == {"after"}


def test_sqlite_is_durable_and_checks_foreign_keys(tmp_path: Path) -> None:
    store = MetadataStore.open(f"sqlite:///{tmp_path / 'nested' / 'meta.db'}")
    with store.connect() as conn:
        names = ("journal_mode", "synchronous", "foreign_keys")
        pragmas = [conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in names]
    assert pragmas == ["wal", 2, 1]  # synchronous 2 = FULL
    store.close()


def test_a_commit_survives_kill_9(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'meta.db'}"
    script = f"""
import os, signal, sqlalchemy as sa
from sagelab.store.metadata import MetadataStore
from sagelab.store import tables
store = MetadataStore.open({url!r})
with store.begin() as conn:
    conn.execute(tables.log_groups.insert(), {_group("acked")!r})
os.kill(os.getpid(), signal.SIGKILL)
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True)
    assert done.returncode == -9, done.stderr
    store = MetadataStore.open(url)
    assert _group_names(store) == {"acked"}
    store.close()


def test_postgresql_urls_use_psycopg_3() -> None:
    engine = make_engine("postgresql://u:p@127.0.0.1:1/db")
    assert engine.dialect.driver == "psycopg"


def test_an_in_memory_sqlite_store_is_refused() -> None:
    with pytest.raises(ValueError, match="needs a file"):
        make_engine("sqlite://")
