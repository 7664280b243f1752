"""The policy evaluator, case by case: AWS's documented rules and the IAM User Guide's
examples (policy evaluation logic, condition operators, policy variables)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sagelab.services.iam.evaluate import (
    Decision,
    MalformedPolicyDocument,
    RequestFacts,
    evaluate,
    judge,
    trust_allows,
    validate_policy,
)

ACCT = "123456789012"
CARLOS = f"arn:aws:iam::{ACCT}:user/carlossalazar"
ALLOW, EXPLICIT, IMPLICIT = Decision.ALLOW, Decision.EXPLICIT_DENY, Decision.IMPLICIT_DENY


def doc(*statements: dict[str, Any], version: str = "2012-10-17") -> str:
    return json.dumps({"Version": version, "Statement": list(statements)})


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def facts(
    action: str,
    resource: str = "*",
    principal: str = CARLOS,
    **context: str | list[str],
) -> RequestFacts:
    keys: dict[str, str | list[str]] = {"aws:username": principal.rsplit("/", 1)[-1]}
    keys.update({k.replace("__", ":"): v for k, v in context.items()})
    return RequestFacts(action, (resource,), principal, ACCT, keys)


# The IAM User Guide's single-account example: Carlos's policy and a bucket policy.
CARLOS_POLICY = doc(
    {
        "Sid": "AllowS3ListRead",
        "Effect": "Allow",
        "Action": ["s3:GetBucketLocation", "s3:ListAllMyBuckets"],
        "Resource": "arn:aws:s3:::*",
    },
    {
        "Sid": "AllowS3Self",
        "Effect": "Allow",
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"],
    },
    {"Sid": "DenyS3Logs", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*log*"},
)


@pytest.mark.parametrize(
    ("request_facts", "expected"),
    [
        (facts("s3:PutObject", "arn:aws:s3:::carlossalazar/report.csv"), ALLOW),
        (facts("s3:ListAllMyBuckets", "arn:aws:s3:::anything"), ALLOW),
        (facts("s3:PutObject", "arn:aws:s3:::carlossalazar-logs/x"), EXPLICIT),
        (facts("s3:PutObject", "arn:aws:s3:::someone-else/x"), IMPLICIT),
        (facts("ec2:RunInstances", "*"), IMPLICIT),
    ],
)
def test_carlos_identity_policy(request_facts: RequestFacts, expected: Decision) -> None:
    assert evaluate([CARLOS_POLICY], request_facts) is expected


def test_bucket_policy_allow_cannot_beat_identity_deny() -> None:
    bucket_policy = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": CARLOS},
            "Action": "s3:*",
            "Resource": "arn:aws:s3:::carlossalazar-logs/*",
        }
    )
    request = facts("s3:PutObject", "arn:aws:s3:::carlossalazar-logs/x")
    assert evaluate([CARLOS_POLICY], request, resource_policies=[bucket_policy]) is EXPLICIT
    # Without the deny, the bucket policy grants on its own (same account).
    assert evaluate([], request, resource_policies=[bucket_policy]) is ALLOW


@pytest.mark.parametrize(
    ("principal_element", "expected"),
    [
        ("*", ALLOW),
        ({"AWS": "*"}, ALLOW),
        ({"AWS": CARLOS}, ALLOW),
        ({"AWS": [f"arn:aws:iam::{ACCT}:user/other", CARLOS]}, ALLOW),
        ({"AWS": f"arn:aws:iam::{ACCT}:user/other"}, IMPLICIT),
        # Naming the account delegates to the identity policies: no grant by itself.
        ({"AWS": ACCT}, IMPLICIT),
        ({"AWS": f"arn:aws:iam::{ACCT}:root"}, IMPLICIT),
        ({"Service": "sagemaker.amazonaws.com"}, IMPLICIT),
    ],
)
def test_bucket_policy_principals(principal_element: Any, expected: Decision) -> None:
    bucket_policy = doc(
        {
            "Effect": "Allow",
            "Principal": principal_element,
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::shared/*",
        }
    )
    request = facts("s3:GetObject", "arn:aws:s3:::shared/data.csv")
    assert evaluate([], request, resource_policies=[bucket_policy]) is expected


def test_bucket_policy_deny_naming_the_account_applies_to_its_users() -> None:
    bucket_policy = doc(
        {
            "Effect": "Deny",
            "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"},
            "Action": "s3:DeleteObject",
            "Resource": "arn:aws:s3:::shared/*",
        }
    )
    identity = doc(allow("s3:*"))
    request = facts("s3:DeleteObject", "arn:aws:s3:::shared/x")
    verdict = judge([identity], request, resource_policies=[bucket_policy])
    assert verdict.decision is EXPLICIT
    assert verdict.denied_by == "resource"


def test_not_principal_deny_spares_the_named_user() -> None:
    bucket_policy = doc(
        {
            "Effect": "Deny",
            "NotPrincipal": {"AWS": CARLOS},
            "Action": "s3:*",
            "Resource": "arn:aws:s3:::vault/*",
        }
    )
    identity = doc(allow("s3:*"))
    assert evaluate([identity], facts("s3:GetObject", "arn:aws:s3:::vault/k"),
                    resource_policies=[bucket_policy]) is ALLOW  # fmt: skip
    other = facts("s3:GetObject", "arn:aws:s3:::vault/k", f"arn:aws:iam::{ACCT}:user/bob")
    assert evaluate([identity], other, resource_policies=[bucket_policy]) is EXPLICIT


NOT_IAM = {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
SAGEMAKER_ONLY = allow("s3:*", "arn:aws:s3:::*sagemaker*")


@pytest.mark.parametrize(
    ("statement", "action", "resource", "expected"),
    [
        (allow("s3:Get*"), "s3:GetObject", "*", ALLOW),
        (allow("S3:get*"), "s3:GetObject", "*", ALLOW),  # actions are case-insensitive
        (allow("s3:Get?bject"), "s3:GetObject", "*", ALLOW),
        (allow("s3:Get?bject"), "s3:GetOObject", "*", IMPLICIT),
        (allow("*"), "sagemaker:CreateTrainingJob", "*", ALLOW),
        (allow("sagemaker:Describe*"), "sagemaker:CreateTrainingJob", "*", IMPLICIT),
        # NotAction with Allow grants everything else; it never denies.
        (NOT_IAM, "s3:PutObject", "*", ALLOW),
        (NOT_IAM, "iam:CreateUser", "*", IMPLICIT),
        # Resources: case-sensitive globs; `*` spans `/` and `:`.
        (SAGEMAKER_ONLY, "s3:GetObject", "arn:aws:s3:::my-sagemaker-b/k/x", ALLOW),
        (SAGEMAKER_ONLY, "s3:GetObject", "arn:aws:s3:::my-SageMaker-b/k", IMPLICIT),
        (allow("s3:*", "arn:aws:s3:::bucket"), "s3:GetObject", "arn:aws:s3:::bucket/key", IMPLICIT),
        (allow("s3:*", "arn:aws:s3:::b?cket/*"), "s3:GetObject", "arn:aws:s3:::bucket/key", ALLOW),
        (allow("logs:*", "arn:aws:logs:*:*:log-group:/aws/sagemaker/*"), "logs:PutLogEvents",
         "arn:aws:logs:us-east-1:1:log-group:/aws/sagemaker/TrainingJobs:log-stream:j/a", ALLOW),
        ({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"},
         "s3:GetObject", "arn:aws:s3:::public/x", ALLOW),
        ({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"},
         "s3:GetObject", "arn:aws:s3:::secret/x", IMPLICIT),
        # A NotResource Deny denies everything outside the named resources.
        ({"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::mine/*"},
         "s3:GetObject", "arn:aws:s3:::theirs/x", EXPLICIT),
    ],
)  # fmt: skip
def test_action_and_resource_matching(
    statement: dict[str, Any], action: str, resource: str, expected: Decision
) -> None:
    policies = [doc(statement), doc(allow("s3:*", "arn:aws:s3:::mine/*"))]
    assert evaluate(policies, facts(action, resource)) is expected


def test_explicit_deny_beats_allow_in_any_policy() -> None:
    admin = doc(allow("*"))
    no_delete = doc(deny("s3:DeleteObject", "arn:aws:s3:::data/*"))
    verdict = judge([admin, no_delete], facts("s3:DeleteObject", "arn:aws:s3:::data/x"))
    assert verdict.decision is EXPLICIT
    assert [m.policy for m in verdict.matched] == [1]
    assert evaluate([admin, no_delete], facts("s3:GetObject", "arn:aws:s3:::data/x")) is ALLOW


def test_no_policies_is_an_implicit_deny() -> None:
    assert evaluate([], facts("s3:ListAllMyBuckets")) is IMPLICIT


@pytest.mark.parametrize(
    ("condition", "context", "expected"),
    [
        # String operators, values OR-ed; key names case-insensitive.
        ({"StringEquals": {"s3:prefix": ["", "home/"]}}, {"s3:prefix": "home/"}, ALLOW),
        ({"StringEquals": {"S3:Prefix": "home/"}}, {"s3:prefix": "Home/"}, IMPLICIT),
        ({"StringEqualsIgnoreCase": {"s3:prefix": "home/"}}, {"s3:prefix": "HOME/"}, ALLOW),
        ({"StringLike": {"s3:prefix": "home/${aws:username}/*"}},
         {"s3:prefix": "home/carlossalazar/docs"}, ALLOW),
        ({"StringLike": {"s3:prefix": "home/${aws:username}/*"}},
         {"s3:prefix": "home/bob/docs"}, IMPLICIT),
        ({"StringNotLike": {"s3:prefix": "private/*"}}, {"s3:prefix": "public/x"}, ALLOW),
        ({"StringNotEquals": {"s3:prefix": "x"}}, {}, ALLOW),  # negated: absent key holds
        ({"StringEquals": {"s3:prefix": "x"}}, {}, IMPLICIT),  # absent key fails
        ({"StringEqualsIfExists": {"s3:prefix": "x"}}, {}, ALLOW),
        ({"StringEqualsIfExists": {"s3:prefix": "x"}}, {"s3:prefix": "y"}, IMPLICIT),
        # Operators AND-ed, keys within an operator AND-ed.
        ({"StringEquals": {"s3:prefix": "a", "s3:delimiter": "/"}},
         {"s3:prefix": "a", "s3:delimiter": "/"}, ALLOW),
        ({"StringEquals": {"s3:prefix": "a", "s3:delimiter": "/"}}, {"s3:prefix": "a"}, IMPLICIT),
        # Numbers and dates.
        ({"NumericLessThanEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "10"}, ALLOW),
        ({"NumericLessThanEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "11"}, IMPLICIT),
        ({"NumericGreaterThan": {"s3:max-keys": "10"}}, {"s3:max-keys": "abc"}, IMPLICIT),
        ({"DateGreaterThan": {"aws:CurrentTime": "2020-04-01T00:00:00Z"}},
         {"aws:CurrentTime": "2026-01-01T00:00:00Z"}, ALLOW),
        ({"DateLessThan": {"aws:CurrentTime": "2020-04-01T00:00:00Z"}},
         {"aws:CurrentTime": "2026-01-01T00:00:00Z"}, IMPLICIT),
        ({"DateLessThan": {"aws:EpochTime": "2000000000"}}, {"aws:EpochTime": "1900000000"}, ALLOW),
        # Bool, IP, ARN, Null.
        ({"Bool": {"aws:SecureTransport": "true"}}, {"aws:SecureTransport": "false"}, IMPLICIT),
        ({"Bool": {"aws:SecureTransport": True}}, {"aws:SecureTransport": "true"}, ALLOW),
        ({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {"aws:SourceIp": "203.0.113.9"}, ALLOW),
        ({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {"aws:SourceIp": "10.0.0.9"}, IMPLICIT),
        ({"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}},
         {"aws:SourceIp": "127.0.0.1"}, ALLOW),
        ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/carl*"}},
         {"aws:PrincipalArn": CARLOS}, ALLOW),
        ({"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}},
         {"aws:PrincipalArn": CARLOS}, IMPLICIT),
        ({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}},
         {"aws:PrincipalArn": CARLOS}, ALLOW),
        ({"Null": {"aws:TokenIssueTime": "true"}}, {}, ALLOW),
        ({"Null": {"aws:TokenIssueTime": "false"}}, {}, IMPLICIT),
        ({"Null": {"aws:TokenIssueTime": "false"}}, {"aws:TokenIssueTime": "2026-01-01"}, ALLOW),
        # Multi-valued keys and set operators (the IAM guide's aws:TagKeys examples).
        ({"ForAllValues:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}},
         {"aws:TagKeys": ["environment"]}, ALLOW),
        ({"ForAllValues:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}},
         {"aws:TagKeys": ["environment", "owner"]}, IMPLICIT),
        ({"ForAllValues:StringEquals": {"aws:TagKeys": ["environment"]}}, {}, ALLOW),
        ({"ForAnyValue:StringEquals": {"aws:TagKeys": ["environment"]}},
         {"aws:TagKeys": ["owner", "environment"]}, ALLOW),
        ({"ForAnyValue:StringEquals": {"aws:TagKeys": ["environment"]}}, {}, IMPLICIT),
        ({"ForAllValues:StringNotEquals": {"aws:TagKeys": ["secret"]}},
         {"aws:TagKeys": ["a", "b"]}, ALLOW),
        ({"ForAnyValue:StringLike": {"sagemaker:InstanceTypes": "ml.t3.*"}},
         {"sagemaker:InstanceTypes": ["ml.m5.large", "ml.t3.medium"]}, ALLOW),
        ({"ForAllValues:StringLike": {"sagemaker:InstanceTypes": "ml.t3.*"}},
         {"sagemaker:InstanceTypes": ["ml.m5.large", "ml.t3.medium"]}, IMPLICIT),
        # Service keys the lesson's policies test.
        ({"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
         {"iam:PassedToService": "sagemaker.amazonaws.com"}, ALLOW),
        ({"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
         {"iam:PassedToService": "ec2.amazonaws.com"}, IMPLICIT),
        ({"StringEqualsIgnoreCase": {"s3:ExistingObjectTag/SageMaker": "true"}},
         {"s3:ExistingObjectTag/SageMaker": "True"}, ALLOW),
    ],
)  # fmt: skip
def test_condition_operators(
    condition: dict[str, Any], context: dict[str, str | list[str]], expected: Decision
) -> None:
    policy = doc(allow("s3:*", Condition=condition))
    keys = {"aws:username": "carlossalazar", **context}
    request = RequestFacts("s3:ListBucket", ("arn:aws:s3:::b",), CARLOS, ACCT, keys)
    assert evaluate([policy], request) is expected


@pytest.mark.parametrize(
    ("resource_pattern", "resource", "expected"),
    [
        ("arn:aws:s3:::home/${aws:username}/*", "arn:aws:s3:::home/carlossalazar/a", ALLOW),
        ("arn:aws:s3:::home/${aws:username}/*", "arn:aws:s3:::home/bob/a", IMPLICIT),
        ("arn:aws:s3:::home/${aws:userid}/*", "arn:aws:s3:::home/AIDAEXAMPLE/a", ALLOW),
        ("arn:aws:s3:::b-${aws:PrincipalAccount}/*", f"arn:aws:s3:::b-{ACCT}/k", ALLOW),
        # The literal-character variables: `${*}` is a star, not a wildcard.
        ("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*", ALLOW),
        ("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/anything", IMPLICIT),
        ("arn:aws:s3:::b/${?}${$}", "arn:aws:s3:::b/?$", ALLOW),
        # A key the request lacks: unresolved, matches nothing; a default fills it in.
        ("arn:aws:s3:::b/${aws:TokenIssueTime}/*", "arn:aws:s3:::b/x/y", IMPLICIT),
        ("arn:aws:s3:::b/${aws:TokenIssueTime, 'none'}/*", "arn:aws:s3:::b/none/y", ALLOW),
    ],
)
def test_policy_variables(resource_pattern: str, resource: str, expected: Decision) -> None:
    request = facts("s3:GetObject", resource, aws__userid="AIDAEXAMPLE")
    request.context["aws:PrincipalAccount"] = ACCT  # type: ignore[index]
    assert evaluate([doc(allow("s3:GetObject", resource_pattern))], request) is expected


def test_variables_are_literal_in_2008_documents() -> None:
    old = doc(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*"), version="2008-10-17")
    assert evaluate([old], facts("s3:GetObject", "arn:aws:s3:::home/carlossalazar/a")) is IMPLICIT
    request = facts("s3:GetObject", "arn:aws:s3:::home/${aws:username}/a")
    assert evaluate([old], request) is ALLOW


def test_session_policy_intersects() -> None:
    role_policy = doc(allow("s3:*"))
    session = doc(allow("s3:GetObject"))
    role = f"arn:aws:sts::{ACCT}:assumed-role/R/s"
    read = facts("s3:GetObject", "arn:aws:s3:::b/k", role)
    write = facts("s3:PutObject", "arn:aws:s3:::b/k", role)
    assert evaluate([role_policy], read, session_policy=session) is ALLOW
    verdict = judge([role_policy], write, session_policy=session)
    assert verdict.decision is IMPLICIT and verdict.missing == "session"
    # The session policy grants nothing the role's own policies do not.
    assert evaluate([], read, session_policy=session) is IMPLICIT
    denying = doc(deny("s3:GetObject"), allow("*"))
    assert judge([role_policy], read, session_policy=denying).denied_by == "session"


def test_every_resource_must_be_allowed() -> None:
    policy = doc(allow("s3:GetObject", "arn:aws:s3:::a/*"))
    both = RequestFacts("s3:GetObject", ("arn:aws:s3:::a/1", "arn:aws:s3:::b/1"), CARLOS, ACCT)
    assert evaluate([policy], both) is IMPLICIT


SAGEMAKER_TRUST = doc(
    {
        "Effect": "Allow",
        "Principal": {"Service": ["sagemaker.amazonaws.com"]},
        "Action": "sts:AssumeRole",
    }
)


@pytest.mark.parametrize(
    ("trust", "principal", "expected"),
    [
        (SAGEMAKER_TRUST, {"Service": "sagemaker.amazonaws.com"}, True),
        (SAGEMAKER_TRUST, {"Service": "ec2.amazonaws.com"}, False),
        (SAGEMAKER_TRUST, {"AWS": CARLOS}, False),
        (doc({"Effect": "Allow", "Principal": {"AWS": CARLOS}, "Action": "sts:AssumeRole"}),
         {"AWS": CARLOS}, True),
        (doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"},
              "Action": "sts:AssumeRole"}), {"AWS": CARLOS}, True),
        (doc({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
              "Action": "sts:AssumeRole"}), {"AWS": CARLOS}, False),
        (doc({"Effect": "Allow", "Principal": {"AWS": CARLOS}, "Action": "sts:TagSession"}),
         {"AWS": CARLOS}, False),
        (doc({"Effect": "Allow", "Principal": "*", "Action": "sts:*"},
             {"Effect": "Deny", "Principal": {"AWS": CARLOS}, "Action": "sts:AssumeRole"}),
         {"AWS": CARLOS}, False),
    ],
)  # fmt: skip
def test_trust_policies(trust: str, principal: dict[str, str], expected: bool) -> None:
    request = RequestFacts("sts:AssumeRole", (), CARLOS, ACCT, {"aws:PrincipalArn": CARLOS})
    assert trust_allows(trust, principal, request) is expected


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("{not json", "identity", "This policy contains invalid Json"),
        (json.dumps({"Version": "2012-10-17"}), "identity", "Syntax errors in policy."),
        (doc(allow("s3:*"), version="2012-10-18"), "identity", "The policy failed legacy parsing"),
        (doc({"Effect": "Allow", "Resource": "*"}), "identity",
         "Policy statement must contain actions."),
        (doc({"Effect": "Allow", "Action": "s3:*"}), "identity",
         "Policy statement must contain resources."),
        (doc({"Effect": "Maybe", "Action": "s3:*", "Resource": "*"}), "identity",
         "Syntax errors in policy."),
        (doc(allow("s3:*", Principal="*")), "identity",
         "Policy document should not specify a principal."),
        (doc(allow("GetObject")), "identity",
         "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
        (doc(allow("s3:*", "bucket")), "identity", 'Resource bucket must be in ARN format or "*".'),
        (doc(allow("s3:*", Condition={"StringSorta": {"a:b": "c"}})), "identity",
         "Invalid Condition type : StringSorta"),
        (doc({"Effect": "Allow", "Action": "sts:AssumeRole"}), "trust",
         "Missing required field Principal"),
        (doc({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*"}),
         "trust", "Has prohibited field Resource"),
    ],
)  # fmt: skip
def test_malformed_policies(text: str, kind: Any, message: str) -> None:
    with pytest.raises(MalformedPolicyDocument) as caught:
        validate_policy(text, kind)
    assert caught.value.message == message
    assert caught.value.code == "MalformedPolicyDocument"


def test_valid_policies_pass() -> None:
    validate_policy(CARLOS_POLICY)
    validate_policy(SAGEMAKER_TRUST, "trust")
