"""DeepAR's side of the serving contract (reference/algorithms.md §3.7).

`application/json`: `{"instances": [series...], "configuration": {...}}` →
`{"predictions": [{"mean", "quantiles", "samples"}...]}`. `application/jsonlines` (batch
transform): one series per line, configuration from the `DEEPAR_INFERENCE_CONFIG`
environment variable, one prediction per line out. Each answer holds what
`configuration.output_types` asks for, every array `prediction_length` long.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sagelab.algorithms import serving
from sagelab.algorithms.deepar.model import Forecaster
from sagelab.algorithms.deepar.series import Series, SeriesFormatError, parse
from sagelab.algorithms.errors import InvocationError

ENV_CONFIG = "DEEPAR_INFERENCE_CONFIG"
OUTPUT_TYPES = ("mean", "quantiles", "samples")
_JSONLINES = (serving.JSONLINES, "application/json-lines", "application/x-jsonlines")
_MAX_SAMPLES = 10_000


@dataclass(frozen=True)
class Configuration:
    num_samples: int = 100
    output_types: tuple[str, ...] = ("mean", "quantiles")
    quantiles: tuple[str, ...] = ("0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9")

    @classmethod
    def parse(cls, raw: Any) -> Configuration:
        if raw is None:
            return cls()
        if not isinstance(raw, dict):
            raise InvocationError("'configuration' must be a JSON object")
        samples = raw.get("num_samples", cls.num_samples)
        if not isinstance(samples, int) or isinstance(samples, bool) or not (
                1 <= samples <= _MAX_SAMPLES):
            raise InvocationError(f"configuration.num_samples must be an integer in "
                                  f"[1, {_MAX_SAMPLES}]")
        types = raw.get("output_types", list(cls.output_types))
        if not isinstance(types, list) or not set(types) <= set(OUTPUT_TYPES):
            raise InvocationError(f"configuration.output_types must list some of "
                                  f"{list(OUTPUT_TYPES)}")
        quantiles = [str(q) for q in raw.get("quantiles", list(cls.quantiles))]
        if not all(_is_probability(q) for q in quantiles):
            raise InvocationError("configuration.quantiles must list numbers in (0, 1)")
        return cls(samples, tuple(types), tuple(quantiles))


def _is_probability(text: str) -> bool:
    try:
        return 0 < float(text) < 1
    except ValueError:
        return False


def load(model_dir: Path) -> Forecaster:
    return Forecaster.load(model_dir)


def _series(model: Forecaster, instances: Any) -> list[Series]:
    if not isinstance(instances, list):
        raise InvocationError('The JSON payload must be {"instances": [...]}')
    found = []
    for number, instance in enumerate(instances, 1):
        try:
            series = parse(instance)
        except SeriesFormatError as exc:
            raise InvocationError(f"Instance {number}: {exc}") from None
        problem = model.mismatch(series, number)
        if problem:
            raise InvocationError(problem)
        found.append(series)
    return found


def _request(body: bytes, media: str) -> tuple[Any, Any]:
    """The instances and the configuration of a request."""
    try:
        if media == serving.JSON:
            document = json.loads(body)
            if not isinstance(document, dict):
                raise InvocationError('The JSON payload must be {"instances": [...]}')
            return document.get("instances"), document.get("configuration")
        lines = [json.loads(line) for line in body.splitlines() if line.strip()]
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvocationError(f"Unable to parse the {media} payload: {exc}") from None
    environment = os.environ.get(ENV_CONFIG)
    try:
        return lines, json.loads(environment) if environment else None
    except ValueError:
        raise InvocationError(f"{ENV_CONFIG} is not valid JSON") from None


def _prediction(paths: np.ndarray, config: Configuration) -> dict[str, Any]:
    answer: dict[str, Any] = {}
    if "quantiles" in config.output_types:
        answer["quantiles"] = {q: np.quantile(paths, float(q), axis=0).tolist()
                               for q in config.quantiles}
    if "samples" in config.output_types:
        answer["samples"] = paths.tolist()
    if "mean" in config.output_types:
        answer["mean"] = paths.mean(axis=0).tolist()
    return answer


def invoke(model: Forecaster, body: bytes, content_type: str, accept: str
           ) -> tuple[bytes, str]:
    media = (content_type or serving.JSON).split(";")[0].strip().lower()
    if media != serving.JSON and media not in _JSONLINES:
        raise InvocationError(f"Content type {content_type!r} is not supported; use "
                              f"{serving.JSON} or {serving.JSONLINES}", status=415)
    request_media = serving.JSON if media == serving.JSON else serving.JSONLINES
    out = serving.response_type(accept, (serving.JSON, serving.JSONLINES), request_media)
    instances, raw_config = _request(body, request_media)
    config = Configuration.parse(raw_config)
    series = _series(model, instances)
    paths = model.sample_paths(series, config.num_samples, np.random.default_rng())
    predictions = [_prediction(p, config) for p in paths]
    return serving.write_results(predictions, out), out
