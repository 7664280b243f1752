"""k-NN (`knn`): nearest-neighbour classification and regression over a sampled index."""

from sagelab.algorithms.knn import serve, train
from sagelab.algorithms.knn.hyperparameters import SPEC
from sagelab.algorithms.registry import Algorithm

ALGORITHM = Algorithm(
    name="knn",
    hyperparameters=SPEC,
    train=train.train,
    load=serve.load,
    invoke=serve.invoke,
)
