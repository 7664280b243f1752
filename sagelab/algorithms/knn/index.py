"""The neighbour index (`index_type`, `index_metric`), in numpy with faiss's semantics.

All three kinds are inverted lists searched exhaustively inside the probed lists:
- `faiss.Flat`: one list holding every vector; exact.
- `faiss.IVFFlat`: vectors bucketed by their nearest of `nlists` k-means centroids; a query
  scans the lists of its `nprobe` nearest centroids.
- `faiss.IVFPQ`: the same lists, each vector stored as `m` one-byte codes of its residual
  (product quantisation, 256 centroids per sub-space). The codes are what is saved; at load
  they are decoded, and distances to the decoded vectors equal faiss's asymmetric distances.

Distances are as faiss reports them: squared L2 (ascending) for `L2`; the inner product
(descending) for `INNER_PRODUCT`, and for `COSINE`, which normalises vectors first.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.cluster.vq import kmeans2  # type: ignore[import-untyped]  # no stubs
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # no stubs

Array = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]
_QUERY_BLOCK = 256  # queries scored at once: keeps the [queries, vectors] block in cache
_PQ_CENTROIDS = 256
_GROUP = 64  # columns per group in the k-lowest selection's bound


def _kmeans(data: Array, k: int, seed: int) -> Array:
    centroids, _ = kmeans2(data.astype(np.float64), min(k, len(data)), minit="++",
                           seed=seed, iter=10)
    found: Array = centroids.astype(np.float32)
    return found


def _normalised(vectors: Array) -> Array:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit: Array = (vectors / np.where(norms > 0, norms, 1)).astype(np.float32)
    return unit


@dataclass
class Index:
    metric: str
    centroids: Array  # [lists, dim]; one zero row for Flat
    vectors: Array  # [rows, dim], ordered list by list
    ids: IntArray  # [rows]: each vector's row in the training sample
    offsets: IntArray  # [lists + 1]: list l is vectors[offsets[l]:offsets[l+1]]
    nprobe: int

    def prepare(self, queries: Array) -> Array:
        return _normalised(queries) if self.metric == "COSINE" else queries

    def __post_init__(self) -> None:
        self._norms = (self.vectors**2).sum(1)

    def _cost(self, queries: Array, vectors: Array, norms: Array | None = None) -> Array:
        """Lower is nearer: the negated similarity, or for L2 the squared distance less the
        query's own squared norm (the same for every candidate, so added back at the end)."""
        cost: Array = queries @ vectors.T
        cost *= -2 if self.metric == "L2" else -1
        if self.metric == "L2":
            cost += (vectors**2).sum(1) if norms is None else norms
        return cost

    def search(self, queries: Array, k: int) -> tuple[Array, IntArray]:
        """The k nearest stored rows per query: (distances, sample row ids), nearest first;
        a short list pads with id -1."""
        queries = self.prepare(queries.astype(np.float32))
        blocks = [queries[start:start + _QUERY_BLOCK]
                  for start in range(0, len(queries), _QUERY_BLOCK)]
        # numpy releases the GIL in products and partitions: blocks run on every core, each
        # block's product on one BLAS thread (BLAS's own threads would oversubscribe them).
        with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(os.cpu_count()) as pool:
            found = list(pool.map(lambda block: self._search_block(block, k), blocks))
        costs, ids = [c for c, _ in found], [i for _, i in found]
        cost = np.concatenate(costs) if costs else np.empty((0, k), np.float32)
        found_ids = np.concatenate(ids) if ids else np.empty((0, k), np.int64)
        if self.metric != "L2":
            return -cost, found_ids
        return np.maximum(cost + (queries**2).sum(1)[:, None], 0), found_ids

    def _search_block(self, queries: Array, k: int) -> tuple[Array, IntArray]:
        if len(self.centroids) == 1:
            return _top_k(self._cost(queries, self.vectors, self._norms), self.ids, k)
        probes = np.argsort(self._cost(queries, self.centroids), axis=1)[:, :self.nprobe]
        best = np.full((len(queries), k), np.inf, np.float32)
        best_ids = np.full((len(queries), k), -1, np.int64)
        for lst in np.unique(probes):
            rows = np.flatnonzero((probes == lst).any(axis=1))
            lo, hi = self.offsets[lst], self.offsets[lst + 1]
            if hi == lo:
                continue
            cost = np.concatenate([best[rows], self._cost(queries[rows], self.vectors[lo:hi],
                                                            self._norms[lo:hi])],
                                  axis=1)
            pool = np.concatenate([best_ids[rows], np.broadcast_to(
                self.ids[lo:hi], (len(rows), hi - lo))], axis=1)
            best[rows], best_ids[rows] = _top_k(cost, pool, k)
        return best, best_ids


def _top_k(cost: Array, ids: IntArray, k: int) -> tuple[Array, IntArray]:
    """The k lowest costs per row, sorted; `ids` is [columns] or [rows, columns]."""
    width = cost.shape[1]
    if width < k:
        cost = np.pad(cost, ((0, 0), (0, k - width)), constant_values=np.inf)
        ids = np.pad(np.broadcast_to(ids, (len(cost), width)), ((0, 0), (0, k - width)),
                     constant_values=-1)
    picked = _smallest(cost, k)
    chosen = ids[picked] if ids.ndim == 1 else np.take_along_axis(ids, picked, axis=1)
    return np.take_along_axis(cost, picked, axis=1).astype(np.float32), chosen


def _smallest(cost: Array, k: int) -> IntArray:
    """Columns of each row's k lowest costs, lowest first (ties: the lower column first).

    A row's k-th lowest group minimum bounds its k-th lowest cost from above, so only the
    few columns at or under that bound are sorted, instead of selecting over every column."""
    rows, width = cost.shape
    full = width - width % _GROUP
    if full // _GROUP <= k:  # too few groups for the bound to prune anything
        return np.argsort(cost, axis=1, kind="stable")[:, :k]
    # group g = columns g, g + groups, …: the minimum runs over contiguous rows (vectorised)
    minima = cost[:, :full].reshape(rows, _GROUP, -1).min(axis=1)
    if full < width:
        minima = np.concatenate([minima, cost[:, full:].min(axis=1, keepdims=True)], axis=1)
    bound = np.partition(minima, k - 1, axis=1)[:, k - 1]
    row, col = np.nonzero(cost <= bound[:, None])
    if (np.bincount(row, minlength=rows) < k).any():  # NaN costs: no bound holds
        return np.argsort(cost, axis=1, kind="stable")[:, :k]
    order = np.lexsort((col, cost[row, col], row))
    starts = np.searchsorted(row[order], np.arange(rows))
    picked: IntArray = col[order][starts[:, None] + np.arange(k)]
    return picked


def _nprobe(lists: int) -> int:
    # faiss leaves nprobe to the caller; scanning ~√lists·2 lists keeps recall near exact.
    return min(lists, max(1, 2 * math.ceil(math.sqrt(lists))))


@dataclass(frozen=True)
class Codebook:
    """Product quantiser: `m` sub-spaces, `[m, 256, dim/m]` centroids, one code per
    sub-space per vector."""

    centroids: Array

    @classmethod
    def fit(cls, residuals: Array, m: int, seed: int) -> Codebook:
        parts = np.split(residuals, m, axis=1)
        books = [_kmeans(part, _PQ_CENTROIDS, seed + j) for j, part in enumerate(parts)]
        size = min(len(b) for b in books)
        return cls(np.stack([b[:size] for b in books]))

    def encode(self, residuals: Array) -> npt.NDArray[np.uint8]:
        parts = np.split(residuals, len(self.centroids), axis=1)
        codes = [((part[:, None, :] - book[None]) ** 2).sum(2).argmin(1)
                 for part, book in zip(parts, self.centroids, strict=True)]
        return np.stack(codes, axis=1).astype(np.uint8)

    def decode(self, codes: npt.NDArray[np.uint8]) -> Array:
        return np.concatenate([book[codes[:, j]] for j, book in enumerate(self.centroids)],
                              axis=1)


@dataclass(frozen=True)
class Built:
    """What an index saves: the inverted lists, with raw vectors or PQ codes."""

    metric: str
    centroids: Array
    ids: IntArray
    offsets: IntArray
    vectors: Array | None = None
    codes: npt.NDArray[np.uint8] | None = None
    codebook: Array | None = None

    def arrays(self) -> dict[str, npt.NDArray[np.generic]]:
        found: dict[str, npt.NDArray[np.generic] | None] = {
            "centroids": self.centroids, "ids": self.ids, "offsets": self.offsets,
            "vectors": self.vectors, "codes": self.codes, "codebook": self.codebook}
        return {name: value for name, value in found.items() if value is not None}

    def index(self) -> Index:
        vectors = self.vectors
        if vectors is None:
            assert self.codes is not None and self.codebook is not None
            lists = np.repeat(np.arange(len(self.centroids)), np.diff(self.offsets))
            vectors = self.centroids[lists] + Codebook(self.codebook).decode(self.codes)
        return Index(self.metric, self.centroids, vectors, self.ids, self.offsets,
                     _nprobe(len(self.centroids)))


def build(vectors: Array, index_type: str, metric: str, nlists: int | None,
          pq_m: int | None, seed: int = 0) -> Built:
    if metric == "COSINE":
        vectors = _normalised(vectors)
    if index_type == "faiss.Flat":
        return Built(metric, np.zeros((1, vectors.shape[1]), np.float32),
                     np.arange(len(vectors)), np.array([0, len(vectors)]), vectors=vectors)
    centroids = _kmeans(vectors, nlists or max(1, round(math.sqrt(len(vectors)))), seed)
    lists = Index(metric, centroids, centroids, np.arange(len(centroids)),
                  np.arange(len(centroids) + 1), 1).search(vectors, 1)[1][:, 0]
    order = np.argsort(lists, kind="stable")
    offsets = np.concatenate([[0], np.cumsum(np.bincount(lists, minlength=len(centroids)))])
    ordered = vectors[order]
    if index_type == "faiss.IVFFlat":
        return Built(metric, centroids, order, offsets, vectors=ordered)
    residuals = ordered - centroids[lists[order]]
    assert pq_m is not None
    book = Codebook.fit(residuals, pq_m, seed)
    return Built(metric, centroids, order, offsets, codes=book.encode(residuals),
                 codebook=book.centroids)
