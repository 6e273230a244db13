"""Weight initialisers by name (the papers use several conventions)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
from flax import linen as nn

INITS = ("default", "he_normal", "glorot_uniform", "glorot_normal", "torch", "trunc_normal_002",
         "normal_001")


def kernel_init(name: str):
  if name == "default":
    return nn.initializers.lecun_normal()
  if name == "he_normal":
    return nn.initializers.he_normal()
  if name == "glorot_uniform":
    return nn.initializers.glorot_uniform()
  if name == "glorot_normal":
    return nn.initializers.glorot_normal()
  if name == "torch":  # PyTorch Linear/Conv default: U(±1/sqrt(fan_in))
    return nn.initializers.variance_scaling(1 / 3, "fan_in", "uniform")
  if name == "trunc_normal_002":
    return nn.initializers.truncated_normal(0.02)
  if name == "normal_001":
    return nn.initializers.normal(0.01)
  raise ValueError(f"unknown init {name!r}; known: {INITS}")


def bias_init(name: str, fan_in: int | None = None):
  if name == "trunc_normal_002":
    return nn.initializers.truncated_normal(0.02)
  if name == "torch" and fan_in:
    bound = 1.0 / jnp.sqrt(fan_in)
    return lambda key, shape, dtype=jnp.float32: jax.random.uniform(key, shape, dtype, -bound, bound)
  return nn.initializers.zeros
