"""XGBoost algorithm-mode training (reference/algorithms.md §3.4): channels → DMatrix,
`xgboost.train` with the job's parameters, the per-round monitor lines the real container
prints (`[3]\ttrain-rmse:…\tvalidation-rmse:…`, which CloudWatch shows with `#011`), early
stopping on the validation channel, and the booster saved as `model/xgboost-model`."""

from __future__ import annotations

from typing import Any

import xgboost

from sagelab.algorithms.contract import TrainingEnv, log
from sagelab.algorithms.errors import UserError
from sagelab.algorithms.xgboost_builtin import metrics, model
from sagelab.algorithms.xgboost_builtin.data import load_channel
from sagelab.algorithms.xgboost_builtin.hyperparameters import (
    CONTAINER_METRICS,
    Config,
    resolve,
)


class Monitor(xgboost.callback.TrainingCallback):
    """One line per round on stdout, flushed (the library's own monitor buffers)."""

    def after_iteration(self, model: Any, epoch: int, evals_log: Any) -> bool:
        cells = [f"{data}-{name}:{values[-1]:.5f}"
                 for data, by_metric in evals_log.items() for name, values in by_metric.items()]
        log("\t".join([f"[{epoch}]", *cells]))
        return False


def _callbacks(config: Config, validating: bool) -> list[xgboost.callback.TrainingCallback]:
    callbacks: list[xgboost.callback.TrainingCallback] = [Monitor()]
    rounds = config.values.get("early_stopping_rounds")
    if rounds is None:
        return callbacks
    if not validating:
        raise UserError("early_stopping_rounds needs a 'validation' channel to watch")
    # The last metric decides, as in the container; the library cannot tell which way
    # the container's own metrics improve, so say it.
    watched = config.eval_metrics[-1] if config.eval_metrics else None
    callbacks.append(xgboost.callback.EarlyStopping(
        rounds=int(rounds), data_name="validation", metric_name=watched,
        maximize=metrics.is_maximised(watched) if watched else None,
        save_best=config.values["booster"] != "gblinear"))
    return callbacks


def train(env: TrainingEnv) -> None:
    config = resolve(env.hyperparameters)
    if "_kfold" in config.values:
        raise UserError("_kfold (k-fold cross-validation) is not implemented by sagelab")
    if not env.has_channel("train"):
        raise UserError("Channel 'train' is required by XGBoost; none was given")
    evals = [(load_channel(env, "train", config), "train")]
    if env.has_channel("validation"):
        evals.append((load_channel(env, "validation", config), "validation"))
    own = [m for m in config.eval_metrics if m in CONTAINER_METRICS]
    booster = xgboost.train(
        config.booster_params(), evals[0][0], num_boost_round=int(config.values["num_round"]),
        evals=evals, verbose_eval=False, callbacks=_callbacks(config, len(evals) > 1),
        custom_metric=metrics.evaluator(own, config.objective))
    log(f"Saved the booster to {model.save(booster, env.model_dir)}")
