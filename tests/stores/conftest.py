"""Store tests run against every metadata backend: SQLite always, PostgreSQL from
SAGELAB_TEST_POSTGRES_URL or a throwaway local cluster when initdb/pg_ctl are installed."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import psycopg
import pytest
from sqlalchemy.engine import make_url


def _pg_bindir() -> Path | None:
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _runuser(path: str) -> list[str]:
    owner = pwd.getpwuid(os.stat(path).st_uid).pw_name
    return ["runuser", "-u", owner, "--"] if os.geteuid() == 0 and owner != "root" else []


def _reap_stale_clusters(bindir: Path) -> None:
    """A test run killed before its teardown leaves its server running: stop those."""
    for owner in glob.glob(os.path.join(tempfile.gettempdir(), "sagelab-pg-*", "owner.pid")):
        workdir = os.path.dirname(owner)
        if _pid_alive(int(Path(owner).read_text())):
            continue
        stop = [str(bindir / "pg_ctl"), "-D", os.path.join(workdir, "data"), "-m", "immediate"]
        subprocess.run([*_runuser(workdir), *stop, "stop"], capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)


def _as_unprivileged(workdir: str) -> list[str]:
    """initdb refuses to run as root: run the cluster as `postgres` (else `nobody`)."""
    if os.geteuid() != 0:
        return []
    for user in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(user)
            os.chown(workdir, entry.pw_uid, entry.pw_gid)
            return ["runuser", "-u", user, "--"]
    raise RuntimeError("running as root with neither a postgres nor a nobody user")


@contextlib.contextmanager
def _throwaway_cluster(bindir: Path) -> Iterator[str]:
    _reap_stale_clusters(bindir)
    workdir = tempfile.mkdtemp(prefix="sagelab-pg-")
    Path(workdir, "owner.pid").write_text(str(os.getpid()))
    data = os.path.join(workdir, "data")
    port = _free_port()
    try:
        prefix = _as_unprivileged(workdir)
        run = [*prefix, str(bindir / "initdb"), "-D", data, "-U", "postgres", "--auth=trust"]
        subprocess.run([*run, "--no-sync", "-E", "UTF8"], check=True, capture_output=True)
        options = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
        pg_ctl = [*prefix, str(bindir / "pg_ctl"), "-D", data]
        log = os.path.join(workdir, "log")
        subprocess.run([*pg_ctl, "-l", log, "-w", "-o", options, "start"], check=True)
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run([*pg_ctl, "-m", "immediate", "stop"], capture_output=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server's URL (its maintenance database); skips when there is none."""
    url = os.environ.get("SAGELAB_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    bindir = _pg_bindir()
    if bindir is None:
        _unavailable("no PostgreSQL: set SAGELAB_TEST_POSTGRES_URL or install initdb/pg_ctl")
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(_throwaway_cluster(bindir))
        except (subprocess.CalledProcessError, RuntimeError) as exc:
            _unavailable(f"could not start a throwaway PostgreSQL: {exc}")
        yield url


def _unavailable(why: str) -> NoReturn:
    # CI installs PostgreSQL (.ci/run): there, its absence is a failure, not a skip.
    if os.environ.get("CI"):
        pytest.fail(why)
    pytest.skip(why)


@contextlib.contextmanager
def _fresh_database(server_url: str) -> Iterator[str]:
    name = f"sagelab_test_{uuid.uuid4().hex[:12]}"
    admin = make_url(server_url).set(drivername="postgresql")
    dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database, once per backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'meta.db'}"
        return
    with _fresh_database(request.getfixturevalue("postgres_server")) as url:
        yield url
