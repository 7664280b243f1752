"""The artifact: a real booster file named `xgboost-model` (reference/algorithms.md §5.2),
which users open with `xgboost.Booster().load_model`. Without an extension the library picks
its own format (UBJSON) and warns about the name; the name is the container's, so the warning
is noise here."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import xgboost

ARTIFACT = "xgboost-model"


@contextmanager
def _extensionless() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*(Unknown file format|extension).*")
        yield


def save(booster: xgboost.Booster, model_dir: Path) -> Path:
    path = model_dir / ARTIFACT
    with _extensionless():
        booster.save_model(str(path))
    return path


def load(path: Path) -> xgboost.Booster:
    booster = xgboost.Booster()
    with _extensionless():
        booster.load_model(str(path))
    return booster
