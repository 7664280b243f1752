"""Server-side validation against real botocore shapes, with AWS's exact wording."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.model import OperationModel, Shape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sagelab.gateway.errors import ValidationError
from sagelab.gateway.models import SERVICES, service_model
from sagelab.gateway.validate import MAX_LISTED, java_regex, validate

SM_NAME = "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"
CHANNEL = r"[A-Za-z0-9\.\-_]+"
IAM_NAME = r"[\w+=,.@-]+"
FAILED = "failed to satisfy constraint"
PATTERN = "Member must satisfy regular expression pattern"

VALID_JOB: dict[str, Any] = {
    "TrainingJobName": "job-1",
    "RoleArn": "arn:aws:iam::123456789012:role/SageMakerRole",
    "AlgorithmSpecification": {"TrainingImage": "img:latest", "TrainingInputMode": "File"},
    "HyperParameters": {"epochs": "5"},
    "InputDataConfig": [
        {
            "ChannelName": "train",
            "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/train"}},
        }
    ],
    "OutputDataConfig": {"S3OutputPath": "s3://b/out"},
    "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
    "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
    "Tags": [{"Key": "team", "Value": "ml"}],
}


def op(service: str, name: str) -> OperationModel:
    return service_model(service).operation_model(name)


def job(**changes: Any) -> dict[str, Any]:
    params = copy.deepcopy(VALID_JOB)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params


def failure(operation: OperationModel, params: dict[str, Any], style: Any) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        validate(operation, params, style=style)
    return info.value


def one(value: str, path: str, constraint: str) -> str:
    return f"1 validation error detected: {value} at '{path}' {FAILED}: {constraint}"


def test_valid_training_job_passes() -> None:
    validate(op("sagemaker", "CreateTrainingJob"), job(), style="json")


INSTANCE_TYPES = ", ".join(service_model("sagemaker").shape_for("TrainingInstanceType").enum)

SAGEMAKER_CASES = [
    pytest.param(
        job(TrainingJobName="bad name!"),
        one(
            "Value 'bad name!'",
            "trainingJobName",
            f"Member must satisfy regular expression pattern: {SM_NAME}",
        ),
        id="name-pattern",
    ),
    pytest.param(
        job(RoleArn=None),
        one("Value null", "roleArn", "Member must not be null"),
        id="required-top-level",
    ),
    pytest.param(
        job(InputDataConfig=[{"ChannelName": "bad name", "DataSource": {}}]),
        one(
            "Value 'bad name'",
            "inputDataConfig.1.member.channelName",
            f"Member must satisfy regular expression pattern: {CHANNEL}",
        ),
        id="list-of-structures",
    ),
    pytest.param(
        job(InputDataConfig=[]),
        one("Value '[]'", "inputDataConfig", "Member must have length greater than or equal to 1"),
        id="list-min-length",
    ),
    pytest.param(
        job(ResourceConfig={"InstanceType": "ml.bogus", "InstanceCount": 1}),
        one(
            "Value 'ml.bogus'",
            "resourceConfig.instanceType",
            f"Member must satisfy enum value set: [{INSTANCE_TYPES}]",
        ),
        id="enum",
    ),
    pytest.param(
        job(StoppingCondition={"MaxRuntimeInSeconds": 0}),
        one(
            "Value '0'",
            "stoppingCondition.maxRuntimeInSeconds",
            "Member must have value greater than or equal to 1",
        ),
        id="range",
    ),
    pytest.param(
        job(Tags=[{"Key": "team"}]),
        one("Value null", "tags.1.member.value", "Member must not be null"),
        id="required-nested",
    ),
    pytest.param(
        job(HyperParameters={"lr": "x" * 2501}),
        one(
            "Value '{lr=" + "x" * 2501 + "}'",
            "hyperParameters",
            "Map value must satisfy constraint: ["
            "Member must have length less than or equal to 2500, "
            "Member must have length greater than or equal to 0, "
            "Member must satisfy regular expression pattern: .*]",
        ),
        id="map-value",
    ),
    pytest.param(
        job(ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": "1"}),
        one("Value '1'", "resourceConfig.instanceCount", "Member must be of type integer"),
        id="type-defence",
    ),
    pytest.param(
        job(ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": True}),
        one("Value 'true'", "resourceConfig.instanceCount", "Member must be of type integer"),
        id="bool-is-no-integer",
    ),
]


@pytest.mark.parametrize(("params", "message"), SAGEMAKER_CASES)
def test_sagemaker_json_messages(params: dict[str, Any], message: str) -> None:
    err = failure(op("sagemaker", "CreateTrainingJob"), params, "json")
    assert (err.code, err.status, err.message) == ("ValidationException", 400, message)


def test_map_length_counts_entries() -> None:
    params = job(HyperParameters={f"k{i}": "v" for i in range(101)})
    message = failure(op("sagemaker", "CreateTrainingJob"), params, "json").message
    assert message.startswith("1 validation error detected: Value '{k0=v, k1=v, ")
    assert message.endswith(
        "at 'hyperParameters' failed to satisfy constraint: "
        "Member must have length less than or equal to 100"
    )


def test_several_errors_keep_model_order_and_constraint_order() -> None:
    name = "a" * 64  # breaks both the pattern ({0,62} after the first) and the length
    params = job(TrainingJobName=name, RoleArn=None, OutputDataConfig=None)
    err = failure(op("sagemaker", "CreateTrainingJob"), params, "json")
    assert err.message == (
        "4 validation errors detected: "
        f"Value '{name}' at 'trainingJobName' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {SM_NAME}; "
        f"Value '{name}' at 'trainingJobName' failed to satisfy constraint: "
        "Member must have length less than or equal to 63; "
        "Value null at 'roleArn' failed to satisfy constraint: Member must not be null; "
        "Value null at 'outputDataConfig' failed to satisfy constraint: Member must not be null"
    )


def test_count_says_all_but_list_is_capped() -> None:
    tags = [{"Key": "k"} for _ in range(MAX_LISTED + 2)]
    err = failure(op("sagemaker", "CreateTrainingJob"), job(Tags=tags), "json")
    assert err.message.startswith(f"{MAX_LISTED + 2} validation errors detected: ")
    assert err.message.count("failed to satisfy constraint") == MAX_LISTED
    assert f"tags.{MAX_LISTED}.member.value" in err.message
    assert f"tags.{MAX_LISTED + 1}.member" not in err.message


IAM_CASES = [
    pytest.param(
        {"UserName": "a" * 65},
        one(
            "Value '" + "a" * 65 + "'",
            "userName",
            "Member must have length less than or equal to 64",
        ),
        id="max-length",
    ),
    pytest.param(
        {"UserName": "bad name"},
        one(
            "Value 'bad name'",
            "userName",
            f"Member must satisfy regular expression pattern: {IAM_NAME}",
        ),
        id="pattern",
    ),
    pytest.param(
        {"UserName": ""},
        "2 validation errors detected: "
        f"Value '' at 'userName' {FAILED}: {PATTERN}: {IAM_NAME}; "
        f"Value '' at 'userName' {FAILED}: Member must have length greater than or equal to 1",
        id="empty",
    ),
    pytest.param(
        {"UserName": "alice", "Path": "no-slashes"},
        one(
            "Value 'no-slashes'",
            "path",
            PATTERN + r": (\u002F)|(\u002F[\u0021-\u007E]+\u002F)",
        ),
        id="path",
    ),
]


@pytest.mark.parametrize(("params", "message"), IAM_CASES)
def test_iam_query_messages(params: dict[str, Any], message: str) -> None:
    err = failure(op("iam", "CreateUser"), params, "query")
    assert (err.code, err.message) == ("ValidationError", message)


def test_sensitive_values_are_not_echoed() -> None:
    params = {"UserName": "alice", "Password": "p" * 129}
    err = failure(op("iam", "CreateLoginProfile"), params, "query")
    assert err.message == one(
        "Value", "password", "Member must have length less than or equal to 128"
    )


def test_plain_list_is_judged_whole() -> None:
    params = {"UserName": "alice", "TagKeys": ["ok", "bad#key"]}
    err = failure(op("iam", "UntagUser"), params, "query")
    assert err.message.startswith(
        "1 validation error detected: Value '[ok, bad#key]' at 'tagKeys' failed to satisfy "
        "constraint: Member must satisfy constraint: [Member must have length less than or equal "
        "to 128, Member must have length greater than or equal to 1, Member must satisfy regular "
        r"expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+]"
    )


def test_rest_json_answers_validation_error() -> None:
    params = {"EndpointName": "bad_name", "Body": b"1,2"}
    err = failure(op("sagemaker-runtime", "InvokeEndpoint"), params, "rest-json")
    assert err.code == "ValidationError"
    assert "at 'endpointName'" in err.message


def test_s3_checks_only_presence() -> None:
    put = op("s3", "PutObject")
    validate(put, {"Bucket": "b", "Key": "k", "ACL": "not-an-acl", "Body": object()}, style="s3")
    err = failure(
        op("s3", "PutBucketTagging"), {"Bucket": "b", "Tagging": {"TagSet": [{"Key": "k"}]}}, "s3"
    )
    assert (err.code, err.status) == ("MalformedXML", 400)


@pytest.mark.parametrize(
    ("pattern", "good", "bad"),
    [
        (r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+", "héllo wörld 1", "a#"),
        (r"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\t]*", "a😀\t", "a\x01"),
        (r"\A\S[\p{Print}]*\z", "model.tar.gz", " lead"),
        (r"[\w-_]*", "a-_b", "a b"),
        (r"([\p{L}]*)${1,128}", "abc", "ab1"),
        (r"\p{ASCII}*", "text/csv", "é"),
        (r"[a-z]+", "abc", "abc\n"),
        (r"^[a-z]+$", "abc", "abc\n"),
        (r"[\w+=,.@-]+", "a_b", "ünï"),  # Java's \w is ASCII
    ],
)
def test_java_patterns_match_whole_values(pattern: str, good: str, bad: str) -> None:
    compiled = java_regex(pattern)
    assert compiled.fullmatch(good)
    assert compiled.fullmatch(bad) is None


def test_every_model_pattern_translates() -> None:
    untranslatable = []
    for service in SERVICES:
        model = service_model(service)
        for name in model.shape_names:
            pattern = model.shape_for(name).metadata.get("pattern")
            if pattern is None:
                continue
            try:
                java_regex(pattern)
            except re.error:
                untranslatable.append((service, name, pattern))
    assert untranslatable == []


def test_lengths_count_utf16_units_as_java_does() -> None:
    # 32 emoji are 64 UTF-16 units: one over IAM's 64 when a letter is added.
    err = failure(op("iam", "CreateUser"), {"UserName": "a" + "😀" * 32}, "query")
    assert "Member must have length less than or equal to 64" in err.message


# -- generated params that satisfy every constraint pass ---------------------------------------


def _string(shape: Shape) -> st.SearchStrategy[str]:
    if shape.enum:
        return st.sampled_from(shape.enum)
    lo, hi = shape.metadata.get("min", 0), min(shape.metadata.get("max", 40), 40)
    pattern = shape.metadata.get("pattern")
    if pattern is None:
        return st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=lo, max_size=hi)
    compiled = java_regex(pattern)
    if "\\p{" in pattern:
        # Hypothesis takes seconds to build a strategy from a whole Unicode category; letters
        # and digits satisfy every such pattern in the models, and the filter keeps that honest.
        return st.text("abcXYZ019", min_size=max(lo, 1), max_size=hi).filter(compiled.fullmatch)
    return st.from_regex(compiled, fullmatch=True).filter(
        lambda s: lo <= len(s.encode("utf-16-le")) // 2 <= shape.metadata.get("max", 1 << 30)
    )


def _number(shape: Shape) -> st.SearchStrategy[Any]:
    lo, hi = shape.metadata.get("min"), shape.metadata.get("max")
    if shape.type_name in {"float", "double"}:
        return st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    return st.integers(lo, hi)


def _collection(shape: Shape, depth: int) -> st.SearchStrategy[Any]:
    lo = shape.metadata.get("min", 0)
    hi = min(shape.metadata.get("max", lo + 2), lo + 2)
    if shape.type_name == "list":
        return st.lists(strategy(shape.member, depth + 1), min_size=lo, max_size=hi)
    return st.dictionaries(
        _string(shape.key), strategy(shape.value, depth + 1), min_size=lo, max_size=hi
    )


def strategy(shape: Shape, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values of `shape` that satisfy all its constraints (optional members only when shallow)."""
    kind = shape.type_name
    if kind == "structure":
        members = shape.members
        required = {n: strategy(members[n], depth + 1) for n in shape.required_members}
        optional = (
            {}
            if depth >= 2
            else {n: strategy(m, depth + 1) for n, m in members.items() if n not in required}
        )
        return st.fixed_dictionaries(required, optional=optional)
    if kind in {"list", "map"}:
        return _collection(shape, depth)
    if kind == "string":
        return _string(shape)
    if kind in {"integer", "long", "float", "double"}:
        return _number(shape)
    if kind == "blob":
        return st.binary(max_size=16)
    if kind == "timestamp":
        return st.datetimes(timezones=st.just(UTC))
    return st.booleans()


GENERATED = [
    ("iam", "CreateUser", "query"),
    ("sagemaker", "CreateModel", "json"),
    ("sagemaker", "DescribeTrainingJob", "json"),
    ("logs", "PutLogEvents", "json"),
]


@pytest.mark.parametrize(("service", "operation", "style"), GENERATED)
def test_params_satisfying_the_constraints_pass(service: str, operation: str, style: Any) -> None:
    model_op = op(service, operation)

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(strategy(model_op.input_shape))
    def check(params: dict[str, Any]) -> None:
        validate(model_op, params, style=style)

    check()


def test_long_members_refuse_datetimes() -> None:
    params = {
        "logGroupName": "g",
        "logStreamName": "s",
        "logEvents": [{"timestamp": 1, "message": "m"}],
    }
    validate(op("logs", "PutLogEvents"), params, style="json")
    params["logEvents"] = [{"timestamp": datetime.now(UTC), "message": "m"}]
    err = failure(op("logs", "PutLogEvents"), params, "json")
    assert "Member must be of type long" in err.message
