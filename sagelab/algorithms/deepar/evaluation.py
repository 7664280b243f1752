"""The accuracy DeepAR reports on its `test` channel: RMSE of the mean forecast and the
weighted quantile loss `2 Σ|(y - ŷ_q)(q - 1[y < ŷ_q])| / Σ|y|` per quantile, over the last
`prediction_length` points of every series (NaN targets left out)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


def rmse(truth: Array, mean: Array) -> float:
    known = ~np.isnan(truth)
    return float(np.sqrt(np.mean((truth[known] - mean[known]) ** 2)))


def weighted_quantile_loss(truth: Array, forecast: Array, q: float) -> float:
    known = ~np.isnan(truth)
    y, f = truth[known], forecast[known]
    loss = np.abs((y - f) * (q - (y < f)))
    return float(2 * loss.sum() / max(np.abs(y).sum(), 1e-12))


def scores(truth: Array, paths: Array, quantiles: list[float]) -> dict[str, float]:
    """`truth`: [series, horizon]; `paths`: [series, samples, horizon]."""
    found = {"RMSE": rmse(truth, paths.mean(axis=1))}
    for q in quantiles:
        found[f"wQuantileLoss[{q}]"] = weighted_quantile_loss(
            truth, np.quantile(paths, q, axis=1), q)
    found["mean_wQuantileLoss"] = float(np.mean([found[f"wQuantileLoss[{q}]"]
                                                 for q in quantiles]))
    return found
