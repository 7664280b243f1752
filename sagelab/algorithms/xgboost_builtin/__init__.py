"""XGBoost in built-in algorithm mode (`sagemaker-xgboost`, `xgboost` images), on the
`xgboost` library."""

from sagelab.algorithms.registry import Algorithm
from sagelab.algorithms.xgboost_builtin import serve, train
from sagelab.algorithms.xgboost_builtin.hyperparameters import SPEC

ALGORITHM = Algorithm(
    name="xgboost",
    hyperparameters=SPEC,
    train=train.train,
    load=serve.load,
    invoke=serve.invoke,
)
