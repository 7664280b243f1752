"""A DeepAR channel read into series, and what the data decides about the model: the
categories' cardinalities and the number of dynamic features (`auto`), checked against the
hyperparameters when they were given."""

from __future__ import annotations

import json

import numpy as np

from sagelab.algorithms.contract import TrainingEnv
from sagelab.algorithms.deepar.hyperparameters import IGNORE, Config
from sagelab.algorithms.deepar.series import Series, SeriesFormatError, parse, records
from sagelab.algorithms.errors import DataError, UserError

# Channel content types DeepAR reads; JSON Lines files may be gzipped, Parquet is sniffed.
CONTENT_TYPES = ("json", "application/json", "application/jsonlines", "application/json-lines",
                 "application/x-jsonlines", "parquet", "application/x-parquet")
_SKIPPED = ("_SUCCESS",)


def read_channel(env: TrainingEnv, name: str) -> list[Series]:
    channel = env.channels.get(name)
    media = (channel.content_type or "json").split(";")[0].strip().lower() if channel else "json"
    if media not in CONTENT_TYPES:
        raise UserError(f"Content type {media!r} is not supported for channel '{name}'; "
                        "use json (JSON Lines, optionally gzipped) or parquet")
    found = []
    for source, path in env.channel_pass(name):
        if path.name in _SKIPPED:
            continue
        try:
            for number, record in enumerate(records(path), start=1):
                if record is None:
                    continue
                try:
                    found.append(parse(record))
                except SeriesFormatError as exc:
                    raise DataError(source, number, str(exc)) from None
        except (json.JSONDecodeError, UnicodeDecodeError, OSError) as exc:
            raise UserError(f"Unable to read data: {source}: {exc}") from None
    if not found:
        raise UserError(f"No time series found in channel '{name}'")
    return found


def cardinality(config: Config, series: list[Series]) -> list[int]:
    if config.cardinality == IGNORE:
        return []
    counts = {len(s.cat) for s in series}
    if len(counts) > 1:
        raise UserError(f"Every time series must have the same number of 'cat' values; "
                        f"found {sorted(counts)}")
    seen = [int(max(s.cat[j] for s in series)) + 1 for j in range(counts.pop())]
    if isinstance(config.cardinality, str):  # auto: what the data shows
        return seen
    if len(config.cardinality) != len(seen):
        raise UserError(f"The hyperparameter cardinality lists {len(config.cardinality)} "
                        f"categorical features but the time series have {len(seen)}")
    for j, (declared, needed) in enumerate(zip(config.cardinality, seen, strict=True)):
        if needed > declared:
            raise UserError(f"'cat' value {needed - 1} at position {j} is not below the "
                            f"cardinality {declared}")
    return list(config.cardinality)


def dynamic_count(config: Config, series: list[Series]) -> int:
    if config.num_dynamic_feat == IGNORE:
        return 0
    counts = {len(s.dynamic_feat) for s in series}
    if len(counts) > 1:
        raise UserError("Every time series must have the same number of 'dynamic_feat'; "
                        f"found {sorted(counts)}")
    found = counts.pop()
    if isinstance(config.num_dynamic_feat, int) and config.num_dynamic_feat != found:
        raise UserError(f"num_dynamic_feat is {config.num_dynamic_feat} but the time series "
                        f"have {found} dynamic features")
    short = [i for i, s in enumerate(series, 1)
             if found and s.dynamic_feat.shape[1] != len(s)]
    if short:
        raise UserError(f"Time series {short[0]}: each 'dynamic_feat' must be as long as "
                        "its 'target'")
    return found


def check_domain(likelihood: str, series: list[Series]) -> None:
    """The values a likelihood can model."""
    values = np.concatenate([s.target for s in series])
    values = values[~np.isnan(values)]
    if likelihood == "negative-binomial" and (values < 0).any():
        raise UserError("The negative-binomial likelihood needs non-negative targets (counts)")
    if likelihood == "beta" and ((values <= 0) | (values >= 1)).any():
        raise UserError("The beta likelihood needs targets strictly between 0 and 1")
