"""A real boto3 IAM/STS client against the query codec, in process."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import boto3
import pytest
from strategies import serve_client

from sagelab.gateway.codec.query import QueryCodec
from sagelab.gateway.errors import ServiceError
from sagelab.gateway.models import service_model

POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*"}]}
CREATED = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def client(service: str, handler: Any) -> Any:
    made = boto3.client(
        service,
        endpoint_url="http://sagelab.invalid",
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    )
    serve_client(made, QueryCodec(service_model(service)), handler)
    return made


def iam(operation: str, params: dict[str, Any]) -> dict[str, Any]:
    if operation == "GetRolePolicy":
        return {**params, "PolicyDocument": json.dumps(POLICY)}
    if operation == "ListUsers":
        user = {
            "Path": "/",
            "UserName": "u",
            "UserId": "AIDA1",
            "Arn": "arn",
            "CreateDate": CREATED,
        }
        return {"Users": [user], "IsTruncated": False}
    raise ServiceError(
        "NoSuchEntity", f"The user with name {params.get('UserName')} cannot be found.", 404
    )


def test_policy_documents_reach_the_caller_as_dicts() -> None:
    answer = client("iam", iam).get_role_policy(RoleName="r", PolicyName="p")
    assert answer["PolicyDocument"] == POLICY


def test_lists_and_timestamps_reach_the_caller() -> None:
    answer = client("iam", iam).list_users(PathPrefix="/")
    assert answer["Users"][0]["CreateDate"] == CREATED
    assert answer["IsTruncated"] is False


def test_modeled_errors_raise_their_exception_class() -> None:
    made = client("iam", iam)
    with pytest.raises(made.exceptions.NoSuchEntityException) as caught:
        made.delete_user(UserName="ghost")
    assert caught.value.response["Error"]["Message"] == "The user with name ghost cannot be found."
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_params_arrive_typed() -> None:
    seen: dict[str, Any] = {}

    def sts(operation: str, params: dict[str, Any]) -> dict[str, Any]:
        seen.update(params)
        return {
            "Credentials": {
                "AccessKeyId": "A",
                "SecretAccessKey": "S",
                "SessionToken": "T",
                "Expiration": CREATED,
            }
        }

    answer = client("sts", sts).assume_role(
        RoleArn="arn:aws:iam::1:role/r",
        RoleSessionName="sess",
        DurationSeconds=900,
        Tags=[{"Key": "k", "Value": "v"}],
        PolicyArns=[{"arn": "arn:aws:iam::1:policy/p"}],
    )
    assert seen == {
        "RoleArn": "arn:aws:iam::1:role/r",
        "RoleSessionName": "sess",
        "DurationSeconds": 900,
        "Tags": [{"Key": "k", "Value": "v"}],
        "PolicyArns": [{"arn": "arn:aws:iam::1:policy/p"}],
    }
    assert answer["Credentials"]["Expiration"] == CREATED
