"""k-NN training (reference/algorithms.md §3.3): reservoir-sample `sample_size` labelled rows
of `train`, reduce their dimension if asked, index them, score `test` if given, save."""

from __future__ import annotations

import numpy as np

from sagelab.algorithms import channels
from sagelab.algorithms.contract import TrainingEnv, log
from sagelab.algorithms.errors import UserError
from sagelab.algorithms.knn import index, reduction
from sagelab.algorithms.knn.hyperparameters import Config, resolve
from sagelab.algorithms.knn.model import KnnModel
from sagelab.algorithms.sampling import reservoir

_SEED = 0


def _sample(env: TrainingEnv, config: Config) -> tuple[np.ndarray, np.ndarray]:
    stream = channels.batches(env, "train", config.mini_batch_size, config.feature_dim)
    sample = reservoir(stream, config.sample_size, np.random.default_rng(_SEED))
    if sample is None:
        raise UserError("No records found in channel 'train'")
    if sample.labels is None or not np.isfinite(sample.labels).all():
        raise UserError("Every record in channel 'train' needs a finite label (CSV: the first "
                        "column; RecordIO-protobuf: label['values'])")
    return sample.features, sample.labels


def _test_score(env: TrainingEnv, model: KnnModel, config: Config) -> tuple[str, float]:
    """Accuracy (classifier) or mean squared error (regressor) over the whole test channel."""
    total, rows = 0.0, 0
    for batch in channels.batches(env, "test", config.mini_batch_size, config.feature_dim):
        if batch.labels is None:
            raise UserError("Records in channel 'test' need labels to be scored")
        _, labels = model.neighbours(batch.features)
        predicted = model.predicted(labels)
        if config.predictor_type == "classifier":
            total += float((predicted == batch.labels).sum())
        else:
            total += float(((predicted - batch.labels) ** 2).sum())
        rows += len(batch)
    name = "accuracy" if config.predictor_type == "classifier" else "mse"
    return name, total / max(rows, 1)


def train(env: TrainingEnv) -> None:
    config = resolve(env.hyperparameters)
    if not env.has_channel("train"):
        raise UserError("Channel 'train' is required by k-NN; none was given")
    features, labels = _sample(env, config)
    log(f"Sampled {len(features)} records of channel 'train' (sample_size="
        f"{config.sample_size})")
    rng = np.random.default_rng(_SEED)
    projection = None if config.reduction is None else reduction.projection(
        config.reduction, config.feature_dim, config.target, rng)
    vectors = features if projection is None else features @ projection
    built = index.build(vectors, config.index_type, config.metric, config.nlists, config.pq_m,
                        _SEED)
    log(f"Built a {config.index_type} index of {len(vectors)} vectors of dimension "
        f"{vectors.shape[1]} ({config.metric})")
    settings = {"index_type": config.index_type,
                "dimension_reduction_type": config.reduction,
                "dimension_reduction_target": config.target}
    model = KnnModel(config.k, config.predictor_type, config.feature_dim, built, labels,
                     projection, settings)
    if env.has_channel("test"):
        name, value = _test_score(env, model, config)
        log(f"#test_score ({env.host}) : ('{name}', {value!r})")
    model.save(env.model_dir)
    log(f"Saved the model to {env.model_dir}")
