"""DeepAR trained as a job's child process would train it (`python -m sagelab.algorithms`),
on the bundled AirPassengers series and on synthetic panels: the quality floor against a
seasonal-naive forecast, the real one's metric lines, the artifact's forecasts, and the
user errors a job reports."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from algo_kit import Job, make_job

from sagelab.algorithms import registry
from sagelab.algorithms.deepar import evaluation
from sagelab.algorithms.errors import InvocationError
from sagelab.testing import shared_data

HORIZON = 12
_SCORE = re.compile(r"#test_score \(algo-1, (\S+)\): (\S+)")


def _air_passengers() -> list[float]:
    with shared_data("air_passengers.csv").open() as f:
        return [float(row[1]) for row in list(csv.reader(f))[1:]]


def _lines(*series: dict[str, Any]) -> bytes:
    return "".join(json.dumps(s) + "\n" for s in series).encode()


def _train(tmp_path: Path, hyperparameters: dict[str, Any], channels: dict[str, bytes],
           content_type: str | None = "json") -> tuple[int, str, Job]:
    job = make_job(tmp_path / "job", hyperparameters,
                   {name: {f"{name}.json": body} for name, body in channels.items()},
                   {name: content_type for name in channels})
    done = subprocess.run([sys.executable, "-m", "sagelab.algorithms", "forecasting-deepar",
                           str(job.base)], capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout + done.stderr, job


def _scores(log: str) -> dict[str, float]:
    return {name: float(value) for name, value in _SCORE.findall(log)}


def _naive(truth: np.ndarray, last_season: np.ndarray) -> dict[str, float]:
    """A seasonal-naive forecast's scores: the last season repeated, as a point forecast."""
    return evaluation.scores(truth, last_season[:, None, :], [0.1, 0.5, 0.9])


def _invoke(job: Job, request: dict[str, Any]) -> dict[str, Any]:
    deepar = registry.get("forecasting-deepar")
    body, media = deepar.invoke(deepar.load(job.model_dir), json.dumps(request).encode(),
                                "application/json", "application/json")
    assert media == "application/json"
    answer: dict[str, Any] = json.loads(body)
    return answer


def test_air_passengers_forecast_beats_seasonal_naive(tmp_path: Path) -> None:
    y = _air_passengers()
    start = "1949-01-01 00:00:00"
    rc, log, job = _train(tmp_path, {
        "time_freq": "M", "context_length": 24, "prediction_length": HORIZON, "epochs": 10,
        "mini_batch_size": 32, "learning_rate": 0.003, "test_quantiles": [0.1, 0.5, 0.9]},
        {"train": _lines({"start": start, "target": y[:-HORIZON]}),
         "test": _lines({"start": start, "target": y})})
    assert rc == 0, log
    ours = _scores(log)
    naive = _naive(np.array([y[-HORIZON:]]), np.array([y[-2 * HORIZON:-HORIZON]]))
    assert ours["RMSE"] < naive["RMSE"]
    assert ours["mean_wQuantileLoss"] < naive["mean_wQuantileLoss"]
    assert f"#quality_metric: host=algo-1, test RMSE <loss>={ours['RMSE']!r}" in log
    assert "#quality_metric: host=algo-1, train final_loss <loss>=" in log
    assert (job.model_dir / "model_algo-1").is_file()

    answer = _invoke(job, {"instances": [{"start": start, "target": y[:-HORIZON]}],
                           "configuration": {"num_samples": 200,
                                             "output_types": ["mean", "quantiles", "samples"],
                                             "quantiles": ["0.1", "0.5", "0.9"]}})
    forecast = answer["predictions"][0]
    low, mid, high = (np.array(forecast["quantiles"][q]) for q in ("0.1", "0.5", "0.9"))
    assert len(forecast["mean"]) == HORIZON and np.array(forecast["samples"]).shape == (200, 12)
    assert (low <= mid).all() and (mid <= high).all() and (low < high).any()
    covered = np.mean((low <= y[-HORIZON:]) & (np.array(y[-HORIZON:]) <= high))
    assert covered >= 0.5  # an 80% interval holds most of the truth


def _weekly_panel(rng: np.random.Generator, count: int, days: int) -> tuple[list[dict], ...]:
    """Series with one of two weekly shapes (told by `cat`) at levels spanning 100x."""
    shapes = np.array([[1, 1, 1, 1, 1, 0.3, 0.3], [0.5, 1.5, 0.5, 1.5, 0.5, 1.5, 0.5]])
    train, test = [], []
    for i in range(count):
        group, level = i % 2, float(np.exp(rng.uniform(np.log(5), np.log(500))))
        values = level * np.tile(shapes[group], days // 7 + 1)[:days]
        values = values * (1 + 0.05 * rng.standard_normal(days))
        record = {"start": "2021-03-01", "cat": [group]}
        train.append(record | {"target": values[:-7].round(3).tolist()})
        test.append(record | {"target": values.round(3).tolist()})
    return train, test


def test_one_model_learns_a_panel_of_series(tmp_path: Path) -> None:
    train, test = _weekly_panel(np.random.default_rng(5), 20, 70)
    rc, log, _ = _train(tmp_path, {
        "time_freq": "D", "context_length": 14, "prediction_length": 7, "epochs": 8,
        "mini_batch_size": 32, "learning_rate": 0.003, "test_quantiles": [0.1, 0.5, 0.9]},
        {"train": _lines(*train), "test": _lines(*test)})
    assert rc == 0, log
    truth = np.array([s["target"][-7:] for s in test])
    naive = _naive(truth, np.array([s["target"][-14:-7] for s in test]))
    assert "categories [2]" in log
    ours = _scores(log)
    assert ours["RMSE"] < naive["RMSE"]
    assert ours["mean_wQuantileLoss"] < naive["mean_wQuantileLoss"]


def test_negative_binomial_forecasts_counts(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    series = [{"start": "2021-01-04 00:00:00",
               "target": rng.poisson(3 + 2 * np.sin(np.arange(96) * 2 * np.pi / 24)).tolist()}
              for _ in range(5)]
    rc, log, job = _train(tmp_path, {
        "time_freq": "H", "context_length": 24, "prediction_length": 6, "epochs": 2,
        "likelihood": "negative-binomial", "num_cells": 10}, {"train": _lines(*series)})
    assert rc == 0, log
    samples = np.array(_invoke(job, {"instances": series[:2], "configuration": {
        "output_types": ["samples"], "num_samples": 30}})["predictions"][0]["samples"])
    assert samples.shape == (30, 6) and (samples >= 0).all()
    assert np.array_equal(samples, samples.round())


@pytest.mark.parametrize(("hyperparameters", "body", "content_type", "reason"), [
    ({"likelihood": "beta"}, _lines({"start": "2020-01-01", "target": [2.0, 3.0, 4.0]}),
     "json", "beta likelihood needs targets strictly between 0 and 1"),
    ({}, b"1,2,3\n", "text/csv", "Content type 'text/csv' is not supported"),
    ({"cardinality": "[2]"}, _lines({"start": "2020-01-01", "target": [1.0, 2.0], "cat": [5]}),
     "json", "'cat' value 5 at position 0 is not below the cardinality 2"),
    ({}, _lines({"start": "2020-01-01", "target": [1.0, 2.0]}) + b'{"target": [1]}\n',
     "json", "train/train.json, record 2: a time series needs 'start' and 'target'"),
    ({"epochs": 0}, _lines({"start": "2020-01-01", "target": [1.0, 2.0]}), "json",
     "hyperparameter: epochs"),
])
def test_a_job_fails_with_the_reason(tmp_path: Path, hyperparameters: dict[str, Any],
                                     body: bytes, content_type: str, reason: str) -> None:
    base = {"time_freq": "D", "context_length": 2, "prediction_length": 1, "epochs": 1}
    rc, log, job = _train(tmp_path, base | hyperparameters, {"train": body}, content_type)
    assert rc == 1, log
    assert reason in job.failure


def test_dynamic_features_and_categories_shape_the_requests(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(4)
    promo = (rng.random(60) < 0.2).astype(float)
    series = [{"start": "2022-01-01", "cat": [i % 3], "target": (10 + 20 * promo + i).tolist(),
               "dynamic_feat": [promo.tolist()]} for i in range(6)]
    rc, log, job = _train(tmp_path, {"time_freq": "D", "context_length": 7,
                                     "prediction_length": 4, "epochs": 2, "num_cells": 8},
                          {"train": _lines(*series)})
    assert rc == 0, log
    assert "categories [3], 1 dynamic features" in log
    deepar = registry.get("forecasting-deepar")
    model = deepar.load(job.model_dir)
    history = {"start": "2022-01-01", "target": series[0]["target"][:56], "cat": [1]}

    def ask(instance: dict[str, Any], content_type: str = "application/json",
            configuration: dict[str, Any] | None = None) -> tuple[bytes, str]:
        request = {"instances": [instance]} | (
            {"configuration": configuration} if configuration else {})
        return deepar.invoke(model, json.dumps(request).encode(), content_type, "*/*")

    with pytest.raises(InvocationError, match="'dynamic_feat' series of length") as refused:
        ask(history)
    assert refused.value.status == 400
    feats = history | {"dynamic_feat": [promo[:60].tolist()]}
    with pytest.raises(InvocationError, match="cardinality 3"):
        ask(feats | {"cat": [7]})
    with pytest.raises(InvocationError) as unsupported:
        ask(feats, "text/csv")
    assert unsupported.value.status == 415
    with pytest.raises(InvocationError, match="output_types"):
        ask(feats, configuration={"output_types": ["median"]})
    body, media = ask(feats, configuration={"output_types": ["mean"]})
    assert media == "application/json" and len(json.loads(body)["predictions"][0]["mean"]) == 4

    monkeypatch.setenv("DEEPAR_INFERENCE_CONFIG", json.dumps(
        {"num_samples": 10, "output_types": ["samples"]}))
    lines = _lines(feats, feats | {"cat": [2]})
    body, media = deepar.invoke(model, lines, "application/jsonlines", "*/*")
    answers = [json.loads(line) for line in body.decode().splitlines()]
    assert media == "application/jsonlines" and len(answers) == 2
    assert np.array(answers[1]["samples"]).shape == (10, 4)
