"""Uniform reservoir sampling over a stream of mini-batches (Vitter's algorithm R, one
batch at a time), for algorithms that keep a fixed-size sample of an unbounded channel."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from sagelab.algorithms.io.batches import Batch


def reservoir(batches: Iterable[Batch], size: int, rng: np.random.Generator) -> Batch | None:
    """`size` rows drawn uniformly from all the batches' rows (all of them if fewer), with
    their labels; None when the stream is empty."""
    features: np.ndarray | None = None
    labels: np.ndarray | None = None
    seen = held = 0
    for batch in batches:
        if features is None:
            features = np.empty((size, batch.features.shape[1]), np.float32)
            labels = None if batch.labels is None else np.empty(size, np.float32)
        fill = min(size - held, len(batch))
        features[held:held + fill] = batch.features[:fill]
        if labels is not None and batch.labels is not None:
            labels[held:held + fill] = batch.labels[:fill]
        held += fill
        # Row number i (counted from 0) replaces a random slot with probability size/(i+1).
        positions = np.arange(seen + fill, seen + len(batch))
        slots = (rng.random(len(positions)) * (positions + 1)).astype(np.int64)
        keep = slots < size
        features[slots[keep]] = batch.features[fill:][keep]
        if labels is not None and batch.labels is not None:
            labels[slots[keep]] = batch.labels[fill:][keep]
        seen += len(batch)
    if features is None:
        return None
    return Batch(features[:held], None if labels is None else labels[:held])
