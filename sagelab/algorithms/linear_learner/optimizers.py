"""sgd (with momentum), adam and rmsprop over one parameter matrix holding every model.

The matrix is `[features + 1, models * outputs]` (the last row is the bias), so one update
moves all models; learning rates and weight decay are matrices of the same shape, which is
how each model (and the bias row) gets its own.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float32]
_EPS = np.float32(1e-8)


class Optimizer(Protocol):
    def step(self, theta: Array, grad: Array, lr: Array) -> None:
        """Update `theta` in place; `grad` may be overwritten."""


class SGD:
    def __init__(self, shape: tuple[int, int], momentum: float) -> None:
        self.momentum = np.float32(momentum)
        self.velocity = np.zeros(shape, np.float32) if momentum else None

    def step(self, theta: Array, grad: Array, lr: Array) -> None:
        grad *= lr
        if self.velocity is not None:
            self.velocity *= self.momentum
            self.velocity -= grad
            theta += self.velocity
        else:
            theta -= grad


class Adam:
    def __init__(self, shape: tuple[int, int], beta_1: float, beta_2: float) -> None:
        self.b1, self.b2 = np.float32(beta_1), np.float32(beta_2)
        self.m = np.zeros(shape, np.float32)
        self.v = np.zeros(shape, np.float32)
        self.t = 0

    def step(self, theta: Array, grad: Array, lr: Array) -> None:
        self.t += 1
        self.m *= self.b1
        self.m += (1 - self.b1) * grad
        np.square(grad, out=grad)
        self.v *= self.b2
        self.v += (1 - self.b2) * grad
        correction = np.float32(np.sqrt(1 - self.b2**self.t) / (1 - self.b1**self.t))
        denominator = np.sqrt(self.v, out=grad)
        denominator += _EPS
        theta -= (correction * lr) * self.m / denominator


class RMSProp:
    def __init__(self, shape: tuple[int, int], decay: float) -> None:
        self.decay = np.float32(decay)
        self.v = np.zeros(shape, np.float32)

    def step(self, theta: Array, grad: Array, lr: Array) -> None:
        self.v *= self.decay
        self.v += (1 - self.decay) * grad * grad
        theta -= lr * grad / (np.sqrt(self.v) + _EPS)


def make(name: str, shape: tuple[int, int], momentum: float, beta_1: float,
         beta_2: float) -> Optimizer:
    if name == "sgd":
        return SGD(shape, momentum)
    if name == "rmsprop":
        return RMSProp(shape, beta_2 if beta_2 > 0 else 0.9)
    return Adam(shape, beta_1, beta_2)
