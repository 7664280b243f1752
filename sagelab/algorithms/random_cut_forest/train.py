"""Random Cut Forest training (reference/algorithms.md §3.6): reservoir-sample
`num_trees x num_samples_per_tree` rows of `train` (labels, if any, ignored), grow one tree per
`num_samples_per_tree` of them, and score the labelled `test` channel if given."""

from __future__ import annotations

import numpy as np

from sagelab.algorithms import channels
from sagelab.algorithms.contract import TrainingEnv, log
from sagelab.algorithms.errors import UserError
from sagelab.algorithms.linear_learner.metrics import quality_line
from sagelab.algorithms.random_cut_forest.forest import grow
from sagelab.algorithms.random_cut_forest.hyperparameters import Config, resolve
from sagelab.algorithms.random_cut_forest.model import RCFModel
from sagelab.algorithms.sampling import reservoir

_SEED = 0


def _tree_samples(sample: np.ndarray, config: Config, rng: np.random.Generator
                  ) -> list[np.ndarray]:
    """Disjoint slices of the reservoir per tree; a small channel is shared, each tree
    drawing its own points from all of it."""
    size = config.num_samples_per_tree
    if len(sample) >= size * config.num_trees:
        return [sample[i * size:(i + 1) * size] for i in range(config.num_trees)]
    take = min(size, len(sample))
    return [sample[rng.choice(len(sample), take, replace=False)]
            for _ in range(config.num_trees)]


def _test_metrics(env: TrainingEnv, model: RCFModel, config: Config
                  ) -> list[tuple[str, float]]:
    scores, labels = [], []
    for batch in channels.batches(env, "test", config.mini_batch_size, config.feature_dim):
        if batch.labels is None:
            raise UserError("Channel 'test' needs labels (text/csv;label_size=1, 1 = anomaly)")
        scores.append(model.scores(batch.features))
        labels.append(batch.labels)
    predicted = np.concatenate(scores) > model.threshold
    actual = np.concatenate(labels) == 1
    tp = float((predicted & actual).sum())
    precision = tp / max(float(predicted.sum()), 1.0)
    recall = tp / max(float(actual.sum()), 1.0)
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    found = []
    if "accuracy" in config.eval_metrics:
        found.append(("accuracy", float(np.mean(predicted == actual))))
    if "precision_recall_fscore" in config.eval_metrics:
        found += [("precision", precision), ("recall", recall), ("f1", f1)]
    return found


def train(env: TrainingEnv) -> None:
    config = resolve(env.hyperparameters)
    if not env.has_channel("train"):
        raise UserError("Channel 'train' is required by Random Cut Forest; none was given")
    rng = np.random.default_rng(_SEED)
    stream = channels.batches(env, "train", config.mini_batch_size, config.feature_dim,
                              label_size=0)
    sample = reservoir(stream, config.num_trees * config.num_samples_per_tree, rng)
    if sample is None:
        raise UserError("No records found in channel 'train'")
    forest = grow(_tree_samples(sample.features, config, rng), _SEED)
    train_scores = RCFModel(forest, 0.0, config.feature_dim).scores(sample.features)
    threshold = float(train_scores.mean() + 3 * train_scores.std())
    log(f"Grew {config.num_trees} trees from {len(sample)} sampled records; score threshold "
        f"(mean + 3 std of training scores) {threshold:.4f}")
    model = RCFModel(forest, threshold, config.feature_dim)
    if env.has_channel("test"):
        for name, value in _test_metrics(env, model, config):
            log(quality_line(env.host, "test", name, "score", value))
    model.save(env.model_dir)
    log(f"Saved the model to {env.model_dir}")
