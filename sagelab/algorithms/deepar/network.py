"""The network behind the likelihood head: category embeddings joined to the dense inputs,
`num_layers` tanh layers of `num_cells` with dropout, and a linear output that also sees the
inputs directly (the skip lets the autoregressive part stay linear where that is all the data
supports). Gradients are written out by hand; Adam updates every parameter, embeddings
included."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Params = dict[str, Array]
_CLIP = 10.0  # global gradient norm


@dataclass
class Pass:
    """What one forward pass keeps for its backward pass."""

    inputs: Array
    active: list[Array]  # each layer's tanh activations
    hidden: list[Array]  # the same after dropout: what the next layer sees
    masks: list[Array | None]
    cats: IntArray


@dataclass
class Network:
    params: Params
    layers: int
    embeddings: int  # how many categorical features

    @classmethod
    def initialise(cls, dense: int, embeddings: list[tuple[int, int]], cells: int,
                   layers: int, outputs: int, rng: np.random.Generator) -> Network:
        """`embeddings`: (cardinality, dimension) per categorical feature."""
        params: Params = {f"E{j}": rng.normal(0, 0.1, size) for j, size in enumerate(embeddings)}
        width = dense + sum(dim for _, dim in embeddings)
        for i in range(layers):
            bound = np.sqrt(6 / (width + cells))
            params[f"W{i}"] = rng.uniform(-bound, bound, (width, cells))
            params[f"b{i}"] = np.zeros(cells)
            width = cells
        params["Wo"] = rng.normal(0, 0.01, (cells, outputs))
        params["bo"] = np.zeros(outputs)
        params["Ws"] = np.zeros((dense + sum(d for _, d in embeddings), outputs))
        return cls(params, layers, len(embeddings))

    def _inputs(self, dense: Array, cats: IntArray) -> Array:
        parts = [dense] + [self.params[f"E{j}"][cats[:, j]] for j in range(self.embeddings)]
        return np.concatenate(parts, axis=1)

    def forward(self, dense: Array, cats: IntArray, dropout: float = 0.0,
                rng: np.random.Generator | None = None) -> tuple[Array, Pass]:
        x = self._inputs(dense, cats)
        state = Pass(x, [], [], [], cats)
        h = x
        for i in range(self.layers):
            active = np.tanh(h @ self.params[f"W{i}"] + self.params[f"b{i}"])
            mask = None
            h = active
            if dropout > 0 and rng is not None:
                mask = (rng.random(h.shape) >= dropout) / (1 - dropout)
                h = active * mask
            state.active.append(active)
            state.hidden.append(h)
            state.masks.append(mask)
        out = h @ self.params["Wo"] + self.params["bo"] + x @ self.params["Ws"]
        return out, state

    def backward(self, state: Pass, d_out: Array) -> Params:
        grads: Params = {"Wo": state.hidden[-1].T @ d_out, "bo": d_out.sum(axis=0),
                         "Ws": state.inputs.T @ d_out}
        d_x = d_out @ self.params["Ws"].T
        d_h = d_out @ self.params["Wo"].T
        for i in reversed(range(self.layers)):
            active, mask = state.active[i], state.masks[i]
            d_z = d_h * (1 - active * active) * (1 if mask is None else mask)
            below = state.inputs if i == 0 else state.hidden[i - 1]
            grads[f"W{i}"], grads[f"b{i}"] = below.T @ d_z, d_z.sum(axis=0)
            if i == 0:
                d_x = d_x + d_z @ self.params["W0"].T
            else:
                d_h = d_z @ self.params[f"W{i}"].T
        self._embedding_grads(state, d_x, grads)
        return grads

    def _embedding_grads(self, state: Pass, d_x: Array, grads: Params) -> None:
        column = d_x.shape[1] - sum(self.params[f"E{j}"].shape[1]
                                    for j in range(self.embeddings))
        for j in range(self.embeddings):
            table = self.params[f"E{j}"]
            grad = np.zeros_like(table)
            np.add.at(grad, state.cats[:, j], d_x[:, column:column + table.shape[1]])
            grads[f"E{j}"] = grad
            column += table.shape[1]


@dataclass
class Adam:
    """Adam over all parameters as one flat vector: a handful of array operations per step
    however many parameter arrays there are."""

    learning_rate: float
    beta1: float = 0.9
    beta2: float = 0.999
    steps: int = 0
    first: Array = field(default_factory=lambda: np.zeros(0))
    second: Array = field(default_factory=lambda: np.zeros(0))

    def step(self, params: Params, grads: Params) -> None:
        names = sorted(grads)
        g = np.concatenate([grads[name].ravel() for name in names])
        g *= min(1.0, _CLIP / max(float(np.sqrt(g @ g)), 1e-12))
        if self.steps == 0:
            self.first, self.second = np.zeros_like(g), np.zeros_like(g)
        self.steps += 1
        self.first *= self.beta1
        self.first += (1 - self.beta1) * g
        self.second *= self.beta2
        self.second += (1 - self.beta2) * (g * g)
        rate = self.learning_rate * np.sqrt(1 - self.beta2 ** self.steps) / (
            1 - self.beta1 ** self.steps)
        update = rate * self.first / (np.sqrt(self.second) + 1e-8)
        at = 0
        for name in names:
            size = grads[name].size
            params[name] -= update[at:at + size].reshape(grads[name].shape)
            at += size
