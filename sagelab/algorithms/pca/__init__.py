"""PCA (`pca`): principal components by exact streamed covariance or a randomized sketch."""

from sagelab.algorithms.pca import serve, train
from sagelab.algorithms.pca.hyperparameters import SPEC
from sagelab.algorithms.registry import Algorithm

ALGORITHM = Algorithm(
    name="pca",
    hyperparameters=SPEC,
    train=train.train,
    load=serve.load,
    invoke=serve.invoke,
)
