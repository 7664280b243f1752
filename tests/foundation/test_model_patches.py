"""One test per patch in sagelab/gateway/model_patches.json."""

from __future__ import annotations

from sagelab.testing import SagelabServer


def test_ranged_get_and_head_answer_206(server: SagelabServer) -> None:
    # Patch: S3 GetObjectOutput/HeadObjectOutput gain a `statusCode` member, so a ranged read
    # answers 206 Partial Content as S3 does (the model has no member for it).
    s3 = server.client("s3")
    s3.create_bucket(Bucket="patch-206")
    s3.put_object(Bucket="patch-206", Key="k", Body=b"0123456789")
    got = s3.get_object(Bucket="patch-206", Key="k", Range="bytes=2-4")
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert got["Body"].read() == b"234"
    whole = s3.get_object(Bucket="patch-206", Key="k")
    assert whole["ResponseMetadata"]["HTTPStatusCode"] == 200
    head = s3.head_object(Bucket="patch-206", Key="k", Range="bytes=0-0")
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 206


def test_sagemaker_patterns_are_shown_anchored(server: SagelabServer) -> None:
    # Patch: SageMaker shape patterns regain the anchors AWS quotes in its messages (botocore
    # stripped them from its model in 2025).
    from botocore.config import Config
    from botocore.exceptions import ClientError

    sm = server.client("sagemaker", config=Config(parameter_validation=False))
    try:
        sm.describe_training_job(TrainingJobName="bad name!")
        raise AssertionError("an invalid name was accepted")
    except ClientError as err:
        assert err.response["Error"]["Message"] == (
            "1 validation error detected: Value 'bad name!' at 'trainingJobName' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern: "
            "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"
        )


def test_bucket_location_is_the_root_element(server: SagelabServer) -> None:
    # Patch: GetBucketLocationOutput's LocationConstraint is an XML payload of its own, as S3
    # answers it (<LocationConstraint>eu-west-1</LocationConstraint>), which botocore's
    # handler reads from the root element's text.
    west = server.client("s3", region_name="eu-west-1")
    west.create_bucket(
        Bucket="patch-location", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    assert west.get_bucket_location(Bucket="patch-location")["LocationConstraint"] == "eu-west-1"
    server.client("s3").create_bucket(Bucket="patch-location-east")
    east = server.client("s3").get_bucket_location(Bucket="patch-location-east")
    assert east["LocationConstraint"] is None
