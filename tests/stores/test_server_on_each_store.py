"""The same server code on SQLite and on PostgreSQL, chosen by URL: a short story, a restart."""

from __future__ import annotations

from pathlib import Path

from sagelab.testing import SagelabServer


def test_a_story_survives_restart_on_each_metadata_store(db_url: str, tmp_path: Path) -> None:
    srv = SagelabServer(tmp_path / "data", extra_args=["--metadata", db_url])
    srv.start()
    try:
        s3, iam = srv.client("s3"), srv.client("iam")
        s3.create_bucket(Bucket="on-each-store")
        s3.put_object(Bucket="on-each-store", Key="a/b.txt", Body=b"hello")
        iam.create_user(UserName="student", Path="/class/")
        srv.stop()
        srv.start()
        s3, iam = srv.client("s3"), srv.client("iam")
        assert s3.get_object(Bucket="on-each-store", Key="a/b.txt")["Body"].read() == b"hello"
        assert iam.get_user(UserName="student")["User"]["Path"] == "/class/"
    finally:
        srv.stop()
