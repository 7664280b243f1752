"""A user publishes and reads CloudWatch metrics with boto3; the SageMaker SDK's
TrainingJobAnalytics reads what a training job published through `put_datapoints`."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from sagelab.services.cloudwatch.metrics import put_datapoints
from sagelab.store.metadata import MetadataStore
from sagelab.testing import SagelabServer

UTC = dt.UTC


@pytest.fixture(scope="module")
def meta(server: SagelabServer) -> Iterator[MetadataStore]:
    store = MetadataStore.open(f"sqlite:///{server.data_dir / 'meta.db'}")
    yield store
    store.close()


def _minute(offset: int = 0) -> dt.datetime:
    now = dt.datetime.now(UTC).replace(second=0, microsecond=0)
    return now - dt.timedelta(minutes=10) + dt.timedelta(minutes=offset)


def _namespace() -> str:
    return f"Sagelab/Test{uuid.uuid4().hex[:8]}"


def _error(exc: pytest.ExceptionInfo[Any]) -> tuple[str, int]:
    response = exc.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_statistics_over_periods(client: Any) -> None:
    cw = client("cloudwatch")
    ns, t0 = _namespace(), _minute()
    dims = [{"Name": "Host", "Value": "algo-1"}]
    cw.put_metric_data(
        Namespace=ns,
        MetricData=[
            {"MetricName": "loss", "Dimensions": dims, "Timestamp": t0, "Value": 4.0},
            {
                "MetricName": "loss",
                "Dimensions": dims,
                "Timestamp": t0 + dt.timedelta(seconds=30),
                "Values": [1.0, 2.0],
                "Counts": [1, 3],
                "Unit": "None",
            },
            {
                "MetricName": "loss",
                "Dimensions": dims,
                "Timestamp": t0 + dt.timedelta(minutes=1),
                "StatisticValues": {"SampleCount": 2, "Sum": 10, "Minimum": 4, "Maximum": 6},
            },
            {"MetricName": "loss", "Timestamp": t0, "Value": 100.0},  # other dimensions
        ],
    )
    got = cw.get_metric_statistics(
        Namespace=ns,
        MetricName="loss",
        Dimensions=dims,
        StartTime=t0,
        EndTime=t0 + dt.timedelta(minutes=5),
        Period=60,
        Statistics=["SampleCount", "Average", "Sum", "Minimum", "Maximum"],
        ExtendedStatistics=["p50"],
    )
    assert got["Label"] == "loss"
    first, second = sorted(got["Datapoints"], key=lambda p: p["Timestamp"])
    assert first["Timestamp"] == t0 and second["Timestamp"] == t0 + dt.timedelta(minutes=1)
    assert (first["SampleCount"], first["Sum"], first["Minimum"], first["Maximum"]) == (
        5.0,
        11.0,
        1.0,
        4.0,
    )
    assert first["Average"] == pytest.approx(2.2)
    assert first["ExtendedStatistics"] == {"p50": 2.0}
    assert first["Unit"] == "None"
    assert second["Average"] == 5.0 and "p50" not in second.get("ExtendedStatistics", {})
    whole = cw.get_metric_statistics(
        Namespace=ns,
        MetricName="loss",
        Dimensions=dims,
        StartTime=t0,
        EndTime=t0 + dt.timedelta(minutes=5),
        Period=300,
        Statistics=["Maximum"],
    )
    assert [p["Maximum"] for p in whole["Datapoints"]] == [6.0]


def test_metric_data_queries(client: Any) -> None:
    cw = client("cloudwatch")
    ns, t0 = _namespace(), _minute()
    cw.put_metric_data(
        Namespace=ns,
        MetricData=[
            {"MetricName": "acc", "Timestamp": t0 + dt.timedelta(minutes=i), "Value": float(i)}
            for i in range(4)
        ],
    )
    metric = {"Namespace": ns, "MetricName": "acc"}
    queries = [
        {"Id": "a", "MetricStat": {"Metric": metric, "Period": 60, "Stat": "Maximum"}},
        {
            "Id": "hidden",
            "MetricStat": {"Metric": metric, "Period": 60, "Stat": "Sum"},
            "ReturnData": False,
        },
        {
            "Id": "b",
            "Label": "total",
            "MetricStat": {"Metric": metric, "Period": 120, "Stat": "Sum"},
        },
    ]
    window = {"StartTime": t0, "EndTime": t0 + dt.timedelta(minutes=4)}
    got = cw.get_metric_data(MetricDataQueries=queries, ScanBy="TimestampAscending", **window)
    a, b = got["MetricDataResults"]
    assert (a["Id"], a["Label"], a["Values"], a["StatusCode"]) == (
        "a",
        "acc",
        [0, 1, 2, 3],
        "Complete",
    )
    assert a["Timestamps"][0] == t0
    assert (b["Label"], b["Values"]) == ("total", [1.0, 5.0])
    newest_first = cw.get_metric_data(MetricDataQueries=queries[:1], **window)
    assert newest_first["MetricDataResults"][0]["Values"] == [3, 2, 1, 0]
    pages = cw.get_paginator("get_metric_data").paginate(
        MetricDataQueries=queries, MaxDatapoints=3, ScanBy="TimestampAscending", **window
    )
    values = [(r["Id"], v) for p in pages for r in p["MetricDataResults"] for v in r["Values"]]
    assert values == [("a", 0), ("a", 1), ("a", 2), ("a", 3), ("b", 1), ("b", 5)]
    with pytest.raises(cw.exceptions.ClientError) as exc:
        cw.get_metric_data(
            MetricDataQueries=[{"Id": "e", "Expression": "SUM(METRICS())"}], **window
        )
    assert _error(exc) == ("NotImplemented", 501)
    assert "Expression" in exc.value.response["Error"]["Message"]


def test_list_metrics_filters(client: Any) -> None:
    cw = client("cloudwatch")
    ns, t0 = _namespace(), _minute()
    cw.put_metric_data(
        Namespace=ns,
        MetricData=[
            {"MetricName": "m", "Dimensions": [{"Name": "Job", "Value": "j1"}], "Value": 1},
            {"MetricName": "m", "Dimensions": [{"Name": "Job", "Value": "j2"}], "Value": 1},
            {"MetricName": "n", "Timestamp": t0, "Value": 1},
        ],
    )

    def listed(**kw: Any) -> list[tuple[str, list[dict[str, str]]]]:
        pages = cw.get_paginator("list_metrics").paginate(Namespace=ns, **kw)
        return [(m["MetricName"], m["Dimensions"]) for p in pages for m in p["Metrics"]]

    assert [name for name, _ in listed()] == ["m", "m", "n"]
    assert listed(Dimensions=[{"Name": "Job", "Value": "j2"}]) == [
        ("m", [{"Name": "Job", "Value": "j2"}])
    ]
    assert len(listed(Dimensions=[{"Name": "Job"}])) == 2
    assert listed(MetricName="n", RecentlyActive="PT3H") == [("n", [])]


def test_errors_as_cloudwatch_words_them(client: Any) -> None:
    cw = client("cloudwatch")
    ns, t0 = _namespace(), _minute()
    with pytest.raises(cw.exceptions.InvalidParameterCombinationException) as exc:
        cw.put_metric_data(
            Namespace=ns,
            MetricData=[
                {
                    "MetricName": "m",
                    "Value": 1,
                    "StatisticValues": {"SampleCount": 1, "Sum": 1, "Minimum": 1, "Maximum": 1},
                }
            ],
        )
    assert _error(exc) == ("InvalidParameterCombination", 400)
    with pytest.raises(cw.exceptions.MissingRequiredParameterException):
        cw.put_metric_data(Namespace=ns, MetricData=[{"MetricName": "m"}])
    with pytest.raises(cw.exceptions.InvalidParameterValueException):
        cw.put_metric_data(Namespace="AWS/EC2", MetricData=[{"MetricName": "m", "Value": 1}])
    window = {"Namespace": ns, "MetricName": "m", "StartTime": t0}
    with pytest.raises(cw.exceptions.InvalidParameterValueException):
        cw.get_metric_statistics(
            **window, EndTime=t0 + dt.timedelta(hours=1), Period=45, Statistics=["Sum"]
        )
    with pytest.raises(cw.exceptions.InvalidParameterCombinationException):
        cw.get_metric_statistics(**window, EndTime=t0 + dt.timedelta(hours=1), Period=60)
    with pytest.raises(cw.exceptions.InvalidParameterCombinationException) as exc:
        cw.get_metric_statistics(
            **window, EndTime=t0 + dt.timedelta(days=2), Period=60, Statistics=["Sum"]
        )
    assert "exceeds the limit of 1,440" in exc.value.response["Error"]["Message"]
    empty = cw.get_metric_statistics(
        **window, EndTime=t0 + dt.timedelta(hours=1), Period=60, Statistics=["Sum"]
    )
    assert empty["Datapoints"] == []


def test_training_job_analytics_reads_published_metrics(
    server: SagelabServer, meta: MetadataStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SDK's own request (namespace, TrainingJobName dimension, Average per period) over
    what the training side publishes with `put_datapoints`."""
    analytics = pytest.importorskip("sagemaker.analytics")
    sagemaker = pytest.importorskip("sagemaker")
    job = f"analytics-{uuid.uuid4().hex[:8]}"
    t0 = _minute()
    start = t0.timestamp()
    put_datapoints(
        meta,
        server.account_id,
        server.region,
        "/aws/sagemaker/TrainingJobs",
        "validation:rmse",
        {"TrainingJobName": job},
        [(start + 5, 0.9), (start + 65, 0.5), (start + 70, 0.3), (start + 125, 0.2)],
    )
    for key, value in server.env().items():
        if key.startswith("AWS_"):
            monkeypatch.setenv(key, value)
    # The job's time range comes from DescribeTrainingJob, which the training side answers.
    monkeypatch.setattr(
        analytics.TrainingJobAnalytics,
        "_determine_timeinterval",
        lambda self: {"start_time": t0, "end_time": t0 + dt.timedelta(minutes=4)},
    )
    session = sagemaker.Session(boto_session=boto3.Session(region_name=server.region))
    frame = analytics.TrainingJobAnalytics(
        job, metric_names=["validation:rmse"], sagemaker_session=session
    ).dataframe()
    assert list(frame["timestamp"]) == [0.0, 60.0, 120.0]
    assert list(frame["value"]) == pytest.approx([0.9, 0.4, 0.2])
    assert set(frame["metric_name"]) == {"validation:rmse"}
