"""A server killed mid-job comes back with the job settled, never stuck InProgress."""

from __future__ import annotations

import time

import pytest
from training_kit import (
    channel,
    job_request,
    make_role,
    recordio,
    regression_data,
    unique,
    wait_done,
)

from sagelab.testing import SagelabServer


@pytest.mark.slow
def test_kill_9_mid_job_then_restart(fresh_server: SagelabServer) -> None:
    fresh_server.start()
    role = make_role(fresh_server, ["AmazonSageMakerFullAccess"])
    bucket = unique("sagemaker-restart")
    s3 = fresh_server.client("s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="train/data", Body=recordio(*regression_data()))
    hps = {"feature_dim": "13", "predictor_type": "regressor", "mini_batch_size": "10"}
    long_job = job_request(
        role,
        bucket,
        [channel("train", f"s3://{bucket}/train/")],
        HyperParameters={**hps, "epochs": "1000000", "early_stopping_patience": "1000000"},
    )
    short_job = job_request(
        role,
        bucket,
        [channel("train", f"s3://{bucket}/train/")],
        HyperParameters={**hps, "epochs": "2"},
    )
    sm = fresh_server.client("sagemaker")
    sm.create_training_job(**long_job)
    sm.create_training_job(**short_job)
    deadline = time.monotonic() + 30
    while (
        sm.describe_training_job(TrainingJobName=long_job["TrainingJobName"])["SecondaryStatus"]
        != "Training"
    ):
        assert time.monotonic() < deadline
        time.sleep(0.1)

    fresh_server.kill()
    time.sleep(3)  # the short job reaches its upload while no server answers
    fresh_server.start()

    sm = fresh_server.client("sagemaker")
    # The short job's upload retried while the server was away; it finishes once it is back.
    short = wait_done(sm, short_job["TrainingJobName"], timeout=60)
    assert short["TrainingJobStatus"] == "Completed", short.get("FailureReason")
    assert (
        sm.describe_training_job(TrainingJobName=long_job["TrainingJobName"])["TrainingJobStatus"]
        == "InProgress"
    )  # adopted: its process still runs
    sm.stop_training_job(TrainingJobName=long_job["TrainingJobName"])
    # Stop latency has its own test; here the adopted job only has to settle, even on a busy host.
    deadline = time.monotonic() + 30
    while (
        status := sm.describe_training_job(TrainingJobName=long_job["TrainingJobName"])[
            "TrainingJobStatus"
        ]
    ) != "Stopped":
        assert time.monotonic() < deadline, status
        time.sleep(0.1)
