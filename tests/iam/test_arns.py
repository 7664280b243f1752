"""ARN builders and the parser (pure)."""

from __future__ import annotations

import re

import pytest

from sagelab import arns


def test_iam_arns_carry_the_path() -> None:
    assert arns.iam_user("123456789012", "alice") == "arn:aws:iam::123456789012:user/alice"
    assert arns.iam_role("123456789012", "r", "/service/") == (
        "arn:aws:iam::123456789012:role/service/r"
    )
    assert arns.iam_policy("aws", "ReadOnlyAccess") == "arn:aws:iam::aws:policy/ReadOnlyAccess"
    assert arns.iam_root("123456789012") == "arn:aws:iam::123456789012:root"


def test_sagemaker_lower_cases_hosting_names_only() -> None:
    assert arns.sagemaker("us-east-1", "1", "endpoint", "My-Ep").endswith(":endpoint/my-ep")
    assert arns.sagemaker("us-east-1", "1", "model", "M").endswith(":model/m")
    assert arns.sagemaker("us-east-1", "1", "training-job", "Job-A").endswith(":training-job/Job-A")


def test_other_builders() -> None:
    assert arns.sts_assumed_role("1", "R", "s") == "arn:aws:sts::1:assumed-role/R/s"
    assert arns.s3_object("b", "a/../k") == "arn:aws:s3:::b/a/../k"
    assert arns.logs_group("eu-west-1", "1", "/g") == "arn:aws:logs:eu-west-1:1:log-group:/g:*"
    assert arns.logs_group("eu-west-1", "1", "/g", wildcard=False).endswith("log-group:/g")


@pytest.mark.parametrize(
    ("text", "kind", "ident", "name"),
    [
        ("arn:aws:iam::123456789012:user/a/b/alice", "user", "a/b/alice", "alice"),
        ("arn:aws:logs:us-east-1:1:log-group:/aws/x:*", "log-group", "/aws/x:*", "x:*"),
        ("arn:aws:s3:::bucket", "bucket", "", "bucket"),
        ("arn:aws:iam::1:root", "root", "", "root"),
    ],
)
def test_parse_round_trips(text: str, kind: str, ident: str, name: str) -> None:
    parsed = arns.parse(text)
    assert str(parsed) == text
    assert parsed.resource_type == kind
    assert parsed.resource_id == ident
    if ident:
        assert parsed.name == name


@pytest.mark.parametrize("text", ["", "arn:aws", "not:an:arn:at:all:x", "arn::iam::1:root"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        arns.parse(text)
    assert arns.try_parse(text) is None


def test_id_generators() -> None:
    assert re.fullmatch(r"AIDA[A-Z0-9]{17}", arns.unique_id("AIDA"))
    assert re.fullmatch(r"AKIA[A-Z0-9]{16}", arns.access_key_id())
    assert re.fullmatch(r"ASIA[A-Z0-9]{16}", arns.access_key_id(temporary=True))
    assert len(arns.secret_access_key()) == 40
    assert arns.unique_id("AIDA") != arns.unique_id("AIDA")
