"""CreateTrainingJob's checks, Describe/Stop/List of jobs, tags and Search, through boto3."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from training_kit import LL_IMAGE, channel, job_request, unique, wait_done


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


@pytest.fixture
def request_(role: str, bucket: str) -> dict[str, Any]:
    return job_request(role, bucket, [channel("train", f"s3://{bucket}/nothing/")])


def test_bad_hyperparameters_are_refused_naming_the_parameter(
    client: Any, request_: dict[str, Any]
) -> None:
    request_["HyperParameters"]["predictor_type"] = "regresor"
    with pytest.raises(ClientError) as exc:
        client("sagemaker").create_training_job(**request_)
    code, message = _error(exc)
    assert code == "ValidationException"
    assert "predictor_type" in message and "regresor" in message
    request_["HyperParameters"] = {"feature_dim": "13", "predictor_type": "regressor", "epoch": "3"}
    with pytest.raises(ClientError) as exc:
        client("sagemaker").create_training_job(**request_)
    assert "'epoch'" in _error(exc)[1]
    assert (
        client("sagemaker").list_training_jobs(NameContains=request_["TrainingJobName"])[
            "TrainingJobSummaries"
        ]
        == []
    )


def test_images_sagelab_cannot_run(client: Any, request_: dict[str, Any]) -> None:
    sm = client("sagemaker")
    request_["AlgorithmSpecification"]["TrainingImage"] = "123456789012.dkr.ecr.x.io/mine:1"
    with pytest.raises(ClientError) as exc:
        sm.create_training_job(**request_)
    code, message = _error(exc)
    assert code == "ValidationException" and "123456789012.dkr.ecr.x.io/mine:1" in message
    pytorch = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1.0-cpu-py310"
    request_["AlgorithmSpecification"]["TrainingImage"] = pytorch
    with pytest.raises(ClientError) as exc:
        sm.create_training_job(**request_)
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert pytorch in _error(exc)[1]


def test_members_sagelab_does_not_build_answer_501(client: Any, request_: dict[str, Any]) -> None:
    sm = client("sagemaker")
    with pytest.raises(ClientError) as exc:
        sm.create_training_job(
            **request_, VpcConfig={"SecurityGroupIds": ["sg-1"], "Subnets": ["s"]}
        )
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert "VpcConfig" in _error(exc)[1]
    request_["AlgorithmSpecification"]["ContainerEntrypoint"] = ["/bin/bash"]
    with pytest.raises(ClientError) as exc:
        sm.create_training_job(**request_)
    assert "ContainerEntrypoint" in _error(exc)[1]


def test_role_must_trust_sagemaker(client: Any, request_: dict[str, Any], server: Any) -> None:
    missing = f"arn:aws:iam::{server.account_id}:role/{unique('NoSuchRole')}"
    with pytest.raises(ClientError) as exc:
        client("sagemaker").create_training_job(**{**request_, "RoleArn": missing})
    code, message = _error(exc)
    assert code == "ValidationException"
    assert message.startswith(f"Could not assume role {missing}.")


def test_describe_stop_and_duplicates(client: Any, request_: dict[str, Any]) -> None:
    sm = client("sagemaker")
    name = request_["TrainingJobName"]
    arn = sm.create_training_job(**request_)["TrainingJobArn"]
    assert arn.endswith(f":training-job/{name}")
    with pytest.raises(ClientError) as exc:
        sm.create_training_job(**request_)
    code, message = _error(exc)
    assert code == "ResourceInUse" and arn in message
    job = wait_done(sm, name)  # the channel is empty: the job fails, the user is told why
    assert job["TrainingJobStatus"] == "Failed"
    assert job["FailureReason"].startswith("ClientError: ")
    assert "nothing/" in job["FailureReason"]
    with pytest.raises(ClientError) as exc:
        sm.stop_training_job(TrainingJobName=name)
    assert _error(exc) == (
        "ValidationException",
        "The request was rejected because the training job is in status Failed.",
    )
    with pytest.raises(ClientError) as exc:
        sm.describe_training_job(TrainingJobName=unique("missing"))
    assert _error(exc) == ("ValidationException", "Requested resource not found.")


def test_tags_list_and_search(client: Any, request_: dict[str, Any]) -> None:
    sm = client("sagemaker")
    name = request_["TrainingJobName"]
    arn = sm.create_training_job(**request_, Tags=[{"Key": "team", "Value": "a"}])["TrainingJobArn"]
    sm.add_tags(
        ResourceArn=arn, Tags=[{"Key": "stage", "Value": "dev"}, {"Key": "team", "Value": "b"}]
    )
    assert sm.list_tags(ResourceArn=arn)["Tags"] == [
        {"Key": "team", "Value": "b"},
        {"Key": "stage", "Value": "dev"},
    ]
    sm.delete_tags(ResourceArn=arn, TagKeys=["team"])
    # ARNs are looked up case-insensitively (SageMaker has lower-cased them over time).
    shouted = arn.replace(name, name.upper())
    assert sm.list_tags(ResourceArn=shouted)["Tags"] == [{"Key": "stage", "Value": "dev"}]

    listed = sm.list_training_jobs(NameContains=name)["TrainingJobSummaries"]
    assert [s["TrainingJobName"] for s in listed] == [name]

    found = sm.search(
        Resource="TrainingJob",
        SearchExpression={
            "Filters": [{"Name": "TrainingJobName", "Operator": "Equals", "Value": name}]
        },
    )["Results"]
    assert [r["TrainingJob"]["TrainingJobName"] for r in found] == [name]
    assert found[0]["TrainingJob"]["Tags"] == [{"Key": "stage", "Value": "dev"}]
    later = sm.search(
        Resource="TrainingJob",
        SearchExpression={
            "Filters": [
                {"Name": "TrainingJobName", "Operator": "Contains", "Value": name},
                {
                    "Name": "CreationTime",
                    "Operator": "GreaterThan",
                    "Value": "2999-01-01T00:00:00Z",
                },
            ]
        },
    )
    assert later["Results"] == []
    with pytest.raises(ClientError) as exc:
        sm.search(
            Resource="TrainingJob",
            SearchExpression={"Filters": [{"Name": "RoleArn", "Operator": "Equals", "Value": "x"}]},
        )
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert "RoleArn" in _error(exc)[1]
    wait_done(sm, name)


def test_image_uri_forms(client: Any, request_: dict[str, Any]) -> None:
    """Any account, region, tag or digest of a known repository names the algorithm."""
    sm = client("sagemaker")
    digest = "sha256:" + "ab" * 32
    for image in (
        LL_IMAGE.replace(":1", ":latest"),
        "174872318107.dkr.ecr.us-west-2.amazonaws.com/linear-learner@" + digest,
    ):
        request_["TrainingJobName"] = unique("img")
        request_["AlgorithmSpecification"]["TrainingImage"] = image
        sm.create_training_job(**request_)
        assert (
            sm.describe_training_job(TrainingJobName=request_["TrainingJobName"])[
                "AlgorithmSpecification"
            ]["TrainingImage"]
            == image
        )
        wait_done(sm, request_["TrainingJobName"])
