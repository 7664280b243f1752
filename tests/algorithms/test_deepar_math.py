"""DeepAR's pure parts: each likelihood's and the network's hand-written gradients against
finite differences, sampling against the distributions' moments, the calendar features and
the hyperparameter checks."""

from __future__ import annotations

import numpy as np
import pytest

from sagelab.algorithms.deepar import calendar, evaluation, likelihoods
from sagelab.algorithms.deepar.hyperparameters import Frequency, resolve
from sagelab.algorithms.deepar.network import Network
from sagelab.algorithms.errors import HyperParameterError

_TARGETS = {
    "gaussian": np.array([1.5, -2.0, 30.0]),
    "student-T": np.array([1.5, -2.0, 30.0]),
    "negative-binomial": np.array([0.0, 3.0, 40.0]),
    "beta": np.array([0.2, 0.5, 0.9]),
    "deterministic-L1": np.array([1.5, -2.0, 30.0]),
}


def _numeric_gradient(lik: likelihoods.Likelihood, raw: np.ndarray, z: np.ndarray,
                      scale: np.ndarray) -> np.ndarray:
    grad = np.zeros_like(raw)
    for index in np.ndindex(raw.shape):
        step = np.zeros_like(raw)
        step[index] = 1e-6
        grad[index] = (lik.loss(raw + step, z, scale)[0].sum()
                       - lik.loss(raw - step, z, scale)[0].sum()) / 2e-6
    return grad


@pytest.mark.parametrize("name", sorted(_TARGETS))
def test_likelihood_gradients_match_finite_differences(name: str) -> None:
    lik = likelihoods.get(name)
    rng = np.random.default_rng(3)
    raw = rng.normal(size=(3, lik.size))
    scale = np.array([1.0, 2.5, 10.0]) if lik.scaled else np.ones(3)
    _, grad = lik.loss(raw, _TARGETS[name], scale)
    assert np.allclose(grad, _numeric_gradient(lik, raw, _TARGETS[name], scale),
                       rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name", ["gaussian", "student-T", "negative-binomial"])
def test_samples_follow_the_modelled_mean(name: str) -> None:
    lik = likelihoods.get(name)
    raw = np.tile(np.array([[2.0, 0.0, 1.0][:lik.size]]), (20000, 1))
    scale = np.full(20000, 5.0)
    draws = lik.sample(raw, scale, np.random.default_rng(0))
    expected = 5.0 * (2.0 if name != "negative-binomial" else likelihoods.softplus(np.array(2.0)))
    assert abs(draws.mean() - expected) < 0.05 * expected


def test_network_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(1)
    net = Network.initialise(4, [(3, 2)], cells=5, layers=2, outputs=2, rng=rng)
    for params in net.params.values():
        params += rng.normal(0, 0.3, params.shape)
    dense, cats = rng.normal(size=(6, 4)), rng.integers(0, 3, (6, 1))
    weights = rng.normal(size=(6, 2))

    def loss() -> float:
        return float((net.forward(dense, cats)[0] * weights).sum())

    _, state = net.forward(dense, cats)
    grads = net.backward(state, weights)
    for name, params in net.params.items():
        index = tuple(int(i) for i in np.unravel_index(0, params.shape))
        if name == "E0":
            index = (int(cats[0, 0]), 0)
        params[index] += 1e-6
        up = loss()
        params[index] -= 2e-6
        down = loss()
        params[index] += 1e-6
        assert grads[name][index] == pytest.approx((up - down) / 2e-6, rel=1e-4, abs=1e-7)


def test_calendar_features_follow_the_frequency() -> None:
    monthly = calendar.time_features(np.datetime64("1949-01-01T00:00:00"), Frequency(1, "M"),
                                     np.arange(25))
    assert np.allclose(monthly[0], monthly[12]) and np.allclose(monthly[0], monthly[24])
    assert not np.allclose(monthly[0], monthly[6])
    hourly = calendar.time_features(np.datetime64("2020-01-06T00:00:00"), Frequency(1, "H"),
                                    np.arange(200))
    assert hourly.shape == (200, 4) and np.allclose(hourly[0], hourly[168])
    assert 12 in calendar.lags(Frequency(1, "M"), 3)
    assert 24 in calendar.lags(Frequency(1, "H"), 3)
    assert 12 in calendar.lags(Frequency(5, "min"), 3)  # an hour of 5-minute steps


def test_weighted_quantile_loss_of_a_perfect_forecast_is_zero() -> None:
    truth = np.array([[1.0, 2.0, np.nan]])
    paths = np.repeat(truth, 5, axis=0)[None].reshape(1, 5, 3)
    found = evaluation.scores(truth, np.nan_to_num(paths), [0.1, 0.9])
    assert found["RMSE"] == 0 and found["mean_wQuantileLoss"] == 0


@pytest.mark.parametrize(("raw", "named"), [
    ({"context_length": "5", "prediction_length": "3", "epochs": "1"}, "'time_freq'"),
    ({"time_freq": "Q", "context_length": "5", "prediction_length": "3", "epochs": "1"},
     "hyperparameter: time_freq"),
    ({"time_freq": "D", "context_length": "0", "prediction_length": "3", "epochs": "1"},
     "hyperparameter: context_length"),
    ({"time_freq": "D", "context_length": "5", "prediction_length": "3", "epochs": "1",
      "likelihood": "poisson"}, "hyperparameter: likelihood"),
    ({"time_freq": "D", "context_length": "5", "prediction_length": "3", "epochs": "1",
      "cardinality": "[2, -1]"}, "hyperparameter: cardinality"),
    ({"time_freq": "D", "context_length": "5", "prediction_length": "3", "epochs": "1",
      "num_dynamic_feat": "some"}, "hyperparameter: num_dynamic_feat"),
])
def test_bad_hyperparameters_are_named(raw: dict[str, str], named: str) -> None:
    with pytest.raises(HyperParameterError, match=named):
        resolve(raw)


def test_hyperparameters_resolve_with_defaults() -> None:
    config = resolve({"time_freq": "5min", "context_length": "12", "prediction_length": "6",
                      "epochs": "3", "cardinality": "[4]", "num_dynamic_feat": "ignore"})
    assert config.freq == Frequency(5, "min") and config.likelihood == "student-T"
    assert config.cardinality == [4] and config.num_dynamic_feat == "ignore"
    assert config.test_quantiles[0] == 0.1 and config.num_cells == 40
