"""5 principals, 30 actions, 3 resources: each a real call through boto3. Whether each is
refused must match the table written from AWS's documented rules (the managed policies'
statements, explicit deny > allow > implicit deny) and SimulatePrincipalPolicy's answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from authz_kit import MakePerson, Person, policy, unique
from botocore.exceptions import ClientError

from sagelab.testing import SagelabServer

REGION = "us-east-1"


@dataclass(frozen=True)
class Target:
    """The three resources of one index: a bucket (with object `k`), SageMaker names, a log
    group and an IAM user, all named with the index so that policies can tell them apart."""

    index: int
    bucket: str
    name: str  # SageMaker resources and the IAM user
    group: str  # log group


@dataclass(frozen=True)
class Action:
    call: Callable[[Callable[[str], Any], Target], Any]
    iam_action: str
    arn: Callable[[Target, str], str]  # (target, account) → the resource ARN IAM sees


def _bucket_arn(t: Target, account: str) -> str:
    return f"arn:aws:s3:::{t.bucket}"


def _object_arn(key: str) -> Callable[[Target, str], str]:
    return lambda t, account: f"arn:aws:s3:::{t.bucket}/{key}"


def _sm_arn(kind: str) -> Callable[[Target, str], str]:
    return lambda t, account: f"arn:aws:sagemaker:{REGION}:{account}:{kind}/{t.name}"


def _group_arn(t: Target, account: str) -> str:
    return f"arn:aws:logs:{REGION}:{account}:log-group:{t.group}"


def _user_arn(t: Target, account: str) -> str:
    return f"arn:aws:iam::{account}:user/{t.name}"


def s3(op: str, action: str, **kw: Any) -> Action:
    return Action(lambda c, t: getattr(c("s3"), op)(Bucket=t.bucket, **kw), action, _bucket_arn)


def obj(op: str, action: str, key: str = "k", **kw: Any) -> Action:
    def call(c: Callable[[str], Any], t: Target) -> Any:
        return getattr(c("s3"), op)(Bucket=t.bucket, Key=key, **kw)

    return Action(call, action, _object_arn(key))


def sm(op: str, member: str, kind: str) -> Action:
    def call(c: Callable[[str], Any], t: Target) -> Any:
        return getattr(c("sagemaker"), op)(**{member: t.name})

    return Action(call, f"sagemaker:{op.title().replace('_', '')}", _sm_arn(kind))


def logs(op: str, action: str) -> Action:
    return Action(lambda c, t: getattr(c("logs"), op)(logGroupName=t.group), action, _group_arn)


def iam(op: str, action: str) -> Action:
    return Action(lambda c, t: getattr(c("iam"), op)(UserName=t.name), action, _user_arn)


TAGS = {"TagSet": [{"Key": "team", "Value": "ml"}]}
ACTIONS = [
    s3("head_bucket", "s3:ListBucket"),
    s3("list_objects_v2", "s3:ListBucket"),
    s3("list_objects", "s3:ListBucket"),
    s3("list_object_versions", "s3:ListBucketVersions"),
    s3("get_bucket_location", "s3:GetBucketLocation"),
    s3("get_bucket_versioning", "s3:GetBucketVersioning"),
    s3("get_bucket_policy", "s3:GetBucketPolicy"),
    s3("get_bucket_tagging", "s3:GetBucketTagging"),
    s3("get_bucket_cors", "s3:GetBucketCORS"),
    s3("put_bucket_tagging", "s3:PutBucketTagging", Tagging=TAGS),
    s3("list_multipart_uploads", "s3:ListBucketMultipartUploads"),
    obj("put_object", "s3:PutObject", key="new", Body=b"x"),
    obj("get_object", "s3:GetObject"),
    obj("head_object", "s3:GetObject"),
    obj("delete_object", "s3:DeleteObject", key="gone"),
    obj("get_object_tagging", "s3:GetObjectTagging"),
    obj("put_object_tagging", "s3:PutObjectTagging", Tagging=TAGS),
    obj("create_multipart_upload", "s3:PutObject", key="big"),
    Action(
        lambda c, t: c("s3").delete_objects(Bucket=t.bucket, Delete={"Objects": [{"Key": "x"}]}),
        "s3:DeleteObject",
        _object_arn("x"),
    ),
    obj("get_object_acl", "s3:GetObjectAcl"),
    sm("describe_training_job", "TrainingJobName", "training-job"),
    sm("stop_training_job", "TrainingJobName", "training-job"),
    sm("describe_endpoint", "EndpointName", "endpoint"),
    sm("delete_endpoint", "EndpointName", "endpoint"),
    sm("describe_model", "ModelName", "model"),
    logs("create_log_group", "logs:CreateLogGroup"),
    logs("describe_log_streams", "logs:DescribeLogStreams"),
    logs("delete_log_group", "logs:DeleteLogGroup"),
    iam("get_user", "iam:GetUser"),
    iam("list_user_policies", "iam:ListUserPolicies"),
]


# The expected table, one rule per principal, read off each policy's statements.
def _verb(action: str) -> str:
    return action.split(":", 1)[1]


def _family(action: str) -> str:
    return action.split(":", 1)[0]


def admin_rule(action: str, index: int) -> bool:
    return True  # AdministratorAccess: Allow * on *


def read_only_rule(action: str, index: int) -> bool:
    # ReadOnlyAccess: s3:Get*/List*, sagemaker:Describe*/List*, logs:Describe*/Get*, iam:Get*/List*
    return _verb(action).startswith(("Get", "List", "Describe"))


def s3_full_rule(action: str, index: int) -> bool:
    return _family(action) == "s3"  # AmazonS3FullAccess: s3:* on *


SM_OBJECT_ACTIONS = {"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}
SM_BUCKET_ACTIONS = {"s3:ListBucket", "s3:GetBucketLocation", "s3:GetBucketCORS"}


def sagemaker_full_rule(action: str, index: int) -> bool:
    # AmazonSageMakerFullAccess: sagemaker:* (but Studio ARNs); object actions only on
    # `*sagemaker*` buckets (index 0); a few bucket actions and logs actions on `*`.
    if _family(action) == "s3":
        return action in SM_BUCKET_ACTIONS or (action in SM_OBJECT_ACTIONS and index == 0)
    if _family(action) == "logs":
        return action in {"logs:CreateLogGroup", "logs:DescribeLogStreams"}
    return _family(action) == "sagemaker"


def custom_policy() -> str:
    return policy(
        {
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::data-*", "arn:aws:s3:::data-*/*"],
        },
        {"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"},
        {
            "Effect": "Allow",
            "Action": ["logs:Describe*", "logs:CreateLogGroup"],
            "Resource": "arn:aws:logs:*:*:log-group:/mx/1/*",
        },
        {
            "Effect": "Allow",
            "NotAction": ["sagemaker:Delete*", "sagemaker:Stop*", "s3:*", "logs:*", "iam:*"],
            "Resource": "arn:aws:sagemaker:*:*:*/mx-2-*",
        },
        {
            "Effect": "Allow",
            "Action": ["iam:GetUser", "iam:ListUserPolicies"],
            "Resource": "arn:aws:iam::*:user/mx-0-*",
        },
    )


def custom_rule(action: str, index: int) -> bool:
    family, verb = _family(action), _verb(action)
    if family == "s3":
        return index == 1 and not verb.startswith("Delete")
    if family == "logs":
        return index == 1 and verb in ("CreateLogGroup", "DescribeLogStreams")
    if family == "sagemaker":
        return index == 2 and not verb.startswith(("Delete", "Stop"))
    return index == 0


RULES: dict[str, Callable[[str, int], bool]] = {
    "admin": admin_rule,
    "read-only": read_only_rule,
    "s3-full": s3_full_rule,
    "sagemaker-full": sagemaker_full_rule,
    "custom": custom_rule,
}


def refused(call: Callable[[], Any]) -> bool:
    try:
        call()
    except ClientError as exc:
        err = exc.response
        status = err["ResponseMetadata"]["HTTPStatusCode"]
        code = err["Error"].get("Code")
        # HEAD answers carry no body: S3 says AccessDenied with its 403 alone.
        return code in ("AccessDenied", "AccessDeniedException") or (
            code == "403" and status == 403
        )
    return False


@pytest.fixture
def principals(person: MakePerson) -> dict[str, Person]:
    return {
        "admin": person("AdministratorAccess"),
        "read-only": person("ReadOnlyAccess"),
        "s3-full": person("AmazonS3FullAccess"),
        "sagemaker-full": person("AmazonSageMakerFullAccess"),
        "custom": person(inline=custom_policy()),
    }


@pytest.fixture
def targets(client: Callable[..., Any]) -> list[Target]:
    tag = unique("mx").removeprefix("mx-")
    out = []
    for i, prefix in enumerate(("sagemaker", "data", "archive")):
        target = Target(i, f"{prefix}-mx-{tag}", f"mx-{i}-{tag}", f"/mx/{i}/{tag}")
        client("s3").create_bucket(Bucket=target.bucket)
        client("s3").put_object(Bucket=target.bucket, Key="k", Body=b"v")
        client("iam").create_user(UserName=target.name)
        out.append(target)
    return out


def _simulated(
    client: Callable[..., Any], who: Person, targets: list[Target], account: str
) -> dict[tuple[str, int], bool]:
    """(action, index) → refused, as SimulatePrincipalPolicy answers."""
    by_arn: dict[str, list[tuple[str, int]]] = {}
    for t in targets:
        for a in ACTIONS:
            by_arn.setdefault(a.arn(t, account), []).append((a.iam_action, t.index))
    answers = {}
    for arn, asked in by_arn.items():
        names = sorted({a for a, _ in asked})
        results = client("iam").simulate_principal_policy(
            PolicySourceArn=who.arn, ActionNames=names, ResourceArns=[arn]
        )["EvaluationResults"]
        decisions = {r["EvalActionName"]: r["EvalDecision"] for r in results}
        for action, index in asked:
            answers[(action, index)] = decisions[action] != "allowed"
    return answers


def test_matrix_matches_documented_rules_and_simulator(
    server: SagelabServer,
    principals: dict[str, Person],
    targets: list[Target],
    client: Callable[..., Any],
) -> None:
    account = server.account_id
    mismatches = []
    outcomes: dict[str, set[bool]] = {label: set() for label in principals}
    for label, who in principals.items():
        simulated = _simulated(client, who, targets, account)
        for t in targets:
            for a in ACTIONS:
                expected = not RULES[label](a.iam_action, t.index)
                real = refused(lambda: a.call(who.client, t))  # noqa: B023
                sim = simulated[(a.iam_action, t.index)]
                outcomes[label].add(real)
                if not expected == real == sim:
                    mismatches.append(
                        f"{label} {a.iam_action} on {a.arn(t, account)}: "
                        f"expected refused={expected} real={real} simulated={sim}"
                    )
    assert len(ACTIONS) == 30
    assert mismatches == []
    # Every principal but the administrator meets both answers.
    assert outcomes == {label: {False} if label == "admin" else {False, True} for label in RULES}
