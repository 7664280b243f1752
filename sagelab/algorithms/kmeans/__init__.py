"""K-Means (`kmeans`): web-scale mini-batch k-means with a local Lloyd's reduction."""

from sagelab.algorithms.kmeans import serve, train
from sagelab.algorithms.kmeans.hyperparameters import SPEC
from sagelab.algorithms.registry import Algorithm

ALGORITHM = Algorithm(
    name="kmeans",
    hyperparameters=SPEC,
    train=train.train,
    load=serve.load,
    invoke=serve.invoke,
)
