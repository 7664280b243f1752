"""A real training job and endpoint seen through the SageMaker console: the job's page shows
its hyperparameters, logs and metric charts; the endpoint's "Test inference" box answers a
prediction, its charts count the invocation, and Delete (typed confirmation) removes it."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from console_kit import sign_in
from playwright.sync_api import Page, expect

from sagelab.testing import SagelabServer

# The training and hosting stories' helpers are reused as they are.
sys.path.extend(str(Path(__file__).parents[1] / d) for d in ("training", "hosting"))

from hosting_kit import csv_body, wait_endpoint
from training_kit import (
    LL_IMAGE,
    channel,
    job_request,
    make_role,
    recordio,
    regression_data,
    unique,
    wait_done,
)

CONSOLE = "/_sagelab/console/sagemaker"


@pytest.fixture(scope="module")
def trained(server: SagelabServer) -> dict[str, Any]:
    """A completed Linear Learner job (13 features), its role and its model artifacts."""
    role = make_role(server, ["AmazonSageMakerFullAccess"])
    bucket = unique("sagemaker-console")
    s3, sm = server.client("s3"), server.client("sagemaker")
    s3.create_bucket(Bucket=bucket)
    x, y = regression_data()
    s3.put_object(Bucket=bucket, Key="train/data", Body=recordio(x, y))
    request = job_request(role, bucket, [channel("train", f"s3://{bucket}/train")])
    sm.create_training_job(**request)
    job = wait_done(sm, request["TrainingJobName"], timeout=120)
    assert job["TrainingJobStatus"] == "Completed", job.get("FailureReason")
    return {"role": role, "job": job}


def test_training_job_page(
    page: Page, server: SagelabServer, trained: dict[str, Any], shot: Callable[[Any, str], Path]
) -> None:
    name = trained["job"]["TrainingJobName"]
    sign_in(page, server)
    page.goto(f"{CONSOLE}/training-jobs")
    page.get_by_label("Status").select_option("Completed")
    page.wait_for_url("**status=Completed")
    shot(page, "list")
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    hyper = page.locator("#hyperparameters")
    expect(hyper.locator("tr", has_text="feature_dim")).to_contain_text("13")
    expect(hyper.locator("tr", has_text="predictor_type")).to_contain_text("regressor")
    expect(page.locator(".timeline")).to_contain_text("Completed")
    expect(page.locator("#logs h3").first).to_contain_text(f"{name}/algo-1-")
    expect(page.locator("#logs table.log-events tbody tr").first).to_be_visible()
    assert page.locator("#final-metrics tbody tr").count() >= 1
    drawn = page.locator("figure.sm-chart svg path.line")
    expect(drawn.first).to_be_attached()
    shot(page, "detail")

    page.goto(f"{CONSOLE}/training-jobs?status=Failed")
    expect(page.get_by_role("link", name=name)).to_have_count(0)


def _endpoint(sm: Any, role: str, model_data: str) -> str:
    model, name = unique("console-model"), unique("console-ep")
    sm.create_model(
        ModelName=model,
        ExecutionRoleArn=role,
        PrimaryContainer={"Image": LL_IMAGE, "ModelDataUrl": model_data},
    )
    variant = {"VariantName": "AllTraffic", "ModelName": model, "InitialInstanceCount": 1,
               "InstanceType": "ml.m5.large"}  # fmt: skip
    sm.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[variant])
    sm.create_endpoint(EndpointName=name, EndpointConfigName=name)
    assert wait_endpoint(sm, name, timeout=60)["EndpointStatus"] == "InService"
    return name


def _config_and_model_pages(page: Page, name: str, trained: dict[str, Any]) -> None:
    page.get_by_role("link", name=name, exact=True).click()  # the endpoint configuration
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    model = page.locator("#variants a").inner_text()
    page.locator("#variants a").click()
    expect(page.get_by_text(LL_IMAGE)).to_be_visible()
    model_data = trained["job"]["ModelArtifacts"]["S3ModelArtifacts"]
    expect(page.get_by_text(model_data)).to_be_visible()
    page.get_by_role("navigation", name="Amazon SageMaker").get_by_text("Models").click()
    expect(page.locator("#resources-table")).to_contain_text(model)


def _invocations_drawn(page: Page) -> bool:
    figure = page.locator("figure.sm-chart", has_text="Invocations - AllTraffic")
    return figure.locator("circle.dot").count() > 0


def test_endpoint_page_test_inference_and_delete(
    page: Page,
    server: SagelabServer,
    client: Callable[..., Any],
    trained: dict[str, Any],
    shot: Callable[[Any, str], Path],
) -> None:
    sm = client("sagemaker")
    name = _endpoint(sm, trained["role"], trained["job"]["ModelArtifacts"]["S3ModelArtifacts"])
    sign_in(page, server)
    page.goto(f"{CONSOLE}/endpoints")
    expect(page.locator("#resources-table tr", has_text=name)).to_contain_text("InService")
    page.get_by_role("link", name=name).click()
    expect(page.locator("#variants")).to_contain_text("AllTraffic")
    page.get_by_label("Content type").select_option("text/csv")
    page.get_by_label("Request body").fill(csv_body(2).decode())
    page.get_by_role("button", name="Send Request").click()
    answer = page.locator("#inference-answer")
    expect(answer).to_contain_text("score")
    assert answer.inner_text().count("score") == 2
    shot(page, "invoked")

    deadline = time.monotonic() + 30
    while not _invocations_drawn(page):
        assert time.monotonic() < deadline, "the invocation never reached the chart"
        time.sleep(1)
        page.goto(f"{CONSOLE}/endpoints/{name}")
    shot(page, "charts")
    _config_and_model_pages(page, name, trained)

    page.goto(f"{CONSOLE}/endpoints/{name}")
    page.get_by_role("button", name="Delete").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_contain_text(f"Delete {name}?")
    dialog.get_by_label("To confirm, type").fill("delete")
    dialog.get_by_role("button", name="Delete").click()
    expect(page.get_by_text(f"Deleted {name}.")).to_be_visible()
    names = [e["EndpointName"] for e in sm.list_endpoints(NameContains=name)["Endpoints"]]
    assert names in ([], [name])  # gone, or still Deleting


def test_batch_transform_job_page(
    page: Page,
    server: SagelabServer,
    client: Callable[..., Any],
    trained: dict[str, Any],
    shot: Callable[[Any, str], Path],
) -> None:
    sm, s3 = client("sagemaker"), client("s3")
    model, job = unique("transform-model"), unique("transform")
    sm.create_model(
        ModelName=model,
        ExecutionRoleArn=trained["role"],
        PrimaryContainer={"Image": LL_IMAGE,
                          "ModelDataUrl": trained["job"]["ModelArtifacts"]["S3ModelArtifacts"]},
    )  # fmt: skip
    bucket = trained["job"]["OutputDataConfig"]["S3OutputPath"].split("/")[2]
    s3.put_object(Bucket=bucket, Key="batch/in.csv", Body=csv_body(3))
    sm.create_transform_job(
        TransformJobName=job,
        ModelName=model,
        TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                        "S3Uri": f"s3://{bucket}/batch/"}}, "ContentType": "text/csv"},
        TransformOutput={"S3OutputPath": f"s3://{bucket}/batch-out/"},
        TransformResources={"InstanceType": "ml.m5.large", "InstanceCount": 1},
    )  # fmt: skip
    sign_in(page, server)
    page.goto(f"{CONSOLE}/transform-jobs")
    page.get_by_role("link", name=job).click()
    expect(page.get_by_role("heading", name=job, exact=True)).to_be_visible()
    expect(page.get_by_text(f"s3://{bucket}/batch/")).to_be_visible()
    expect(page.get_by_role("link", name=model)).to_be_visible()
    shot(page, "detail")
