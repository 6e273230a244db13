"""Per-example losses as likelihoods of the model's output.

A `Likelihood` knows the per-example negative log-likelihood ℓ(f, y), how to
sample y from the model's predictive distribution p(y|f) (true Fisher F), and
the output-space Hessian ∂²ℓ/∂f² as a matrix-vector product (GGN and exact F;
for these exponential-family losses the two coincide). Losses are per example;
the training loss is their mean (DESIGN.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import jax
import jax.numpy as jnp
import optax


@dataclasses.dataclass(frozen=True)
class Likelihood:
  name: str
  loss: Callable[[jax.Array, jax.Array], jax.Array]  # (B,k),(B,...) -> (B,)
  sample: Callable[[jax.Array, jax.Array], jax.Array]  # key, (B,k) -> y
  output_hvp: Callable[[jax.Array, jax.Array], jax.Array]  # f (B,k), u (B,k) -> (B,k)
  correct: Callable[[jax.Array, jax.Array], jax.Array] | None  # -> (B,) 0/1, None if regression

  def mean_loss(self, f: jax.Array, y: jax.Array) -> jax.Array:
    return jnp.mean(self.loss(f, y))


def _ce_loss(logits, y):
  return optax.softmax_cross_entropy_with_integer_labels(logits, y)


def _ce_sample(key, logits):
  return jax.random.categorical(key, logits, axis=-1)


def _ce_hvp(logits, u):
  p = jax.nn.softmax(logits, axis=-1)
  return p * u - p * jnp.sum(p * u, axis=-1, keepdims=True)


def _ce_correct(logits, y):
  return (jnp.argmax(logits, axis=-1) == y).astype(jnp.float32)


def _sigmoid_loss(z, y):
  # z: (B,) or (B,1) logit; y in {0,1}
  z = z.reshape(z.shape[0])
  return optax.sigmoid_binary_cross_entropy(z, y.astype(z.dtype))


def _sigmoid_sample(key, z):
  z = z.reshape(z.shape[0])
  return jax.random.bernoulli(key, jax.nn.sigmoid(z)).astype(jnp.int32)


def _sigmoid_hvp(z, u):
  p = jax.nn.sigmoid(z)
  return p * (1 - p) * u


def _sigmoid_correct(z, y):
  z = z.reshape(z.shape[0])
  return ((z > 0).astype(jnp.int32) == y).astype(jnp.float32)


def gaussian(variance: float, name: str) -> Likelihood:
  """ℓ = ‖f − y‖²/(2·variance), summed over outputs; y ~ N(f, variance·I)."""

  def loss(f, y):
    y = y.reshape(f.shape)
    return jnp.sum((f - y) ** 2, axis=tuple(range(1, f.ndim))) / (2 * variance)

  def sample(key, f):
    return f + jnp.sqrt(variance) * jax.random.normal(key, f.shape, f.dtype)

  def hvp(f, u):
    return u / variance

  return Likelihood(name, loss, sample, hvp, None)


LIKELIHOODS: dict[str, Likelihood] = {
    "softmax_cross_entropy": Likelihood("softmax_cross_entropy", _ce_loss, _ce_sample, _ce_hvp,
                                        _ce_correct),
    "sigmoid_cross_entropy": Likelihood("sigmoid_cross_entropy", _sigmoid_loss, _sigmoid_sample,
                                        _sigmoid_hvp, _sigmoid_correct),
    # ½‖f − y‖²: Gaussian with unit variance.
    "mse": gaussian(1.0, "mse"),
    # ‖f − y‖² without the ½ (zhu2019 Fig. 4): Gaussian with variance ½.
    "squared_error": gaussian(0.5, "squared_error"),
}


def get(name: str) -> Likelihood:
  if name not in LIKELIHOODS:
    raise KeyError(f"unknown loss {name!r}; known: {sorted(LIKELIHOODS)}")
  return LIKELIHOODS[name]
