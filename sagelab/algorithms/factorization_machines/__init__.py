"""Factorization Machines (`factorization-machines`): sparse regression and binary
classification with pairwise feature interactions."""

from sagelab.algorithms.factorization_machines import serve, train
from sagelab.algorithms.factorization_machines.hyperparameters import SPEC
from sagelab.algorithms.registry import Algorithm

ALGORITHM = Algorithm(
    name="factorization-machines",
    hyperparameters=SPEC,
    train=train.train,
    load=serve.load,
    invoke=serve.invoke,
)
