"""A trained DeepAR-style forecaster: what it feeds the network for each predicted point,
its training loss, and forecasting by ancestral sampling.

For the point `t` of a window anchored at `a` the network sees the lagged targets
`z[t - lag]` divided by the window's scale (the mean absolute value of its context
`z[a - context_length : a]`, DeepAR's scaling), the calendar covariates of `t`, the log of
the scale, the dynamic features at `t` and the embeddings of the series' categories. It
outputs the likelihood's parameters for `z[t]`. Training feeds the true lags (teacher
forcing); forecasting feeds back each sampled value, so a sample path is a draw from the
model's joint distribution over the horizon and its quantiles are real.

Artifact: `model_algo-1`, an `.npz` of the network's parameters plus the spec as JSON.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from sagelab.algorithms.deepar import likelihoods
from sagelab.algorithms.deepar.calendar import feature_count
from sagelab.algorithms.deepar.hyperparameters import Frequency
from sagelab.algorithms.deepar.network import Network, Params
from sagelab.algorithms.deepar.panel import Panel, Windows
from sagelab.algorithms.deepar.series import Series

Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
ARTIFACT = "model_algo-1"
_PATHS_AT_ONCE = 50_000  # sample paths simulated together: bounds the memory a forecast takes


@dataclass(frozen=True)
class Spec:
    """Everything but the weights that a forecast needs."""

    time_freq: str
    context_length: int
    prediction_length: int
    lags: list[int]
    likelihood: str
    cardinality: list[int]
    embedding_dimension: int
    num_dynamic_feat: int
    num_cells: int
    num_layers: int

    @property
    def freq(self) -> Frequency:
        return Frequency.parse(self.time_freq)

    @property
    def margin(self) -> int:
        return max(max(self.lags), self.context_length)

    @property
    def dense_inputs(self) -> int:
        return len(self.lags) + feature_count(self.freq) + 1 + self.num_dynamic_feat


@dataclass
class Forecaster:
    spec: Spec
    network: Network

    @classmethod
    def initialise(cls, spec: Spec, rng: np.random.Generator) -> Forecaster:
        embeddings = [(c, spec.embedding_dimension) for c in spec.cardinality]
        network = Network.initialise(spec.dense_inputs, embeddings, spec.num_cells,
                                     spec.num_layers, likelihoods.get(spec.likelihood).size, rng)
        return cls(spec, network)

    @property
    def likelihood(self) -> likelihoods.Likelihood:
        return likelihoods.get(self.spec.likelihood)

    def panel(self, series: list[Series]) -> Panel:
        return Panel(series, self.spec.margin, self.spec.prediction_length, self.spec.freq,
                     self.spec.num_dynamic_feat, len(self.spec.cardinality))

    def scale(self, segment: Array) -> Array:
        if not self.likelihood.scaled:
            return np.ones(len(segment))
        context = np.abs(segment[:, self.spec.margin - self.spec.context_length:self.spec.margin])
        seen = (~np.isnan(context)).sum(axis=1)
        mean = np.nansum(context, axis=1) / np.maximum(seen, 1)
        return np.where(mean > 0, mean, 1.0)

    def _inputs(self, windows: Windows, scale: Array, steps: IntArray) -> Array:
        """`[windows * len(steps), dense inputs]`, window-major."""
        lags = np.array(self.spec.lags)
        lagged = windows.segment[:, self.spec.margin + steps[:, None] - lags[None, :]]
        lagged = np.nan_to_num(lagged / scale[:, None, None], nan=0.0)
        log_scale = np.broadcast_to(np.log(scale)[:, None, None], (*lagged.shape[:2], 1))
        parts = [lagged, windows.time[:, steps], log_scale, windows.dynamic[:, steps]]
        dense = np.concatenate(parts, axis=2)
        return dense.reshape(-1, dense.shape[2])

    def loss(self, windows: Windows, dropout: float, rng: np.random.Generator
             ) -> tuple[float, Params]:
        """Mean negative log-likelihood of the windows' known horizon points, and its
        gradient."""
        horizon = self.spec.prediction_length
        scale = self.scale(windows.segment)
        targets = windows.segment[:, self.spec.margin:].reshape(-1)
        known = ~np.isnan(targets)
        dense = self._inputs(windows, scale, np.arange(horizon))[known]
        cats = np.repeat(windows.cats, horizon, axis=0)[known]
        raw, state = self.network.forward(dense, cats, dropout, rng)
        nll, d_raw = self.likelihood.loss(raw, targets[known], np.repeat(scale, horizon)[known])
        count = max(int(known.sum()), 1)
        return float(nll.sum() / count), self.network.backward(state, d_raw / count)

    def mismatch(self, series: Series, number: int) -> str | None:
        """Why the model cannot forecast `series` (the `number`-th), if it cannot: its
        categories and dynamic features must be those it was trained with, the features
        covering the points to predict too."""
        cardinality = self.spec.cardinality
        if len(series.cat) < len(cardinality):
            return f"time series {number} needs {len(cardinality)} 'cat' values"
        for j, (value, limit) in enumerate(zip(series.cat, cardinality, strict=False)):
            if value >= limit:
                return f"time series {number}: 'cat' value {value} at position {j} is not " \
                       f"below the cardinality {limit} the model was trained with"
        count, horizon = self.spec.num_dynamic_feat, self.spec.prediction_length
        if count and (len(series.dynamic_feat) < count
                      or series.dynamic_feat.shape[1] != len(series) + horizon):
            return f"time series {number} needs {count} 'dynamic_feat' series of length " \
                   f"len(target) + prediction_length = {len(series) + horizon}"
        return None

    def sample_paths(self, series: list[Series], num_samples: int, rng: np.random.Generator
                     ) -> Array:
        """`[series, num_samples, prediction_length]`, each series forecast from its end."""
        chunk = max(1, _PATHS_AT_ONCE // num_samples)
        parts = [self._sample_chunk(series[i:i + chunk], num_samples, rng)
                 for i in range(0, len(series), chunk)]
        if not parts:
            return np.empty((0, num_samples, self.spec.prediction_length))
        return np.concatenate(parts)

    def _sample_chunk(self, series: list[Series], num_samples: int, rng: np.random.Generator
                      ) -> Array:
        windows = self.panel(series).forecast_windows().repeated(num_samples)
        scale = self.scale(windows.segment)
        for step in range(self.spec.prediction_length):
            dense = self._inputs(windows, scale, np.array([step]))
            raw, _ = self.network.forward(dense, windows.cats)
            windows.segment[:, self.spec.margin + step] = self.likelihood.sample(raw, scale, rng)
        paths = windows.segment[:, self.spec.margin:]
        return paths.reshape(len(series), num_samples, self.spec.prediction_length)

    def save(self, model_dir: Path) -> None:
        with (model_dir / ARTIFACT).open("wb") as f:
            np.savez(f, spec=np.array(json.dumps(asdict(self.spec))),
                     **self.network.params)  # type: ignore[arg-type]  # numpy's stub

    @classmethod
    def load(cls, model_dir: Path) -> Forecaster:
        with np.load(model_dir / ARTIFACT) as saved:
            arrays = {name: saved[name] for name in saved.files}
        spec = Spec(**json.loads(str(arrays.pop("spec"))))
        return cls(spec, Network(arrays, spec.num_layers, len(spec.cardinality)))
