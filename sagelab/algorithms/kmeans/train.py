"""K-Means training (reference/algorithms.md §3.1): web-scale mini-batch k-means over
k times extra_center_factor centres streamed through the train channel for `epochs` passes
(counts decayed by `half_life_time_size`), then a local Lloyd's run on the weighted centres
reduces them to k. `test:msd`/`test:ssd` are logged as the real one logs them."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]  # no stubs
from sklearn.cluster import KMeans, kmeans_plusplus  # type: ignore[import-untyped]  # no stubs
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # no stubs

from sagelab.algorithms.contract import TrainingEnv, log
from sagelab.algorithms.errors import UserError
from sagelab.algorithms.io.batches import RECORDIO_PROTOBUF, ContentType, read_batches
from sagelab.algorithms.kmeans.hyperparameters import Config, resolve
from sagelab.algorithms.kmeans.model import KMeansModel, squared_distances

Array = npt.NDArray[np.float32]
_INIT = {"random": "random", "kmeans++": "k-means++"}


def batches(env: TrainingEnv, name: str, config: Config) -> Iterator[Array]:
    channel = env.channels.get(name)
    # Unsupervised: CSV rows are all features unless label_size says otherwise.
    content = ContentType.parse(channel.content_type if channel else None, RECORDIO_PROTOBUF,
                                label_size=0)
    wrapped = channel is not None and channel.record_wrapper == "RecordIO"
    width = int(config["feature_dim"])
    for batch in read_batches(env.channel_pass(name), content, int(config["mini_batch_size"]),
                              width, wrapped):
        yield batch.features


class MiniBatch:
    """The streaming stage: centres and the (decayed) weight of the points each absorbed."""

    def __init__(self, config: Config, rng: np.random.Generator) -> None:
        self.config, self.rng = config, rng
        self.centers: Array | None = None
        self.counts = np.zeros(config.centers, np.float64)

    def _init(self, x: Array) -> Array:
        wanted = self.config.centers
        if len(x) < wanted:
            raise UserError(f"The first mini-batch has {len(x)} rows, fewer than the "
                            f"{wanted} centres (k times extra_center_factor); raise"
                            " mini_batch_size")
        if self.config["init_method"] == "kmeans++":
            centers, _ = kmeans_plusplus(x, wanted, random_state=int(self.rng.integers(1 << 31)))
            return np.asarray(centers, np.float32)
        return x[self.rng.choice(len(x), wanted, replace=False)].copy()

    def update(self, x: Array) -> None:
        if self.centers is None:
            self.centers = self._init(x)
        half_life = int(self.config["half_life_time_size"])
        if half_life:
            self.counts *= 0.5 ** (len(x) / half_life)
        closest = squared_distances(x, self.centers).argmin(axis=1)
        sizes = np.bincount(closest, minlength=len(self.centers)).astype(np.float64)
        sums = _member_sums(closest, x, len(self.centers))
        self.counts += sizes
        hit = sizes > 0
        # Each centre moves towards its points' mean by their share of all it has absorbed.
        step = (sizes[hit] / self.counts[hit])[:, None]
        means = sums[hit] / sizes[hit][:, None]
        self.centers[hit] += (step * (means - self.centers[hit])).astype(np.float32)


def _member_sums(closest: npt.NDArray[np.intp], x: Array, centers: int
                 ) -> npt.NDArray[np.float64]:
    """[centres, dim] float64 sums of each centre's points, added in row order (as
    `np.add.at` would, at a fraction of its cost): a one-hot membership matrix times x."""
    rows = len(closest)
    members = sp.csr_matrix((np.ones(rows), (closest, np.arange(rows))), shape=(centers, rows))
    sums: npt.NDArray[np.float64] = np.asarray(members @ x, dtype=np.float64)
    return sums


def _reduce(config: Config, centers: Array, weights: npt.NDArray[np.float64],
            seed: int) -> Array:
    """Local Lloyd's: the weighted centres → k centroids."""
    lloyd = KMeans(config.k, init=_INIT[str(config["local_lloyd_init_method"])],
                   n_init=config.trials, max_iter=int(config["local_lloyd_max_iter"]),
                   tol=float(config["local_lloyd_tol"]), random_state=seed)
    lloyd.fit(centers, sample_weight=np.maximum(weights, 1e-12))
    return np.asarray(lloyd.cluster_centers_, np.float32)


def _test_metrics(env: TrainingEnv, config: Config, model: KMeansModel) -> None:
    total, rows = 0.0, 0
    for x in batches(env, "test", config):
        total += float(model.assign(x)[1].sum())
        rows += len(x)
    values = {"ssd": total, "msd": total / max(rows, 1)}
    for name in config.eval_metrics:
        log(f"#quality_metric: host={env.host}, test {name} <loss>={values[name]!r}")


def train(env: TrainingEnv) -> None:
    config = resolve(env.hyperparameters)
    if not env.has_channel("train"):
        raise UserError("Channel 'train' is required by K-Means; none was given")
    rng = np.random.default_rng(0)
    stage = MiniBatch(config, rng)
    for epoch in range(int(config["epochs"])):
        # A mini-batch's products are small: BLAS threads cost more than they save there.
        with threadpool_limits(1, user_api="blas"):
            for x in batches(env, "train", config):
                stage.update(x)
        log(f"#progress_metric: host={env.host}, completed "
            f"{100 * (epoch + 1) // int(config['epochs'])} % of epochs")
    if stage.centers is None:
        raise UserError("No records found in channel 'train'")
    model = KMeansModel(_reduce(config, stage.centers, stage.counts, int(rng.integers(1 << 31))))
    if env.has_channel("test"):
        _test_metrics(env, config, model)
    model.save(env.model_dir)
    log(f"Saved the model to {env.model_dir}")
