"""The distribution DeepAR puts on each next value, as the network's output head.

Each likelihood maps the network's raw outputs (one row per time point) to its parameters,
gives the negative log-likelihood of the observed values and its gradient with respect to
those raw outputs, and draws values for ancestral sampling. `z` is always in the series'
own units; `scale` is its per-window mean absolute value, which the scaled likelihoods divide
out (DeepAR's scaling; the negative binomial scales its mean and shape instead, as in the
DeepAR paper). Positive parameters go through softplus.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import numpy.typing as npt
from scipy.special import digamma, gammaln  # type: ignore[import-untyped]  # no stubs

Array = npt.NDArray[np.float64]
_EPS = 1e-6
_HALF_LOG_2PI = 0.5 * np.log(2 * np.pi)


def softplus(x: Array) -> Array:
    out: Array = np.logaddexp(0.0, x)
    return out


def sigmoid(x: Array) -> Array:
    out: Array = 0.5 * (1.0 + np.tanh(0.5 * x))
    return out


class Likelihood(Protocol):
    name: str
    size: int  # raw outputs per time point
    scaled: bool  # False: the series is modelled in its own units (scale 1)

    def loss(self, raw: Array, z: Array, scale: Array) -> tuple[Array, Array]:
        """Per-row negative log-likelihood, and its gradient w.r.t. `raw`."""
        ...

    def sample(self, raw: Array, scale: Array, rng: np.random.Generator) -> Array:
        ...


class Gaussian:
    name, size, scaled = "gaussian", 2, True

    def loss(self, raw: Array, z: Array, scale: Array) -> tuple[Array, Array]:
        sigma = softplus(raw[:, 1]) + _EPS
        d = (z / scale - raw[:, 0]) / sigma
        nll = np.log(sigma) + 0.5 * d * d + _HALF_LOG_2PI + np.log(scale)
        grad = np.stack([-d / sigma, (1 - d * d) / sigma * sigmoid(raw[:, 1])], axis=1)
        return nll, grad

    def sample(self, raw: Array, scale: Array, rng: np.random.Generator) -> Array:
        sigma = softplus(raw[:, 1]) + _EPS
        return scale * (raw[:, 0] + sigma * rng.standard_normal(len(raw)))


class StudentT:
    name, size, scaled = "student-T", 3, True

    @staticmethod
    def _params(raw: Array) -> tuple[Array, Array, Array]:
        return raw[:, 0], softplus(raw[:, 1]) + _EPS, 2.0 + softplus(raw[:, 2])

    def loss(self, raw: Array, z: Array, scale: Array) -> tuple[Array, Array]:
        mu, sigma, nu = self._params(raw)
        d = (z / scale - mu) / sigma
        q = nu + d * d
        nll = (gammaln(nu / 2) - gammaln((nu + 1) / 2) + 0.5 * np.log(np.pi * nu)
               + np.log(sigma) + (nu + 1) / 2 * np.log1p(d * d / nu) + np.log(scale))
        d_mu = -(nu + 1) * d / (sigma * q)
        d_sigma = 1 / sigma - (nu + 1) * d * d / (sigma * q)
        d_nu = (0.5 * (digamma(nu / 2) - digamma((nu + 1) / 2)) + 0.5 / nu
                + 0.5 * np.log1p(d * d / nu) - (nu + 1) * d * d / (2 * nu * q))
        grad = np.stack([d_mu, d_sigma * sigmoid(raw[:, 1]), d_nu * sigmoid(raw[:, 2])], axis=1)
        return nll, grad

    def sample(self, raw: Array, scale: Array, rng: np.random.Generator) -> Array:
        mu, sigma, nu = self._params(raw)
        return scale * (mu + sigma * rng.standard_t(nu))


class NegativeBinomial:
    """Mean `mu = scale * softplus(a)`, shape `alpha = softplus(b) / sqrt(scale)`."""

    name, size, scaled = "negative-binomial", 2, True

    @staticmethod
    def _params(raw: Array, scale: Array) -> tuple[Array, Array]:
        mu = scale * softplus(raw[:, 0]) + _EPS
        alpha = (softplus(raw[:, 1]) + _EPS) / np.sqrt(scale)
        return mu, alpha

    def loss(self, raw: Array, z: Array, scale: Array) -> tuple[Array, Array]:
        mu, alpha = self._params(raw, scale)
        r = 1 / alpha
        nll = -(gammaln(z + r) - gammaln(z + 1) - gammaln(r)
                + r * np.log(r / (r + mu)) + z * np.log(mu / (r + mu)))
        d_mu = (r + z) / (r + mu) - z / mu
        d_r = -(digamma(z + r) - digamma(r) + np.log(r / (r + mu)) + (mu - z) / (r + mu))
        d_alpha = -d_r * r * r
        grad = np.stack([d_mu * scale * sigmoid(raw[:, 0]),
                         d_alpha * sigmoid(raw[:, 1]) / np.sqrt(scale)], axis=1)
        return nll, grad

    def sample(self, raw: Array, scale: Array, rng: np.random.Generator) -> Array:
        mu, alpha = self._params(raw, scale)
        r = 1 / alpha
        return rng.negative_binomial(r, r / (r + mu)).astype(np.float64)


class Beta:
    """For series of values in (0, 1), modelled unscaled."""

    name, size, scaled = "beta", 2, False

    def loss(self, raw: Array, z: Array, scale: Array) -> tuple[Array, Array]:
        a, b = softplus(raw[:, 0]) + _EPS, softplus(raw[:, 1]) + _EPS
        y = np.clip(z, _EPS, 1 - _EPS)
        nll = (gammaln(a) + gammaln(b) - gammaln(a + b)
               - (a - 1) * np.log(y) - (b - 1) * np.log1p(-y))
        d_a = digamma(a) - digamma(a + b) - np.log(y)
        d_b = digamma(b) - digamma(a + b) - np.log1p(-y)
        return nll, np.stack([d_a * sigmoid(raw[:, 0]), d_b * sigmoid(raw[:, 1])], axis=1)

    def sample(self, raw: Array, scale: Array, rng: np.random.Generator) -> Array:
        return rng.beta(softplus(raw[:, 0]) + _EPS, softplus(raw[:, 1]) + _EPS)


class DeterministicL1:
    """A point forecast trained on absolute error: every sample path is the same."""

    name, size, scaled = "deterministic-L1", 1, True

    def loss(self, raw: Array, z: Array, scale: Array) -> tuple[Array, Array]:
        error = z / scale - raw[:, 0]
        return np.abs(error), -np.sign(error)[:, None]

    def sample(self, raw: Array, scale: Array, rng: np.random.Generator) -> Array:
        return scale * raw[:, 0]


_ALL: dict[str, Likelihood] = {
    lik.name: lik for lik in (Gaussian(), StudentT(), NegativeBinomial(), Beta(),
                              DeterministicL1())
}


def get(name: str) -> Likelihood:
    return _ALL[name]
