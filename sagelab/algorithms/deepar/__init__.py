"""DeepAR forecasting (`forecasting-deepar`): a global probabilistic forecaster over many
related time series, trained on scaled windows and forecasting by ancestral sampling."""

from sagelab.algorithms.deepar import serve, train
from sagelab.algorithms.deepar.hyperparameters import SPEC
from sagelab.algorithms.registry import Algorithm

ALGORITHM = Algorithm(
    name="forecasting-deepar",
    hyperparameters=SPEC,
    train=train.train,
    load=serve.load,
    invoke=serve.invoke,
)
