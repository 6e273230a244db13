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
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
from flax import linen as nn

INITS = ("default", "he_normal", "glorot_uniform", "glorot_normal", "torch", "trunc_normal_002",
         "normal_001", "std_normal", "he_fan_out", "he_fan_out_torch")
LAYERS = ("dense", "conv")


def _check(name: str, layer: str) -> None:
  if name not in INITS:
    raise ValueError(f"unknown init {name!r}; known: {INITS}")
  if layer not in LAYERS:
    raise ValueError(f"unknown layer kind {layer!r}; known: {LAYERS}")


def _uniform(bound: float):
  def init(key, shape, dtype=jnp.float32):
    return jax.random.uniform(key, shape, dtype, -bound, bound)

  return init


def kernel_init(name: str, layer: str = "dense"):
  """The kernel initialiser of scheme `name` for a 'dense' or 'conv' layer."""
  _check(name, layer)
  if name in ("he_fan_out", "he_fan_out_torch"):
    if layer == "conv":
      return nn.initializers.variance_scaling(2.0, "fan_out", "normal")
    name = "default" if name == "he_fan_out" else "torch"
  if name == "default":
    return nn.initializers.lecun_normal()
  if name == "he_normal":
    return nn.initializers.he_normal()
  if name == "glorot_uniform":
    return nn.initializers.glorot_uniform()
  if name == "glorot_normal":
    return nn.initializers.glorot_normal()
  if name == "torch":  # variance 1/(3·fan_in) uniform = U(±1/√fan_in)
    return nn.initializers.variance_scaling(1 / 3, "fan_in", "uniform")
  if name == "trunc_normal_002":
    return nn.initializers.truncated_normal(0.02, lower=-2.0, upper=2.0)
  if name == "normal_001":
    return nn.initializers.normal(0.01)
  return nn.initializers.normal(1.0)  # std_normal


def bias_init(name: str, fan_in: int | None = None, layer: str = "dense"):
  """The bias initialiser of scheme `name`; `fan_in` (k·k·C_in for convs) is needed by 'torch'."""
  _check(name, layer)
  if name in ("he_fan_out", "he_fan_out_torch"):
    if layer == "conv" or name == "he_fan_out":
      return nn.initializers.zeros
    name = "torch"
  if name == "torch":
    if not fan_in:
      raise ValueError("init 'torch' needs the layer's fan_in for its bias")
    return _uniform(1.0 / math.sqrt(fan_in))
  if name == "trunc_normal_002":
    return nn.initializers.truncated_normal(0.02, lower=-2.0, upper=2.0)
  if name == "std_normal":
    return nn.initializers.normal(1.0)
  return nn.initializers.zeros
