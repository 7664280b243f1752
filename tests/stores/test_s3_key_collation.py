"""S3 lists keys (and buckets) in the byte order of their UTF-8 form, and a prefix selects
exactly the keys that start with it, on a PostgreSQL database whose default collation is a
natural-language one (`en-US`: case and punctuation ignored at first), as most are."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from sagelab.testing import SagelabServer

KEYS = ["a", "A", "B", "b", "a-b", "a.b", "ab", "aB", "_x", "é", "z", "a/b", "a/B", "Z/1"]


@pytest.fixture
def en_us_database(postgres_server: str) -> Iterator[str]:
    name = f"sagelab_test_{uuid.uuid4().hex[:12]}"
    admin = make_url(postgres_server).set(drivername="postgresql")
    dsn = admin.render_as_string(hide_password=False)
    create = (
        f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
        "LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
    )
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(create)
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_keys_list_in_byte_order_on_postgresql(en_us_database: str, tmp_path: Path) -> None:
    srv = SagelabServer(tmp_path / "data", extra_args=["--metadata", en_us_database])
    srv.start()
    try:
        s3 = srv.client("s3")
        for bucket in ("order-b", "order-a", "order-a-1", "order-a.1"):
            s3.create_bucket(Bucket=bucket)
        names = [b["Name"] for b in s3.list_buckets(Prefix="order-")["Buckets"]]
        assert names == sorted(names, key=lambda n: n.encode())
        for key in KEYS:
            s3.put_object(Bucket="order-a", Key=key, Body=b"x")
        listed = [o["Key"] for o in s3.list_objects_v2(Bucket="order-a")["Contents"]]
        assert listed == sorted(KEYS, key=lambda k: k.encode())
        paged = [
            o["Key"]
            for page in s3.get_paginator("list_objects_v2").paginate(
                Bucket="order-a", PaginationConfig={"PageSize": 3}
            )
            for o in page["Contents"]
        ]
        assert paged == listed
        under_a = s3.list_objects_v2(Bucket="order-a", Prefix="a")["Contents"]
        assert [o["Key"] for o in under_a] == [k for k in listed if k.startswith("a")]
        grouped = s3.list_objects_v2(Bucket="order-a", Prefix="a/", Delimiter="/")
        assert [o["Key"] for o in grouped["Contents"]] == ["a/B", "a/b"]
    finally:
        srv.stop()
