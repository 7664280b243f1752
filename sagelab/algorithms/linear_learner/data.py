"""Linear Learner's view of its channels: labelled mini-batches, checked labels, samples."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sagelab.algorithms.contract import TrainingEnv
from sagelab.algorithms.errors import UserError
from sagelab.algorithms.io.batches import RECORDIO_PROTOBUF, Batch, ContentType, read_batches
from sagelab.algorithms.linear_learner.hyperparameters import Config

Array = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Labelled:
    features: Array
    labels: Array

    def __len__(self) -> int:
        return len(self.labels)


def check_labels(labels: Array | None, config: Config, channel: str) -> Array:
    if labels is None:
        raise UserError(
            f"Records in channel '{channel}' have no label; Linear Learner trains on labelled "
            "data (CSV: label in the first column; RecordIO-protobuf: label['values'])")
    if not np.isfinite(labels).all():
        raise UserError(f"Channel '{channel}' has a label that is not a finite number")
    if config.predictor_type == "binary_classifier" and not np.isin(labels, (0, 1)).all():
        bad = labels[~np.isin(labels, (0, 1))][0]
        raise UserError(
            f"Channel '{channel}': label {bad:g} is invalid; binary_classifier labels must be "
            "0 or 1")
    if config.predictor_type == "multiclass_classifier":
        valid = (labels == np.round(labels)) & (labels >= 0) & (labels < config.num_classes)
        if not valid.all():
            raise UserError(
                f"Channel '{channel}': label {labels[~valid][0]:g} is invalid; "
                f"multiclass_classifier labels must be integers in [0, {config.num_classes - 1}]"
                " (num_classes)")
    return labels


class Channels:
    def __init__(self, env: TrainingEnv, config: Config) -> None:
        self.env, self.config = env, config
        self.width = config.feature_dim

    def content(self, name: str) -> ContentType:
        channel = self.env.channels.get(name)
        # No ContentType means recordio-protobuf for the MXNet-era algorithms (§0.4).
        return ContentType.parse(channel.content_type if channel else None, RECORDIO_PROTOBUF)

    def batches(self, name: str) -> Iterator[Labelled]:
        """One full pass over a channel, as checked mini-batches."""
        channel = self.env.channels.get(name)
        wrapped = channel is not None and channel.record_wrapper == "RecordIO"
        raw = read_batches(self.env.channel_pass(name), self.content(name),
                           self.config.mini_batch_size, self.width, wrapped)
        for batch in raw:
            self._fix_width(batch)
            yield Labelled(batch.features, check_labels(batch.labels, self.config, name))

    def _fix_width(self, batch: Batch) -> None:
        if self.width is None:
            self.width = batch.features.shape[1]

    def sample(
        self, name: str, rows: int, drain: bool
    ) -> tuple[Labelled, bool, Iterator[Labelled]]:
        """The first `rows` rows of a pass, whether that was all of it, and the rest of
        the pass (already consumed when `drain`, so a Pipe-mode writer sees its reader to
        the end)."""
        stream = self.batches(name)
        head: list[Labelled] = []
        held = 0
        for batch in stream:
            head.append(batch)
            held += len(batch)
            if held >= rows:
                break
        if not head:
            raise UserError(f"No records found in channel '{name}'")
        peeked = next(stream, None) if held >= rows else None
        complete = peeked is None
        rest = itertools.chain(head, [] if peeked is None else [peeked], stream)
        if drain:
            for _ in stream:
                pass
        sample = Labelled(np.concatenate([b.features for b in head])[:rows],
                          np.concatenate([b.labels for b in head])[:rows])
        return sample, complete, rest
