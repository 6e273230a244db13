"""Batch normalisation with optional Ghost Batch Norm (Hoffer et al. 2017)."""

from __future__ import annotations

import flax.linen as nn
import jax.numpy as jnp


class BatchNorm(nn.Module):
  """BatchNorm over all axes but the last; with ghost_size > 0 in training mode the batch is
  split into ghost batches of that size, each normalised by its own statistics, and the
  running statistics are updated with the mean of the ghost statistics."""

  ghost_size: int = 0
  momentum: float = 0.9
  epsilon: float = 1e-5

  @nn.compact
  def __call__(self, x, train: bool):
    c = x.shape[-1]
    scale = self.param("scale", nn.initializers.ones, (c,))
    bias = self.param("bias", nn.initializers.zeros, (c,))
    ra_mean = self.variable("batch_stats", "mean", lambda: jnp.zeros((c,), jnp.float32))
    ra_var = self.variable("batch_stats", "var", lambda: jnp.ones((c,), jnp.float32))
    if not train:
      mean, var = ra_mean.value, ra_var.value
      y = (x - mean) / jnp.sqrt(var + self.epsilon)
      return y * scale + bias
    n = x.shape[0]
    g = self.ghost_size if self.ghost_size and n % self.ghost_size == 0 and n > self.ghost_size else n
    xg = x.reshape((n // g, g) + x.shape[1:])
    axes = tuple(range(1, xg.ndim - 1))
    mean = jnp.mean(xg, axis=axes, keepdims=True)
    var = jnp.mean(jnp.square(xg - mean), axis=axes, keepdims=True)
    y = ((xg - mean) / jnp.sqrt(var + self.epsilon)).reshape(x.shape)
    if not self.is_initializing():
      m = self.momentum
      ra_mean.value = m * ra_mean.value + (1 - m) * jnp.mean(mean.reshape(-1, c), axis=0)
      ra_var.value = m * ra_var.value + (1 - m) * jnp.mean(var.reshape(-1, c), axis=0)
    return y * scale + bias
