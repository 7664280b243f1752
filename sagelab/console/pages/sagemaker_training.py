"""Training jobs: the list with its status filter, and a job's page: status timeline,
algorithm, hyperparameters, data, resources, metrics with charts, and its logs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.responses import Response

from sagelab.console.pagekit import Crumb, PageContext, page, url
from sagelab.console.pages.sagemaker import (
    BASE,
    Column,
    Listing,
    crumbs,
    enum,
    listing_routes,
    render,
)
from sagelab.console.pages.sagemaker_charts import Series, as_datetime, charts
from sagelab.gateway.errors import ServiceError

PATH = BASE + "/training-jobs"
TITLE = "Training jobs"
NAMESPACE = GROUP = "/aws/sagemaker/TrainingJobs"
LOG_STREAMS = 4
LISTING = Listing(
    title=TITLE,
    path=PATH,
    operation="ListTrainingJobs",
    items="TrainingJobSummaries",
    name_key="TrainingJobName",
    columns=(
        Column("Name", "TrainingJobName", "link"),
        Column("Creation time", "CreationTime", "when"),
        Column("Training end time", "TrainingEndTime", "when"),
        Column("Status", "TrainingJobStatus", "badge"),
    ),
    statuses=tuple(enum("TrainingJobStatus")),
)


def _window(job: dict[str, Any]) -> tuple[dt.datetime, dt.datetime]:
    start = as_datetime(job["CreationTime"]) - dt.timedelta(minutes=1)
    end = job.get("TrainingEndTime")
    finish = as_datetime(end) if end else dt.datetime.now(dt.UTC)
    return start, finish + dt.timedelta(minutes=1)


def _metric_series(pc: PageContext, name: str) -> list[Series]:
    """Every metric the job published (its MetricDefinitions' and the host metrics)."""
    found = pc.call(
        "cloudwatch",
        "ListMetrics",
        Namespace=NAMESPACE,
        Dimensions=[{"Name": "TrainingJobName", "Value": name}],
    )
    series = []
    for metric in sorted(found.get("Metrics", []), key=lambda m: str(m["MetricName"])):
        dims = {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])}
        series.append(Series(metric["MetricName"], NAMESPACE, metric["MetricName"], dims))
    return series


def _log_streams(pc: PageContext, name: str) -> list[str]:
    """The job's streams (`<job>/algo-<n>-<epoch>`); the page tails each one live."""
    try:
        streams = pc.call(
            "logs", "DescribeLogStreams", logGroupName=GROUP, logStreamNamePrefix=name + "/"
        ).get("logStreams", [])
    except ServiceError as err:
        if err.code == "ResourceNotFoundException":  # no job has logged yet
            return []
        raise
    return [str(stream["logStreamName"]) for stream in streams[:LOG_STREAMS]]


@page(PATH + "/{name}")
def training_job_detail(pc: PageContext) -> Response:
    job = pc.call("sagemaker", "DescribeTrainingJob", TrainingJobName=pc.path_param("name"))
    name = job["TrainingJobName"]
    start, end = _window(job)
    return render(
        pc,
        "training_detail.html",
        title=name,
        crumbs=crumbs(Crumb(TITLE, url(PATH)), Crumb(name)),
        job=job,
        charts=charts(pc, _metric_series(pc, name), start, end),
        log_group=GROUP,
        log_streams=_log_streams(pc, name),
        running=job["TrainingJobStatus"] in ("InProgress", "Stopping"),
    )


@page(PATH + "/{name}/stop", methods=("POST",))
def training_job_stop(pc: PageContext) -> Response:
    name = pc.path_param("name")
    pc.call("sagemaker", "StopTrainingJob", TrainingJobName=name)
    return pc.redirect(url(f"{PATH}/{name}"), flash=f"Stopping training job {name}.")


ROUTES = [*listing_routes(LISTING, "training"), training_job_detail, training_job_stop]
