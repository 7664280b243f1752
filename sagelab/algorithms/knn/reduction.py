"""Dimension reduction before indexing (`dimension_reduction_type`): both kinds are a
Johnson-Lindenstrauss projection, kept as one `[feature_dim, target]` matrix.

- `sign`: a dense random ±1/√target matrix.
- `fjlt`: the fast JL transform, random signs → orthonormal DCT (a real Hadamard-like mix) →
  `target` coordinates sampled, scaled by √(feature_dim/target) so norms are kept on average.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.fft  # type: ignore[import-untyped]  # no stubs

Array = npt.NDArray[np.float32]


def projection(kind: str, feature_dim: int, target: int, rng: np.random.Generator) -> Array:
    if kind == "sign":
        signs = rng.choice(np.array([-1.0, 1.0], np.float32), size=(feature_dim, target))
        signed: Array = (signs / np.sqrt(target)).astype(np.float32)
        return signed
    mixed = scipy.fft.dct(np.diag(rng.choice([-1.0, 1.0], size=feature_dim)), norm="ortho",
                          axis=1)
    picks = rng.choice(feature_dim, size=target, replace=False)
    fjlt: Array = (mixed[:, picks] * np.sqrt(feature_dim / target)).astype(np.float32)
    return fjlt
