"""Random cut trees and their anomaly score (Guha et al., "Robust Random Cut Forest Based
Anomaly Detection on Streams", ICML 2016), the algorithm SageMaker's RCF implements.

A tree recursively cuts its sample's bounding box: the dimension is drawn with probability
proportional to its range, the cut uniformly within it. A point's score is the expected
displacement its insertion would cause, computed as in AWS's open-source RCF: walking up from
the leaf the point reaches, at each node the point would be cut off with probability
p = (how far it lies outside the node's box, summed over dimensions) / (the box's ranges
grown to include it); then score ← (1 - p)·score + p/(depth + 1). An unseen leaf scores
1/(depth + 1), a duplicate 1/(depth + log₂(mass + 1)) damped by its share of the tree; the
tree's score is scaled by log₂(1 + tree size) so ordinary points score about 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]
_SCORE_BUDGET = 1 << 24  # floats per scoring block: (trees x queries x feature_dim)


@dataclass
class Forest:
    """Every tree's nodes, concatenated; `roots[t]` is tree t's root, `sizes[t]` its sample."""

    dim: IntArray  # cut dimension, -1 at a leaf
    cut: Array
    left: IntArray
    right: IntArray
    lo: Array  # [nodes, features]: the node's bounding box
    hi: Array
    mass: IntArray  # sample points under the node
    depth: IntArray
    roots: IntArray
    sizes: IntArray

    def arrays(self) -> dict[str, npt.NDArray[np.generic]]:
        return dict(vars(self))


class _Builder:
    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.rows: list[tuple[int, float, int, int, Array, Array, int, int]] = []

    def node(self, points: Array, depth: int) -> int:
        lo, hi = points.min(axis=0), points.max(axis=0)
        here = len(self.rows)
        self.rows.append((-1, 0.0, -1, -1, lo, hi, len(points), depth))
        ranges = (hi - lo).astype(np.float64)
        if len(points) == 1 or ranges.sum() <= 0:
            return here
        dim = int(self.rng.choice(len(ranges), p=ranges / ranges.sum()))
        cut = float(self.rng.uniform(lo[dim], hi[dim]))
        going_left = points[:, dim] <= cut
        if going_left.all():  # the cut fell on the maximum itself: keep that point apart
            going_left = points[:, dim] < hi[dim]
        left = self.node(points[going_left], depth + 1)
        right = self.node(points[~going_left], depth + 1)
        self.rows[here] = (dim, cut, left, right, lo, hi, len(points), depth)
        return here


def grow(samples: list[Array], seed: int = 0) -> Forest:
    """One tree per sample."""
    builder = _Builder(np.random.default_rng(seed))
    roots = [builder.node(sample, 0) for sample in samples]
    dim, cut, left, right, lo, hi, mass, depth = zip(*builder.rows, strict=True)
    return Forest(np.array(dim), np.array(cut, np.float32), np.array(left), np.array(right),
                  np.stack(lo), np.stack(hi), np.array(mass), np.array(depth),
                  np.array(roots), np.array([len(s) for s in samples]))


def _descend(forest: Forest, queries: Array) -> list[IntArray]:
    """The node each (tree, query) pair visits at each level, root first; a pair that has
    reached its leaf stays there."""
    nodes = np.repeat(forest.roots, len(queries))
    which = np.tile(np.arange(len(queries)), len(forest.roots))
    path = [nodes]
    while True:
        inner = forest.dim[nodes] >= 0
        if not inner.any():
            return path
        at = nodes[inner]
        go_left = queries[which[inner], forest.dim[at]] <= forest.cut[at]
        nodes = nodes.copy()
        nodes[inner] = np.where(go_left, forest.left[at], forest.right[at])
        path.append(nodes)


def _separation(forest: Forest, nodes: IntArray, points: Array) -> Array:
    lo, hi = forest.lo[nodes], forest.hi[nodes]
    outside = (np.maximum(points - hi, 0) + np.maximum(lo - points, 0)).sum(axis=1)
    spread = (np.maximum(hi, points) - np.minimum(lo, points)).sum(axis=1)
    p: Array = np.where(spread > 0, outside / np.where(spread > 0, spread, 1), 0)
    return p


def _leaf_score(forest: Forest, leaf: IntArray, points: Array, tree_size: IntArray) -> Array:
    depth = forest.depth[leaf].astype(np.float64)
    seen = (forest.lo[leaf] == points).all(axis=1)
    mass = forest.mass[leaf]
    damp = 1 - mass / (2 * tree_size)
    seen_score = damp / (depth + np.log2(mass + 1))
    score: Array = np.where(seen, seen_score, 1 / (depth + 1))
    return score


def _score_block(forest: Forest, queries: Array) -> Array:
    path = _descend(forest, queries)
    points = np.tile(queries, (len(forest.roots), 1))
    tree_size = np.repeat(forest.sizes, len(queries))
    score = _leaf_score(forest, path[-1], points, tree_size)
    for upper, lower in zip(reversed(path[:-1]), reversed(path[1:]), strict=True):
        moved = upper != lower  # pairs whose leaf lies below this level
        p = _separation(forest, upper[moved], points[moved])
        depth = forest.depth[upper[moved]]
        score[moved] = (1 - p) * score[moved] + p / (depth + 1)
    score *= np.log2(1 + tree_size)
    out: Array = score.reshape(len(forest.roots), len(queries)).mean(axis=0).astype(np.float32)
    return out


def score(forest: Forest, queries: Array) -> Array:
    """The forest's anomaly score per query (higher = more anomalous)."""
    block = max(1, _SCORE_BUDGET // (len(forest.roots) * max(queries.shape[1], 1)))
    parts = [_score_block(forest, queries[i:i + block]) for i in range(0, len(queries), block)]
    return np.concatenate(parts) if parts else np.empty(0, np.float32)
