"""`python -m sagelab.algorithms <algorithm> <base_dir>`: train, as a job's child process."""

from __future__ import annotations

import os
import sys
from pathlib import Path

if __name__ == "__main__":
    # The matrices are small (mini-batch x features x models): one BLAS thread avoids the
    # threads' synchronisation, which costs more than it saves, and badly so on a busy host.
    # Set before numpy loads; the environment can still override it.
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    from sagelab.algorithms.contract import run_training

    if len(sys.argv) != 3:
        sys.exit("usage: python -m sagelab.algorithms <algorithm> <base_dir>")
    sys.exit(run_training(sys.argv[1], Path(sys.argv[2])))
