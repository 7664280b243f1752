"""Stories of IAM enforcement through boto3 and the AWS CLI: what a user's policies let it do
on a real server, refused with AWS's exact errors, and nothing changed by a refused write."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree

import pytest
import requests
from authz_kit import SAGEMAKER_TRUST, MakePerson, not_allowed, policy, unique
from botocore.exceptions import ClientError

from sagelab.testing import SagelabServer


def error_of(call: Callable[[], Any]) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call()
    response: dict[str, Any] = caught.value.response
    return response


def test_read_only_student_is_refused_writes(
    person: MakePerson, bucket: Callable[[str], str], client: Callable[..., Any]
) -> None:
    name = bucket("class")
    root_s3 = client("s3")
    root_s3.put_object(Bucket=name, Key="notes.txt", Body=b"original")
    student = person("ReadOnlyAccess")
    s3 = student.client("s3")

    assert s3.get_object(Bucket=name, Key="notes.txt")["Body"].read() == b"original"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=name)["Contents"]] == ["notes.txt"]

    err = error_of(lambda: s3.put_object(Bucket=name, Key="notes.txt", Body=b"vandalised"))
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert err["Error"]["Code"] == "AccessDenied"
    assert err["Error"]["Message"] == not_allowed(
        student.arn, "s3:PutObject", f"arn:aws:s3:::{name}/notes.txt", quoted=True
    )
    err = error_of(lambda: s3.delete_object(Bucket=name, Key="notes.txt"))
    assert err["Error"]["Code"] == "AccessDenied"
    assert root_s3.get_object(Bucket=name, Key="notes.txt")["Body"].read() == b"original"


def test_read_only_student_is_refused_iam_and_sagemaker_writes(person: MakePerson) -> None:
    student = person("ReadOnlyAccess")
    err = error_of(lambda: student.client("iam").create_user(UserName="mallory"))
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert err["Error"]["Code"] == "AccessDenied"
    account = student.arn.split(":")[4]
    assert err["Error"]["Message"] == not_allowed(
        student.arn, "iam:CreateUser", f"arn:aws:iam::{account}:user/mallory"
    )
    student.client("iam").get_user()  # reading oneself is fine

    sm = student.client("sagemaker")
    err = error_of(lambda: sm.delete_endpoint(EndpointName="Prod-Endpoint"))
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert err["Error"]["Code"] == "AccessDeniedException"
    assert err["Error"]["Message"] == not_allowed(
        student.arn,
        "sagemaker:DeleteEndpoint",
        f"arn:aws:sagemaker:us-east-1:{account}:endpoint/prod-endpoint",
    )
    sm.list_training_jobs()


def test_explicit_deny_beats_allow(
    person: MakePerson, bucket: Callable[[str], str], client: Callable[..., Any]
) -> None:
    name = bucket("keep")
    client("s3").put_object(Bucket=name, Key="k", Body=b"1")
    no_delete = policy(
        {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": f"arn:aws:s3:::{name}/*"}
    )
    user = person("AmazonS3FullAccess", inline=no_delete)
    s3 = user.client("s3")
    s3.put_object(Bucket=name, Key="k2", Body=b"2")
    err = error_of(lambda: s3.delete_object(Bucket=name, Key="k"))
    assert err["Error"]["Message"] == (
        f"User: {user.arn} is not authorized to perform: s3:DeleteObject on resource: "
        f'"arn:aws:s3:::{name}/k" with an explicit deny in an identity-based policy'
    )
    # DeleteObjects is checked key by key.
    err = error_of(lambda: s3.delete_objects(Bucket=name, Delete={"Objects": [{"Key": "k"}]}))
    assert err["Error"]["Code"] == "AccessDenied"
    assert client("s3").get_object(Bucket=name, Key="k")["Body"].read() == b"1"


def test_bucket_policy_grants_another_user(
    person: MakePerson, bucket: Callable[[str], str], client: Callable[..., Any]
) -> None:
    name = bucket("shared")
    root_s3 = client("s3")
    root_s3.put_object(Bucket=name, Key="data.csv", Body=b"a,b")
    friend = person()  # no identity policy at all
    s3 = friend.client("s3")
    assert error_of(lambda: s3.get_object(Bucket=name, Key="data.csv"))["Error"]["Code"] == (
        "AccessDenied"
    )
    root_s3.put_bucket_policy(
        Bucket=name,
        Policy=policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": friend.arn},
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
            }
        ),
    )
    assert s3.get_object(Bucket=name, Key="data.csv")["Body"].read() == b"a,b"
    assert s3.list_objects_v2(Bucket=name)["KeyCount"] == 1
    err = error_of(lambda: s3.put_object(Bucket=name, Key="x", Body=b""))
    assert err["Error"]["Code"] == "AccessDenied"


def test_cli_user_sees_access_denied(person: MakePerson, bucket: Callable[[str], str]) -> None:
    name = bucket("cli")
    student = person("ReadOnlyAccess")
    done = subprocess.run(
        [sys.executable, "-m", "awscli", "s3api", "put-object", "--bucket", name, "--key", "k"],
        env=student.env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "An error occurred (AccessDenied) when calling the PutObject operation: " in done.stderr
    assert "because no identity-based policy allows the s3:PutObject action" in done.stderr


def _training_job(role_arn: str) -> dict[str, Any]:
    return {
        "TrainingJobName": unique("job"),
        "AlgorithmSpecification": {
            "TrainingImage": "382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1",
            "TrainingInputMode": "File",
        },
        "RoleArn": role_arn,
        "HyperParameters": {"predictor_type": "regressor", "feature_dim": "2"},
        "OutputDataConfig": {"S3OutputPath": "s3://sagemaker-out/out"},
        "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 1},
        "StoppingCondition": {"MaxRuntimeInSeconds": 60},
    }


def test_pass_role_refused(person: MakePerson, client: Callable[..., Any]) -> None:
    role = client("iam").create_role(
        RoleName=unique("exec"), AssumeRolePolicyDocument=SAGEMAKER_TRUST
    )["Role"]
    user = person(inline=policy({"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}))
    err = error_of(
        lambda: user.client("sagemaker").create_training_job(**_training_job(role["Arn"]))
    )
    assert err["Error"] == {
        "Code": "AccessDeniedException",
        "Message": not_allowed(user.arn, "iam:PassRole", role["Arn"]),
    }


def test_role_must_trust_sagemaker(client: Callable[..., Any]) -> None:
    ec2_trust = SAGEMAKER_TRUST.replace("sagemaker.amazonaws.com", "ec2.amazonaws.com")
    role = client("iam").create_role(RoleName=unique("ec2"), AssumeRolePolicyDocument=ec2_trust)
    arn = role["Role"]["Arn"]
    err = error_of(lambda: client("sagemaker").create_training_job(**_training_job(arn)))
    assert err["Error"]["Code"] == "ValidationException"
    assert err["Error"]["Message"] == (
        f"Could not assume role {arn}. Please ensure that the role exists and allows principal "
        "'sagemaker.amazonaws.com' to assume the role."
    )


def test_execution_role_reaches_only_sagemaker_buckets(
    server: SagelabServer,
    person: MakePerson,
    bucket: Callable[[str], str],
    client: Callable[..., Any],
) -> None:
    iam = client("iam")
    account = server.account_id
    trust = json.loads(SAGEMAKER_TRUST)
    trust["Statement"].append(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
            "Action": "sts:AssumeRole",
        }
    )
    role = iam.create_role(
        RoleName=unique("SageMakerExec"), AssumeRolePolicyDocument=json.dumps(trust)
    )
    iam.attach_role_policy(
        RoleName=role["Role"]["RoleName"],
        PolicyArn="arn:aws:iam::aws:policy/AmazonSageMakerFullAccess",
    )
    assumer = person(
        inline=policy({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})
    )
    creds = assumer.client("sts").assume_role(RoleArn=role["Role"]["Arn"], RoleSessionName="job")[
        "Credentials"
    ]
    s3 = server.client(
        "s3",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    mine = bucket("sagemaker-us-east-1")
    other = bucket("data")
    client("s3").put_object(Bucket=other, Key="secret.csv", Body=b"x")

    s3.put_object(Bucket=mine, Key="train/a.csv", Body=b"1,2")
    assert s3.get_object(Bucket=mine, Key="train/a.csv")["Body"].read() == b"1,2"
    assert s3.list_objects_v2(Bucket=other)["KeyCount"] == 1  # s3:ListBucket on *
    session_arn = f"arn:aws:sts::{account}:assumed-role/{role['Role']['RoleName']}/job"
    err = error_of(lambda: s3.get_object(Bucket=other, Key="secret.csv"))
    assert err["Error"]["Message"] == not_allowed(
        session_arn, "s3:GetObject", f"arn:aws:s3:::{other}/secret.csv", quoted=True
    )
    assert error_of(lambda: s3.put_object(Bucket=other, Key="y", Body=b""))["Error"]["Code"] == (
        "AccessDenied"
    )
    # ...except objects tagged for SageMaker (s3:ExistingObjectTag/SageMaker).
    client("s3").put_object(Bucket=other, Key="shared.csv", Body=b"ok", Tagging="SageMaker=true")
    assert s3.get_object(Bucket=other, Key="shared.csv")["Body"].read() == b"ok"


def test_conditional_deletes_under_policy(
    person: MakePerson, bucket: Callable[[str], str], client: Callable[..., Any]
) -> None:
    """A delete on an entity tag reads the object's tag, so it needs s3:GetObject too; a
    policy can refuse every delete that states no `If-Match` (the `s3:if-match` key)."""
    name = bucket("tidy")
    root_s3 = client("s3")
    etag = root_s3.put_object(Bucket=name, Key="a", Body=b"1")["ETag"]
    root_s3.put_object(Bucket=name, Key="b", Body=b"2")
    only_conditional = policy(
        {"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": f"arn:aws:s3:::{name}/*"},
        {
            "Effect": "Deny",
            "Action": "s3:DeleteObject",
            "Resource": f"arn:aws:s3:::{name}/*",
            "Condition": {"Null": {"s3:if-match": "true"}},
        },
    )
    user = person(inline=only_conditional)
    s3 = user.client("s3")
    err = error_of(lambda: s3.delete_object(Bucket=name, Key="a"))
    assert err["Error"]["Code"] == "AccessDenied"
    err = error_of(lambda: s3.delete_object(Bucket=name, Key="a", IfMatch=etag))
    assert err["Error"]["Message"] == not_allowed(
        user.arn, "s3:GetObject", f"arn:aws:s3:::{name}/a", quoted=True
    )
    s3.delete_object(Bucket=name, Key="b", IfMatch="*")
    left = [o["Key"] for o in root_s3.list_objects_v2(Bucket=name)["Contents"]]
    assert left == ["a"]


def test_form_uploads_act_as_their_signer(
    person: MakePerson, bucket: Callable[[str], str], client: Callable[..., Any]
) -> None:
    """A browser POST is a PutObject by whoever signed its policy: the policy admitting the
    form does not let it write where that user may not."""
    name = bucket("forms")
    user = person(
        inline=policy(
            {
                "Effect": "Allow",
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{name}/inbox/*",
            }
        )
    )
    s3 = user.client("s3")
    for key, status in (("inbox/a.csv", 204), ("private/a.csv", 403)):
        presigned = s3.generate_presigned_post(name, key)
        answer = requests.post(
            presigned["url"], data=presigned["fields"], files={"file": ("a", b"1")}, timeout=60
        )
        assert answer.status_code == status
    assert ElementTree.fromstring(answer.content).findtext("Message") == not_allowed(
        user.arn, "s3:PutObject", f"arn:aws:s3:::{name}/private/a.csv", quoted=True
    )
    listed = client("s3").list_objects_v2(Bucket=name)["Contents"]
    assert [o["Key"] for o in listed] == ["inbox/a.csv"]
