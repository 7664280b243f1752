"""What the hosting stories (and the hosting benchmarks) share: a trained model, endpoints
made from it and waited for, request bodies, SDK cells run in a fresh interpreter."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from training_kit import LL_IMAGE, channel, job_request, recordio, regression_data, wait_done

from sagelab.testing import SagelabServer


def trained_job(
    server: SagelabServer, role: str, bucket: str, timeout: float = 60.0
) -> dict[str, Any]:
    """The Describe of a completed Linear Learner regressor (13 features) trained from data
    it puts in `bucket`."""
    x, y = regression_data()
    server.client("s3").put_object(Bucket=bucket, Key="train/data", Body=recordio(x, y))
    sm = server.client("sagemaker")
    request = job_request(role, bucket, [channel("train", f"s3://{bucket}/train")])
    sm.create_training_job(**request)
    job = wait_done(sm, request["TrainingJobName"], timeout)
    assert job["TrainingJobStatus"] == "Completed", job.get("FailureReason")
    return job


def create_model(sm: Any, name: str, role: str, model_data: str) -> None:
    sm.create_model(
        ModelName=name,
        ExecutionRoleArn=role,
        PrimaryContainer={"Image": LL_IMAGE, "ModelDataUrl": model_data},
    )


def variant(model: str, **extra: Any) -> dict[str, Any]:
    """A production variant `AllTraffic` of one ml.m5.large instance serving `model`."""
    return {
        "VariantName": "AllTraffic",
        "ModelName": model,
        "InstanceType": "ml.m5.large",
        "InitialInstanceCount": 1,
        **extra,
    }


def serve(
    sm: Any, name: str, role: str, model_data: str, poll: float = 0.05, **config: Any
) -> dict[str, Any]:
    """A model, an endpoint config of one variant (plus the `config` members) and an
    endpoint, all called `name`; answers the endpoint's Describe once it left Creating."""
    create_model(sm, name, role, model_data)
    sm.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[variant(name)], **config)
    sm.create_endpoint(EndpointName=name, EndpointConfigName=name)
    return wait_endpoint(sm, name, poll=poll)


def wait_endpoint(sm: Any, name: str, timeout: float = 30.0, poll: float = 0.05) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found: dict[str, Any] = sm.describe_endpoint(EndpointName=name)
        if found["EndpointStatus"] not in ("Creating", "Updating"):
            return found
        time.sleep(poll)
    raise AssertionError(f"{name} still {found['EndpointStatus']} after {timeout}s")


def csv_body(rows: int = 3) -> bytes:
    x, _ = regression_data(rows)
    return "\n".join(",".join(str(v) for v in row) for row in x).encode()


class Load:
    """Clients invoking an endpoint without pause, on their own threads, counting what came
    back: a steady request stream to change the endpoint under."""

    def __init__(self, runtime: Any, name: str, clients: int = 4) -> None:
        self.runtime, self.name = runtime, name
        self.ok = 0
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run) for _ in range(clients)]

    def _run(self) -> None:
        body = csv_body(1)
        while not self._stop.is_set():
            try:
                self.runtime.invoke_endpoint(
                    EndpointName=self.name, Body=body, ContentType="text/csv"
                )
                self.ok += 1
            except Exception as err:  # every failure is the test's finding
                self.failures.append(repr(err))

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()


def model_server_pids(name: str) -> list[int]:
    """The model server processes of endpoint `name` (not their runner wrappers)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        ours = any(f"/{name.lower()}/".encode() in a for a in argv)
        if ours and b"sagelab.container.serve" in argv and not any(b"wrapper" in a for a in argv):
            found.append(int(cmdline.parent.name))
    return found
