"""PCA training (reference/algorithms.md §3.2), streamed by mini-batches: nothing holds more
than a mini-batch of rows.

`regular`: one read accumulates the d x d scatter matrix, whose eigendecomposition is exact.
`randomized`: randomized subspace iteration (Halko, Martinsson & Tropp 2011, alg. 4.4) without
ever forming d x d: each read multiplies the scatter matrix into a d x l basis (l = components
+ extra_components); after `_POWER_READS` such reads, a last one gives the Rayleigh-Ritz
projection QᵀCQ, whose top eigenpairs are the components. Every host of the job reads its shard
and the hosts' sums combine exactly (scatter.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import numpy as np
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # no stubs

from sagelab.algorithms import channels
from sagelab.algorithms.contract import TrainingEnv, log
from sagelab.algorithms.errors import UserError
from sagelab.algorithms.linear_learner.cluster import Cluster
from sagelab.algorithms.pca.hyperparameters import RANDOMIZED, Config, resolve
from sagelab.algorithms.pca.model import PCAModel
from sagelab.algorithms.pca.scatter import Float32, Float64, Read, scatter

# Reads that refine the randomized basis before the final one; scikit-learn's randomized_svd
# does 4 to 7 such iterations, and flat spectra need them.
_POWER_READS = 4
_SEED = 0
Rows = Callable[[], Iterable[Float32]]  # one full read of this host's rows


def _check_rows(rows: int) -> None:
    if rows == 0:
        raise UserError("No records found in channel 'train'")


def _regular(config: Config, rows: Rows, cluster: Cluster) -> tuple[Float64, ...]:
    read = Read(config.feature_dim, None, None).consume(rows())
    count, mean, matrix = scatter(cluster, read, config.subtract_mean)
    _check_rows(count)
    values, vectors = np.linalg.eigh(matrix)
    return mean, values, vectors


def _randomized(config: Config, rows: Rows, cluster: Cluster) -> tuple[Float64, ...]:
    rng = np.random.default_rng(_SEED)
    basis: Float64 = np.linalg.qr(rng.normal(size=(config.feature_dim, config.sketch_size)))[0]
    shift: Float64 | None = None
    for _ in range(_POWER_READS):
        read = Read(config.feature_dim, basis, shift).consume(rows())
        count, mean, product = scatter(cluster, read, config.subtract_mean)
        _check_rows(count)
        basis, shift = np.linalg.qr(product)[0], mean
    read = Read(config.feature_dim, basis, shift).consume(rows())
    _, mean, product = scatter(cluster, read, config.subtract_mean)
    values, small = np.linalg.eigh(basis.T @ product)
    return mean, values, basis @ small


def decompose(config: Config, rows: Rows, cluster: Cluster) -> PCAModel:
    fit = _randomized if config.algorithm_mode == RANDOMIZED else _regular
    mean, values, vectors = fit(config, rows, cluster)
    centre = mean if config.subtract_mean else np.zeros_like(mean)
    model = PCAModel.from_eigen(centre, values, vectors, config.num_components)
    explained = float((model.s.astype(np.float64) ** 2).sum() / max(values.sum(), 1e-300))
    # randomized mode only sees the variance inside its sketch
    of = "the sketched variance" if config.algorithm_mode == RANDOMIZED else "the variance"
    log(f"Computed {config.num_components} principal components ({config.algorithm_mode}); "
        f"they explain {explained:.4f} of {of}")
    return model


def train(env: TrainingEnv) -> None:
    config = resolve(env.hyperparameters)
    if not env.has_channel("train"):
        raise UserError("Channel 'train' is required by PCA; none was given")

    def rows() -> Iterator[Float32]:
        for batch in channels.batches(env, "train", config.mini_batch_size,
                                      config.feature_dim, label_size=0):
            yield batch.features

    # Each mini-batch's product is small: BLAS threads cost more than they save there.
    with threadpool_limits(1, user_api="blas"):
        model = decompose(config, rows, Cluster(env))
    model.save(env.model_dir)
    log(f"Saved the model to {env.model_dir}")
