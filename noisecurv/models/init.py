"""Weight initialisers by name (the papers use several conventions).

A scheme names how both kernels and biases start, per layer kind ('dense' or
'conv'; a conv's fan-in is k·k·C_in and its fan-out k·k·C_out, as in flax and
PyTorch):

- default: LeCun-normal kernels (truncated, flax), zero biases (thomas2020: Flax defaults).
- he_normal: He-normal fan-in kernels (truncated, flax), zero biases.
- glorot_uniform, glorot_normal: Glorot kernels, zero biases.
- torch: kernels and biases U(±1/√fan_in), PyTorch's Linear/Conv default (jastrzebski2017).
- trunc_normal_002: kernels and biases N(0, 0.02²) truncated at ±2σ (zhu2019 LeNet, TF code).
- normal_001: N(0, 0.01²) kernels, zero biases.
- std_normal: kernels and biases N(0, 1) (li2019 Gauss-k: θ₀ ~ N(0, I)).
- he_fan_out: convs N(0, 2/(k²·C_out)) with zero bias; dense layers as 'default'
  (wen2019, Hoffer code).
- he_fan_out_torch: convs N(0, 2/(k²·C_out)) with zero bias; dense layers as 'torch'
  (jastrzebski2017 and zhu2019 VGG co-author code).

The He fan-out convs are untruncated normals, as PyTorch's
`kaiming_normal_(mode='fan_out')` and `normal_(0, sqrt(2/n))` draw them.

Every sampler draws a flat vector and reshapes it. With threefry counters in
row-major order this gives exactly the numbers of flax's initialisers on the
full shape, but XLA:CPU compiles a 1-D random op about 10× faster than a 4-D
one (seconds per conv kernel with `jax_threefry_partitionable`), which decides
the compile time of a vmapped `model.init`.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp

INITS = ("default", "he_normal", "glorot_uniform", "glorot_normal", "torch", "trunc_normal_002",
         "normal_001", "std_normal", "he_fan_out", "he_fan_out_torch")
LAYERS = ("dense", "conv")

# Standard deviation of a standard normal truncated to (−2, 2).
_TRUNC_STD = 0.87962566103423978


def _check(name: str, layer: str) -> None:
  if name not in INITS:
    raise ValueError(f"unknown init {name!r}; known: {INITS}")
  if layer not in LAYERS:
    raise ValueError(f"unknown layer kind {layer!r}; known: {LAYERS}")


def _sample(distribution: str, key, shape, dtype, scale: float):
  """scale × a standard draw ('normal', 'truncated_normal' on (−2, 2), 'uniform' on
  (−1, 1)), sampled flat and reshaped (see the module docstring)."""
  n = math.prod(shape)
  if distribution == "normal":
    z = jax.random.normal(key, (n,), dtype)
  elif distribution == "truncated_normal":
    z = jax.random.truncated_normal(key, -2.0, 2.0, (n,), dtype)
  else:
    z = jax.random.uniform(key, (n,), dtype, -1.0, 1.0)
  return (z * jnp.asarray(scale, dtype)).reshape(shape)


def fans(shape) -> tuple[int, int]:
  """(fan_in, fan_out) of a kernel (..., C_in, C_out): the receptive field times C_in / C_out."""
  receptive = math.prod(shape[:-2])
  return shape[-2] * receptive, shape[-1] * receptive


def variance_scaling(scale: float, mode: str, distribution: str):
  """flax/jax `variance_scaling`: Var = scale / fan ('fan_in', 'fan_out' or 'fan_avg')."""

  def init(key, shape, dtype=jnp.float32):
    fan_in, fan_out = fans(shape)
    fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    std = math.sqrt(scale / fan)
    if distribution == "truncated_normal":
      return _sample(distribution, key, shape, dtype, std / _TRUNC_STD)
    if distribution == "uniform":
      return _sample(distribution, key, shape, dtype, math.sqrt(3) * std)
    return _sample(distribution, key, shape, dtype, std)

  return init


def constant_scale(distribution: str, scale: float):
  """scale × a standard draw, whatever the shape (N(0, σ²), truncated N(0, σ²) on ±2σ, U(±b))."""

  def init(key, shape, dtype=jnp.float32):
    return _sample(distribution, key, shape, dtype, scale)

  return init


def zeros(key, shape, dtype=jnp.float32):
  return jnp.zeros(shape, dtype)


def kernel_init(name: str, layer: str = "dense"):
  """The kernel initialiser of scheme `name` for a 'dense' or 'conv' layer."""
  _check(name, layer)
  if name in ("he_fan_out", "he_fan_out_torch"):
    if layer == "conv":
      return variance_scaling(2.0, "fan_out", "normal")
    name = "default" if name == "he_fan_out" else "torch"
  if name == "default":
    return variance_scaling(1.0, "fan_in", "truncated_normal")
  if name == "he_normal":
    return variance_scaling(2.0, "fan_in", "truncated_normal")
  if name == "glorot_uniform":
    return variance_scaling(1.0, "fan_avg", "uniform")
  if name == "glorot_normal":
    return variance_scaling(1.0, "fan_avg", "truncated_normal")
  if name == "torch":  # variance 1/(3·fan_in) uniform = U(±1/√fan_in)
    return variance_scaling(1 / 3, "fan_in", "uniform")
  if name == "trunc_normal_002":
    return constant_scale("truncated_normal", 0.02)
  if name == "normal_001":
    return constant_scale("normal", 0.01)
  return constant_scale("normal", 1.0)  # std_normal


def bias_init(name: str, fan_in: int | None = None, layer: str = "dense"):
  """The bias initialiser of scheme `name`; `fan_in` (k·k·C_in for convs) is needed by 'torch'."""
  _check(name, layer)
  if name in ("he_fan_out", "he_fan_out_torch"):
    if layer == "conv" or name == "he_fan_out":
      return zeros
    name = "torch"
  if name == "torch":
    if not fan_in:
      raise ValueError("init 'torch' needs the layer's fan_in for its bias")
    return constant_scale("uniform", 1.0 / math.sqrt(fan_in))
  if name == "trunc_normal_002":
    return constant_scale("truncated_normal", 0.02)
  if name == "std_normal":
    return constant_scale("normal", 1.0)
  return zeros
