"""Batch normalisation with optional Ghost Batch Norm (Hoffer et al. 2017)."""

from __future__ import annotations

import flax.linen as nn
import jax.numpy as jnp


def ghost_batches(n: int, ghost_size: int) -> int:
  """Number K of ghost batches a batch of n examples splits into.

  ghost_size <= 0 or n <= ghost_size: one batch (plain BN; a smaller batch is
  normalised as a whole). Otherwise n must be a multiple of ghost_size, since a
  silently ragged split would change which examples share statistics.
  """
  if ghost_size <= 0 or n <= ghost_size:
    return 1
  if n % ghost_size:
    raise ValueError(f"batch of {n} is not a multiple of ghost_size {ghost_size}")
  return n // ghost_size


class BatchNorm(nn.Module):
  """BatchNorm over all axes but the last (channels); x: (B, C) or (B, H, W, C).

  Training mode with ghost_size g > 0 splits the batch into K = B/g ghost
  batches of consecutive examples; each is normalised by its own mean and
  biased variance, y = (x − μ_k)/√(σ²_k + ε)·γ + β, with shared γ, β. Running
  statistics take one update per call with retention momentumᴷ towards the mean
  of the K ghost statistics, r ← mᴷ·r + (1 − mᴷ)·mean_k(s_k) (wen2019 §2.5):
  this equals K sequential per-ghost updates with momentum m when the ghost
  statistics agree, and plain BN's update when K = 1. Evaluation mode uses the
  running statistics. Parameters: 'scale' γ and 'bias' β (C each); running
  'mean' and 'var' live in the `batch_stats` collection (not parameters).
  """

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
      y = (x - ra_mean.value) / jnp.sqrt(ra_var.value + self.epsilon)
      return y * scale + bias
    n = x.shape[0]
    k = ghost_batches(n, self.ghost_size)
    xg = x.reshape((k, n // k) + x.shape[1:])
    axes = tuple(range(1, xg.ndim - 1))
    mean = jnp.mean(xg, axis=axes, keepdims=True)
    var = jnp.mean(jnp.square(xg - mean), axis=axes, keepdims=True)
    y = ((xg - mean) / jnp.sqrt(var + self.epsilon)).reshape(x.shape)
    if not self.is_initializing():
      m = self.momentum**k
      ra_mean.value = m * ra_mean.value + (1 - m) * jnp.mean(mean.reshape(k, c), axis=0)
      ra_var.value = m * ra_var.value + (1 - m) * jnp.mean(var.reshape(k, c), axis=0)
    return y * scale + bias
