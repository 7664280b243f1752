"""Cost Explorer through boto3: the meter's figures, AWS's errors, and root's billing switch."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from billing_kit import change_settings, store_of, today, today_period, tomorrow, wait_for
from botocore.exceptions import ClientError

from sagelab.billing import usage_report
from sagelab.testing import SagelabServer


def _tiers(ce: Any) -> dict[str, float]:
    answer = ce.get_cost_and_usage(
        TimePeriod=today_period(),
        Granularity="DAILY",
        Metrics=["UsageQuantity"],
        GroupBy=[{"Type": "DIMENSION", "Key": "USAGE_TYPE"}],
    )
    groups = answer["ResultsByTime"][0]["Groups"]
    return {g["Keys"][0]: float(g["Metrics"]["UsageQuantity"]["Amount"]) for g in groups}


def test_s3_requests_are_metered_as_aws_counts_them(fresh_server: SagelabServer) -> None:
    fresh_server.start()
    s3, ce = fresh_server.client("s3"), fresh_server.client("ce")
    s3.create_bucket(Bucket="metered")  # PUT: tier 1
    for i in range(3):
        s3.put_object(Bucket="metered", Key=f"k{i}", Body=b"x" * 100)  # tier 1
    s3.list_objects_v2(Bucket="metered")  # LIST: tier 1
    s3.get_object(Bucket="metered", Key="k0")  # tier 2
    s3.head_object(Bucket="metered", Key="k1")  # tier 2
    s3.delete_object(Bucket="metered", Key="k2")  # free
    wait_for(lambda: _tiers(ce).get("Requests-Tier2") == 2)
    assert _tiers(ce)["Requests-Tier1"] == 5


def test_cost_and_usage_equals_the_meter(fresh_server: SagelabServer) -> None:
    fresh_server.start()
    s3, ce = fresh_server.client("s3"), fresh_server.client("ce")
    s3.create_bucket(Bucket="story")
    s3.put_object(Bucket="story", Key="a", Body=b"y" * 1000)
    wait_for(lambda: "Requests-Tier1" in _tiers(ce))
    s3.delete_object(Bucket="story", Key="a")  # storage stops accruing: figures hold still
    meta = store_of(fresh_server)
    try:
        report = usage_report(meta, fresh_server.account_id, today(), tomorrow())
    finally:
        meta.close()
    by_type: dict[str, float] = {}
    for line in report.lines:
        by_type[line.usage_type] = by_type.get(line.usage_type, 0.0) + line.usage.quantity
    assert _tiers(ce) == pytest.approx(by_type)
    total = ce.get_cost_and_usage(
        TimePeriod=today_period(), Granularity="MONTHLY", Metrics=["UnblendedCost", "BlendedCost"]
    )["ResultsByTime"][0]["Total"]
    assert float(total["UnblendedCost"]["Amount"]) == pytest.approx(report.cost, abs=1e-9)
    assert total["BlendedCost"]["Unit"] == "USD"


def test_time_period_errors_as_aws_answers(client: Callable[..., Any]) -> None:
    ce = client("ce")
    day = today().isoformat()
    with pytest.raises(ClientError) as err:
        ce.get_cost_and_usage(
            TimePeriod={"Start": day, "End": day}, Granularity="DAILY", Metrics=["UnblendedCost"]
        )
    assert err.value.response["Error"]["Code"] == "ValidationException"
    assert "should be before end date" in err.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as err:
        ce.get_cost_and_usage(
            TimePeriod=today_period(),
            Granularity="DAILY",
            Metrics=["UnblendedCost"],
            Filter={"Not": {"Dimensions": {"Key": "SERVICE", "Values": ["x"]}}},
        )
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501


def _iam_user_with_ce(server: SagelabServer) -> Any:
    iam = server.client("iam")
    name = f"billing-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=name)
    allow = {"Effect": "Allow", "Action": "ce:*", "Resource": "*"}
    policy = {"Version": "2012-10-17", "Statement": [allow]}
    iam.put_user_policy(UserName=name, PolicyName="ce", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return boto3.client(
        "ce",
        endpoint_url=server.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )


def test_iam_users_need_roots_billing_switch(server: SagelabServer) -> None:
    ce = _iam_user_with_ce(server)
    ask = {"TimePeriod": today_period(), "Granularity": "DAILY", "Metrics": ["UnblendedCost"]}
    with pytest.raises(ClientError) as err:
        ce.get_cost_and_usage(**ask)
    assert err.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "IAM user access to billing" in err.value.response["Error"]["Message"]
    change_settings(server, iam_user_access=True)
    try:
        wait_for(lambda: _allowed(ce, ask), timeout=10)
    finally:
        change_settings(server, iam_user_access=False)
    with pytest.raises(ClientError):
        ce.get_cost_and_usage(**ask)


def _allowed(ce: Any, ask: dict[str, Any]) -> bool:
    try:
        ce.get_cost_and_usage(**ask)
    except ClientError:
        return False
    return True
