"""Linear Learner (`linear-learner`): regression and binary/multiclass classification."""

from sagelab.algorithms.linear_learner import serve, train
from sagelab.algorithms.linear_learner.hyperparameters import SPEC
from sagelab.algorithms.registry import Algorithm

ALGORITHM = Algorithm(
    name="linear-learner",
    hyperparameters=SPEC,
    train=train.train,
    load=serve.load,
    invoke=serve.invoke,
)
