"""The k-NN index's k-lowest selection equals a full stable sort's first k columns."""

from __future__ import annotations

import numpy as np
import pytest

from sagelab.algorithms.knn.index import _smallest


# (fewer columns than k are padded by the caller)
@pytest.mark.parametrize(("width", "k"), [(w, k) for w in (5, 10, 63, 64, 65, 700, 5000)
                                          for k in (1, 3, 10) if w >= k])
def test_selection_matches_a_stable_sort(width: int, k: int) -> None:
    cost = np.random.default_rng(width + k).normal(size=(40, width)).astype(np.float32)
    cost[3] = 1.0  # a row of ties: lower columns first
    cost[5, ::7] = -5.0
    expected = np.argsort(cost, axis=1, kind="stable")[:, :k]
    np.testing.assert_array_equal(_smallest(cost, k), expected)


def test_nan_costs_fall_back_to_sorting() -> None:
    cost = np.random.default_rng(0).normal(size=(4, 1000)).astype(np.float32)
    cost[1, 5] = np.nan
    np.testing.assert_array_equal(_smallest(cost, 3),
                                  np.argsort(cost, axis=1, kind="stable")[:, :3])
