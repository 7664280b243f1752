"""A bucket owner sets and reads back a bucket's location, versioning, tags, policy and default
encryption with boto3 and the AWS CLI, and gets S3's errors for what S3 refuses."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def s3(client: Callable[..., Any]) -> Any:
    return client("s3")


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"cfg-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


def _code(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    error, meta = exc.value.response["Error"], exc.value.response["ResponseMetadata"]
    return error["Code"], meta["HTTPStatusCode"], error.get("Message", "")


def test_location_of_a_us_east_1_bucket_is_empty(s3: Any, bucket: str) -> None:
    assert s3.get_bucket_location(Bucket=bucket)["LocationConstraint"] is None
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_location(Bucket=f"cfg-missing-{uuid.uuid4().hex[:8]}")
    assert _code(exc)[:2] == ("NoSuchBucket", 404)


def test_location_names_other_regions(client: Any) -> None:
    west = client("s3", region_name="eu-west-1")
    name = f"cfg-{uuid.uuid4().hex[:12]}"
    west.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert west.get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-west-1"


def test_versioning_enabled_then_suspended(s3: Any, bucket: str) -> None:
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"


def test_mfa_delete_is_refused_by_name(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_versioning(
            Bucket=bucket, VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"}
        )
    code, status, message = _code(exc)
    assert (code, status) == ("NotImplemented", 501) and "MFADelete" in message


def test_bucket_tags_round_trip_and_vanish(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_tagging(Bucket=bucket)
    assert _code(exc)[:2] == ("NoSuchTagSet", 404)
    tags = [{"Key": "team", "Value": "ml"}, {"Key": "cost-centre", "Value": ""}]
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == tags
    s3.delete_bucket_tagging(Bucket=bucket)
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_tagging(Bucket=bucket)
    assert _code(exc)[0] == "NoSuchTagSet"


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ([{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}], "same key"),
        ([{"Key": "k" * 129, "Value": "v"}], "TagKey"),
        ([{"Key": "aws:owner", "Value": "v"}], "System tags"),
    ],
)
def test_bad_tags_are_invalid_tag(s3: Any, bucket: str, tags: Any, message: str) -> None:
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    code, status, text = _code(exc)
    assert (code, status) == ("InvalidTag", 400) and message in text


def _policy(bucket: str, **statement: Any) -> dict[str, Any]:
    base = {
        "Sid": "ReadAll",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }
    return {"Version": "2012-10-17", "Statement": [base | statement]}


def test_policy_is_stored_as_written(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_policy(Bucket=bucket)
    assert _code(exc)[:2] == ("NoSuchBucketPolicy", 404)
    text = json.dumps(_policy(bucket), indent=3)
    # A policy granting everyone is public: Block Public Access must let it be set.
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": False,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_policy(Bucket=bucket, Policy=text)
    assert s3.get_bucket_policy(Bucket=bucket)["Policy"] == text
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is True
    s3.delete_bucket_policy(Bucket=bucket)
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_policy(Bucket=bucket)
    assert _code(exc)[0] == "NoSuchBucketPolicy"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"Effect": "Maybe"}, "Invalid effect: Maybe"),
        ({"Principal": {"Robot": "x"}}, "Invalid principal in policy"),
        ({"Action": "ec2:RunInstances"}, "Policy has invalid action"),
        ({"Resource": "arn:aws:s3:::someone-elses-bucket/*"}, "Policy has invalid resource"),
        ({"Action": 7}, "Policy has invalid action"),
    ],
)
def test_malformed_policies_are_refused(
    s3: Any, bucket: str, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(_policy(bucket, **change)))
    assert _code(exc) == ("MalformedPolicy", 400, message)


def test_policy_missing_parts_and_bad_json(s3: Any, bucket: str) -> None:
    cases = {
        "not json": "Policies must be valid JSON and the first byte must be '{'",
        json.dumps({"Version": "2012-10-17"}): "Missing required field Statement",
        json.dumps(
            {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        ): "Missing required field Principal",
    }
    for text, message in cases.items():
        with pytest.raises(ClientError) as exc:
            s3.put_bucket_policy(Bucket=bucket, Policy=text)
        assert _code(exc) == ("MalformedPolicy", 400, message)


def test_default_encryption_round_trip(s3: Any, bucket: str) -> None:
    """Every bucket reports SSE-S3 by default, as S3 has since 2023; SSE-KMS is not built."""
    config = {
        "Rules": [
            {
                "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                "BucketKeyEnabled": False,
            }
        ]
    }
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"] == config
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=config)
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"] == config
    bad = {
        "Rules": [
            {
                "ApplyServerSideEncryptionByDefault": {
                    "SSEAlgorithm": "AES256",
                    "KMSMasterKeyID": "k",
                }
            }
        ]
    }
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=bad)
    assert _code(exc)[:2] == ("InvalidArgument", 400)
    kms = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]}
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=kms)
    assert _code(exc)[:2] == ("NotImplemented", 501)
    assert "aws:kms" in _code(exc)[2]
    s3.delete_bucket_encryption(Bucket=bucket)
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"] == config


def test_cli_reads_what_boto3_wrote(s3: Any, bucket: str, cli: Callable[..., Any]) -> None:
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "env", "Value": "lab"}]})
    out = json.loads(cli("s3api", "get-bucket-tagging", "--bucket", bucket).stdout)
    assert out["TagSet"] == [{"Key": "env", "Value": "lab"}]
    cli(
        "s3api",
        "put-bucket-versioning",
        "--bucket",
        bucket,
        "--versioning-configuration",
        "Status=Enabled",
    )
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"


def test_other_accounts_cannot_read_configs(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_tagging(Bucket=bucket, ExpectedBucketOwner="111122223333")
    assert _code(exc)[:2] == ("AccessDenied", 403)
