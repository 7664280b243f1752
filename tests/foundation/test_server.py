"""The server as a user meets it: health, credentials, honest gaps, reset, restart, shutdown."""

from __future__ import annotations

import json
import signal
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from sagelab.testing import SagelabServer


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_health_answers_without_credentials(server: SagelabServer) -> None:
    status, body = _get(f"{server.endpoint_url}/_sagelab/health")
    assert status == 200
    health = json.loads(body)
    assert health["account_id"] == server.account_id
    assert health["store"]["metadata"] == "sqlite"
    assert health["version"]


def test_unsigned_api_requests_are_refused(server: SagelabServer) -> None:
    req = urllib.request.Request(
        server.endpoint_url + "/",
        data=b"{}",
        headers={
            "X-Amz-Target": "SageMaker.ListTrainingJobs",
            "Content-Type": "application/x-amz-json-1.1",
        },
    )
    try:
        urllib.request.urlopen(req, timeout=5)
        raise AssertionError("an unsigned request was answered")
    except urllib.error.HTTPError as e:
        assert e.code == 403
        assert json.loads(e.read())["__type"] == "MissingAuthenticationToken"
    private = f"private-{uuid.uuid4().hex[:12]}"
    server.client("s3").create_bucket(Bucket=private)
    status, body = _get(f"{server.endpoint_url}/{private}")
    assert status == 403
    assert b"<Code>AccessDenied</Code>" in body
    # Whether a bucket exists is no secret on S3: anyone asking of a missing one hears so.
    status, body = _get(f"{server.endpoint_url}/no-such-bucket-here")
    assert status == 404
    assert b"<Code>NoSuchBucket</Code>" in body


def test_unknown_access_key_answers_per_protocol(server: SagelabServer) -> None:
    bogus: dict[str, Any] = dict(
        aws_access_key_id="AKIANOTAREALKEY00000", aws_secret_access_key="x" * 40
    )
    with pytest.raises(ClientError) as sts_err:
        server.client("sts", **bogus).get_caller_identity()
    assert sts_err.value.response["Error"]["Code"] == "InvalidClientTokenId"
    with pytest.raises(ClientError) as s3_err:
        server.client("s3", **bogus).list_buckets()
    assert s3_err.value.response["Error"]["Code"] == "InvalidAccessKeyId"


def test_wrong_secret_is_a_signature_mismatch(server: SagelabServer) -> None:
    with pytest.raises(ClientError) as err:
        server.client("iam", aws_secret_access_key="y" * 40).list_users()
    assert err.value.response["Error"]["Code"] == "SignatureDoesNotMatch"


def test_root_identity(server: SagelabServer) -> None:
    ident = server.client("sts").get_caller_identity()
    assert ident["Account"] == server.account_id
    assert ident["Arn"] == f"arn:aws:iam::{server.account_id}:root"


def test_unbuilt_operation_is_an_honest_501(server: SagelabServer) -> None:
    with pytest.raises(ClientError) as err:
        server.client("sagemaker").list_edge_deployment_plans()
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert "ListEdgeDeploymentPlans is not implemented by sagelab" in str(err.value)


def test_server_side_validation_words_errors_as_aws(server: SagelabServer) -> None:
    sm = server.client("sagemaker", config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as err:
        sm.list_training_jobs(MaxResults=0, SortBy="Nope")
    error = err.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert error["Message"].startswith("2 validation errors detected: ")
    assert "Member must satisfy enum value set" in error["Message"]


def _signed_reset(server: SagelabServer, secret: str) -> tuple[int, bytes]:
    creds = botocore.credentials.Credentials(server.access_key_id, secret)
    req = botocore.awsrequest.AWSRequest(
        method="POST", url=f"{server.endpoint_url}/_sagelab/reset", data=b""
    )
    botocore.auth.SigV4Auth(creds, "sagelab", server.region).add_auth(req)
    prepared = req.prepare()
    http_req = urllib.request.Request(
        prepared.url, data=b"", headers=dict(prepared.headers), method="POST"
    )
    try:
        with urllib.request.urlopen(http_req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_reset_wipes_state_only_when_root_signed(server: SagelabServer) -> None:
    s3 = server.client("s3")
    s3.create_bucket(Bucket="before-reset")
    assert _signed_reset(server, "wrong" * 8)[0] == 403
    assert "before-reset" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    status, _ = _signed_reset(server, server.secret_access_key)
    assert status == 200
    assert s3.list_buckets()["Buckets"] == []
    assert server.client("sts").get_caller_identity()["Account"] == server.account_id


def test_reset_is_refused_without_the_flag(fresh_server: SagelabServer) -> None:
    fresh_server.start()
    status, body = _signed_reset(fresh_server, fresh_server.secret_access_key)
    assert status == 403
    assert b"--allow-reset" in body


def test_given_account_and_root_keys_are_used(tmp_path: Path) -> None:
    srv = SagelabServer(
        tmp_path / "data",
        extra_env={
            "SAGELAB_ACCOUNT_ID": "123456789012",
            "SAGELAB_ROOT_ACCESS_KEY_ID": "AKIAMYOWNKEY",
            "SAGELAB_ROOT_SECRET_ACCESS_KEY": "my-own-secret",
        },
    )
    srv.start()
    try:
        assert (srv.access_key_id, srv.secret_access_key) == ("AKIAMYOWNKEY", "my-own-secret")
        assert srv.client("sts").get_caller_identity()["Account"] == "123456789012"
        mode = (tmp_path / "data" / "secrets" / "root.json").stat().st_mode & 0o777
        assert mode == 0o600
    finally:
        srv.stop()


def test_state_survives_restart_and_sigterm_is_clean(fresh_server: SagelabServer) -> None:
    fresh_server.start()
    log_out = fresh_server.log()
    assert "AWS_SECRET_ACCESS_KEY=" + fresh_server.secret_access_key in log_out
    fresh_server.client("s3").create_bucket(Bucket="kept")
    fresh_server.client("iam").create_user(UserName="kept-user")
    # uvicorn shuts down gracefully, then re-raises the signal it caught.
    assert fresh_server.stop() in (0, -signal.SIGTERM)
    assert "Traceback" not in fresh_server.log()
    account = fresh_server.account_id
    fresh_server.start()
    assert "AWS_SECRET_ACCESS_KEY" not in fresh_server.log().replace(log_out, "")
    assert [b["Name"] for b in fresh_server.client("s3").list_buckets()["Buckets"]] == ["kept"]
    assert fresh_server.client("iam").get_user(UserName="kept-user")["User"]["UserName"]
    assert fresh_server.client("sts").get_caller_identity()["Account"] == account
    assert fresh_server.proc is not None
    fresh_server.proc.send_signal(signal.SIGINT)
    assert fresh_server.proc.wait(15) in (0, -signal.SIGINT)
    assert "Traceback" not in fresh_server.log()
