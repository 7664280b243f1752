"""Random Cut Forest (`randomcutforest`): unsupervised anomaly scores."""

from sagelab.algorithms.random_cut_forest import serve, train
from sagelab.algorithms.random_cut_forest.hyperparameters import SPEC
from sagelab.algorithms.registry import Algorithm

ALGORITHM = Algorithm(
    name="randomcutforest",
    hyperparameters=SPEC,
    train=train.train,
    load=serve.load,
    invoke=serve.invoke,
)
