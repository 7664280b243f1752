"""Endpoints keep answering: through UpdateEndpoint, a killed instance, a sagelab restart."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable

import pytest
from hosting_kit import Load, csv_body, model_server_pids, wait_endpoint
from training_kit import LL_IMAGE, make_role, unique

from sagelab.testing import SagelabServer


def test_update_endpoint_under_load_fails_no_call(
    server: SagelabServer, deploy: Callable[..., str], hosting_role: str, model_data: str
) -> None:
    name = deploy([{"VariantName": "Old"}])
    sm, runtime = server.client("sagemaker"), server.client("sagemaker-runtime")
    model = unique("model")
    sm.create_model(
        ModelName=model,
        ExecutionRoleArn=hosting_role,
        PrimaryContainer={"Image": LL_IMAGE, "ModelDataUrl": model_data},
    )
    config = unique("config")
    sm.create_endpoint_config(
        EndpointConfigName=config,
        ProductionVariants=[
            {
                "VariantName": "New",
                "ModelName": model,
                "InstanceType": "ml.m5.large",
                "InitialInstanceCount": 1,
            }
        ],
    )
    with Load(runtime, name) as load:
        time.sleep(0.3)
        sm.update_endpoint(EndpointName=name, EndpointConfigName=config)
        assert sm.describe_endpoint(EndpointName=name)["EndpointStatus"] == "Updating"
        described = wait_endpoint(sm, name)
        time.sleep(2.5)  # past the old generation's drain
    assert load.failures == [] and load.ok > 0
    assert described["EndpointStatus"] == "InService"
    assert described["EndpointConfigName"] == config
    assert [v["VariantName"] for v in described["ProductionVariants"]] == ["New"]
    answer = runtime.invoke_endpoint(EndpointName=name, Body=csv_body(1), ContentType="text/csv")
    assert answer["InvokedProductionVariant"] == "New"


def test_killed_instance_restarts_while_the_other_serves(
    server: SagelabServer, deploy: Callable[..., str]
) -> None:
    name = deploy([{"VariantName": "AllTraffic", "InitialInstanceCount": 2}])
    runtime = server.client("sagemaker-runtime")
    before = model_server_pids(name)
    assert len(before) == 2
    with Load(runtime, name) as load:
        time.sleep(0.3)
        os.kill(before[0], signal.SIGKILL)
        deadline = time.monotonic() + 20
        while len(set(model_server_pids(name)) - set(before)) < 1:
            assert time.monotonic() < deadline, "the killed instance was not restarted"
            time.sleep(0.1)
        time.sleep(1.0)
    assert load.failures == [] and load.ok > 0
    assert len(model_server_pids(name)) == 2


@pytest.mark.slow
def test_in_service_endpoint_survives_a_restart(
    server: SagelabServer, fresh_server: SagelabServer, model_data: str
) -> None:
    bucket, key = model_data.split("://", 1)[1].split("/", 1)
    artifact = server.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    fresh_server.start()
    role = make_role(fresh_server, ["AmazonSageMakerFullAccess"])
    s3 = fresh_server.client("s3")
    s3.create_bucket(Bucket="sagemaker-restart")
    s3.put_object(Bucket="sagemaker-restart", Key="model.tar.gz", Body=artifact)
    sm = fresh_server.client("sagemaker")
    sm.create_model(
        ModelName="m",
        ExecutionRoleArn=role,
        PrimaryContainer={"Image": LL_IMAGE, "ModelDataUrl": "s3://sagemaker-restart/model.tar.gz"},
    )
    sm.create_endpoint_config(
        EndpointConfigName="c",
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": "m",
                "InstanceType": "ml.m5.large",
                "InitialInstanceCount": 1,
            }
        ],
    )
    sm.create_endpoint(EndpointName="restarted", EndpointConfigName="c")
    assert wait_endpoint(sm, "restarted")["EndpointStatus"] == "InService"
    served_by = model_server_pids("restarted")

    fresh_server.kill()
    fresh_server.start()
    sm, runtime = fresh_server.client("sagemaker"), fresh_server.client("sagemaker-runtime")
    assert sm.describe_endpoint(EndpointName="restarted")["EndpointStatus"] == "InService"
    answer = runtime.invoke_endpoint(
        EndpointName="restarted", Body=csv_body(2), ContentType="text/csv"
    )
    assert answer["InvokedProductionVariant"] == "AllTraffic"
    assert model_server_pids("restarted") == served_by  # adopted, not started again
    sm.delete_endpoint(EndpointName="restarted")
    sm.get_waiter("endpoint_deleted").wait(
        EndpointName="restarted", WaiterConfig={"Delay": 0.2, "MaxAttempts": 50}
    )
    assert model_server_pids("restarted") == [] or _ends(served_by)


def _ends(pids: list[int], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(os.path.exists(f"/proc/{p}") for p in pids):
            return True
        time.sleep(0.1)
    return False
