"""Notebook tools move data unchanged: the AWS CLI's `s3` and `s3api` commands, and the
SageMaker SDK's upload/download helpers."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest

MIB = 1 << 20


def _name() -> str:
    return f"tools-{uuid.uuid4().hex[:12]}"


def test_cli_cp_sync_mv_rm(cli: Any, tmp_path: Path, client: Any) -> None:
    bucket = _name()
    cli("s3", "mb", f"s3://{bucket}")
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    big = os.urandom(12 * MIB)  # above the CLI's 8 MiB multipart threshold
    (src / "big.bin").write_bytes(big)
    (src / "sub" / "small file.txt").write_text("hello")
    cli("s3", "sync", str(src), f"s3://{bucket}/data")
    keys = [c["Key"] for c in client("s3").list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == ["data/big.bin", "data/sub/small file.txt"]
    again = cli("s3", "sync", str(src), f"s3://{bucket}/data").stdout
    assert again.strip() == ""  # nothing changed: sizes and times match
    back = tmp_path / "back"
    cli("s3", "sync", f"s3://{bucket}/data", str(back))
    assert (back / "big.bin").read_bytes() == big
    assert (back / "sub" / "small file.txt").read_text() == "hello"
    cli("s3", "mv", f"s3://{bucket}/data/sub/small file.txt", f"s3://{bucket}/moved.txt")
    keys = [c["Key"] for c in client("s3").list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == ["data/big.bin", "moved.txt"]
    cli("s3", "rm", "--recursive", f"s3://{bucket}/")
    cli("s3", "rb", f"s3://{bucket}")
    assert bucket not in [b["Name"] for b in client("s3").list_buckets()["Buckets"]]


def test_cli_s3api_multipart(cli: Any, client: Any, tmp_path: Path) -> None:
    bucket = _name()
    client("s3").create_bucket(Bucket=bucket)
    created = json.loads(
        cli("s3api", "create-multipart-upload", "--bucket", bucket, "--key", "k").stdout
    )
    part = tmp_path / "part"
    part.write_bytes(b"abc")
    sent = json.loads(
        cli(
            "s3api",
            "upload-part",
            "--bucket",
            bucket,
            "--key",
            "k",
            "--part-number",
            "1",
            "--upload-id",
            created["UploadId"],
            "--body",
            str(part),
        ).stdout
    )
    layout = {"Parts": [{"PartNumber": 1, "ETag": sent["ETag"]}]}
    cli(
        "s3api",
        "complete-multipart-upload",
        "--bucket",
        bucket,
        "--key",
        "k",
        "--upload-id",
        created["UploadId"],
        "--multipart-upload",
        json.dumps(layout),
    )
    assert client("s3").get_object(Bucket=bucket, Key="k")["Body"].read() == b"abc"


@pytest.fixture
def sdk_session(server: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    session_module = pytest.importorskip("sagemaker.session")
    monkeypatch.setenv("AWS_ENDPOINT_URL", server.endpoint_url)
    boto = boto3.Session(
        aws_access_key_id=server.access_key_id,
        aws_secret_access_key=server.secret_access_key,
        region_name=server.region,
    )
    return session_module.Session(boto_session=boto, default_bucket="sdk-default-unused")


def test_sdk_upload_and_download(sdk_session: Any, client: Any, tmp_path: Path) -> None:
    s3_helpers = pytest.importorskip("sagemaker.s3")
    bucket = _name()
    client("s3").create_bucket(Bucket=bucket)
    data = tmp_path / "train"
    data.mkdir()
    (data / "a.csv").write_text("1,2\n")
    (data / "b.csv").write_text("3,4\n")
    uri = sdk_session.upload_data(str(data), bucket=bucket, key_prefix="input/train")
    assert uri == f"s3://{bucket}/input/train"
    listed = s3_helpers.S3Downloader.list(uri, sagemaker_session=sdk_session)
    assert sorted(listed) == [f"{uri}/a.csv", f"{uri}/b.csv"]
    single = s3_helpers.S3Uploader.upload(
        str(data / "a.csv"), f"s3://{bucket}/one", sagemaker_session=sdk_session
    )
    assert single == f"s3://{bucket}/one/a.csv"
    s3_helpers.S3Uploader.upload_string_as_file_body(
        "text body", f"s3://{bucket}/notes.txt", sagemaker_session=sdk_session
    )
    assert (
        s3_helpers.S3Downloader.read_file(f"s3://{bucket}/notes.txt", sagemaker_session=sdk_session)
        == "text body"
    )
    out = tmp_path / "out"
    s3_helpers.S3Downloader.download(uri, str(out), sagemaker_session=sdk_session)
    assert sorted(p.name for p in out.iterdir()) == ["a.csv", "b.csv"]
    assert (out / "b.csv").read_text() == "3,4\n"
