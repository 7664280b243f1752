"""A bucket made public by its policy, as a teacher shares a dataset: Block Public Access
refuses the public policy until it is lifted; then anyone reads what the policy grants, with
unsigned boto3, `aws s3 cp --no-sign-request` or a plain HTTP GET, and nothing more."""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from sagelab.testing import SagelabServer

OPEN = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": False,
    "RestrictPublicBuckets": False,
}


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _read_all(bucket: str, **extra: Any) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": "*",
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        **extra,
    }


@pytest.fixture
def bucket(client: Any) -> str:
    name = f"public-{uuid.uuid4().hex[:12]}"
    s3 = client("s3")
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="data/iris.csv", Body=b"sepal,petal\n5.1,1.4\n")
    s3.put_object(Bucket=name, Key="private/answers.csv", Body=b"secret")
    return name


@pytest.fixture
def anonymous(server: SagelabServer) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=server.endpoint_url,
        region_name="us-east-1",
        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
    )


def _code(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    error, meta = exc.value.response["Error"], exc.value.response["ResponseMetadata"]
    return error["Code"], meta["HTTPStatusCode"], error.get("Message", "")


def test_block_public_access_refuses_a_public_policy(client: Any, bucket: str) -> None:
    s3 = client("s3")
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_policy(Bucket=bucket, Policy=_policy(_read_all(bucket)))
    code, status, message = _code(exc)
    assert (code, status) == ("AccessDenied", 403)
    assert message.endswith(
        "because public policies are blocked by the BlockPublicPolicy block public access setting."
    )
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_policy(Bucket=bucket)
    assert _code(exc)[0] == "NoSuchBucketPolicy"


def test_anyone_reads_what_a_public_policy_grants(
    server: SagelabServer, client: Any, anonymous: Any, bucket: str, cli: Any
) -> None:
    s3 = client("s3")
    with pytest.raises(ClientError) as exc:
        anonymous.get_object(Bucket=bucket, Key="data/iris.csv")
    assert _code(exc) == ("AccessDenied", 403, "Access Denied")
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=OPEN)
    hidden = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/private/*",
    }
    s3.put_bucket_policy(Bucket=bucket, Policy=_policy(_read_all(bucket), hidden))
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is True

    got = anonymous.get_object(Bucket=bucket, Key="data/iris.csv")
    assert got["Body"].read() == b"sepal,petal\n5.1,1.4\n"
    listed = anonymous.list_objects_v2(Bucket=bucket, Prefix="data/")["Contents"]
    assert [o["Key"] for o in listed] == ["data/iris.csv"]
    plain = requests.get(f"{server.endpoint_url}/{bucket}/data/iris.csv", timeout=30)
    assert plain.status_code == 200 and plain.content.startswith(b"sepal")
    done = cli("s3", "cp", "--no-sign-request", f"s3://{bucket}/data/iris.csv", "-")
    assert done.stdout.startswith("sepal")

    for refused in (
        lambda: anonymous.get_object(Bucket=bucket, Key="private/answers.csv"),
        lambda: anonymous.get_bucket_policy(Bucket=bucket),
        lambda: anonymous.get_object_tagging(Bucket=bucket, Key="data/iris.csv"),
    ):
        with pytest.raises(ClientError) as exc:
            refused()
        assert _code(exc) == ("AccessDenied", 403, "Access Denied")
    with pytest.raises(ClientError) as exc:
        anonymous.put_object(Bucket=bucket, Key="data/iris.csv", Body=b"vandal")
    assert _code(exc)[:2] == ("AccessDenied", 403)
    assert s3.get_object(Bucket=bucket, Key="data/iris.csv")["Body"].read().startswith(b"sepal")

    restrict = OPEN | {"RestrictPublicBuckets": True}
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=restrict)
    with pytest.raises(ClientError) as exc:
        anonymous.get_object(Bucket=bucket, Key="data/iris.csv")
    assert _code(exc) == ("AccessDenied", 403, "Access Denied")


def test_a_conditioned_grant_to_anyone_is_not_public(
    client: Any, anonymous: Any, bucket: str
) -> None:
    """A grant to `*` limited by a condition is not public: Block Public Access lets it be
    set, and it grants anyone who meets the condition."""
    s3 = client("s3")
    local = _read_all(bucket, Condition={"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}})
    s3.put_bucket_policy(Bucket=bucket, Policy=_policy(local))
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is False
    assert anonymous.get_object(Bucket=bucket, Key="data/iris.csv")["Body"].read()
    elsewhere = _read_all(bucket, Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})
    s3.put_bucket_policy(Bucket=bucket, Policy=_policy(elsewhere))
    with pytest.raises(ClientError) as exc:
        anonymous.get_object(Bucket=bucket, Key="data/iris.csv")
    assert _code(exc) == ("AccessDenied", 403, "Access Denied")
