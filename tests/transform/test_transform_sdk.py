"""The SDK v2 batch transform flow as the lesson writes it: fit, `est.transformer(...)`,
`transform(s3_uri, content_type="text/csv", split_type="Line")`, `wait()`."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_training_sdk import notebook

from sagelab.testing import SagelabServer

pytestmark = pytest.mark.slow


def test_estimator_transformer_transforms_csv_and_waits(
    server: SagelabServer, role: str, tmp_path: Path
) -> None:
    _, result = notebook(
        server,
        tmp_path,
        role,
        """
        from sagemaker.estimator import Estimator
        from sagemaker.s3 import S3Downloader
        bucket = session.default_bucket()
        np.savetxt("train.csv", np.column_stack([y, X]), delimiter=",")
        np.savetxt("test.csv", X[:25], delimiter=",")
        train = session.upload_data("train.csv", key_prefix="sdk-batch/train")
        test = session.upload_data("test.csv", key_prefix="sdk-batch/test")
        container = image_uris.retrieve("linear-learner", session.boto_region_name)
        est = Estimator(container, role, instance_count=1, instance_type="ml.m5.large",
                        output_path=f"s3://{bucket}/sdk-batch/output", sagemaker_session=session)
        est.set_hyperparameters(feature_dim=13, predictor_type="regressor",
                                mini_batch_size=50, epochs=3)
        est.fit({"train": sagemaker.inputs.TrainingInput(train, content_type="text/csv")},
                logs=False)
        transformer = est.transformer(instance_count=1, instance_type="ml.m5.large",
                                      assemble_with="Line", accept="application/jsonlines",
                                      output_path=f"s3://{bucket}/sdk-batch/predictions")
        transformer.transform(test, content_type="text/csv", split_type="Line")
        transformer.wait()
        out = S3Downloader.read_file(f"{transformer.output_path}/test.csv.out",
                                     sagemaker_session=session)
        described = session.sagemaker_client.describe_transform_job(
            TransformJobName=transformer.latest_transform_job.name)
        report(lines=len(out.splitlines()), status=described["TransformJobStatus"],
               first=out.splitlines()[0])
        """,
    )
    assert result["status"] == "Completed"
    assert result["lines"] == 25
    assert '"score"' in result["first"]
