"""Layer helpers shared by the model families (called inside `nn.compact` methods).

`dense` and `conv` create a flax layer whose kernel and bias initialisers come
from an init scheme of `noisecurv.models.init`, with the fan-in that PyTorch-style
bias initialisers need. `Im2ColConv` is a stride-1 convolution written as one
matmul over stacked shifted windows: the same function and parameters
('kernel' (k, k, C_in, C_out), 'bias') as `nn.Conv`, faster for the tiny
thomas2020 CNNs whose per-example Jacobians the curvature kernels form.
"""

from __future__ import annotations

from collections.abc import Callable

import flax.linen as nn
import jax
import jax.numpy as jnp

from noisecurv.models.init import bias_init, kernel_init

ACTIVATIONS: dict[str, Callable] = {
    "relu": nn.relu, "tanh": jnp.tanh, "sigmoid": nn.sigmoid, "elu": nn.elu,
    "softplus": nn.softplus, "linear": lambda x: x}


def activation(name: str) -> Callable:
  if name not in ACTIVATIONS:
    raise ValueError(f"unknown activation {name!r}; known: {sorted(ACTIVATIONS)}")
  return ACTIVATIONS[name]


def dense(x, features: int, init: str, *, use_bias: bool = True, name: str | None = None):
  """Dense layer on the last axis of x with init scheme `init`."""
  return nn.Dense(features, use_bias=use_bias, kernel_init=kernel_init(init, "dense"),
                  bias_init=bias_init(init, x.shape[-1], "dense"), name=name)(x)


def _pads(padding, k: int) -> tuple[tuple[int, int], tuple[int, int]]:
  if padding == "VALID":
    return (0, 0), (0, 0)
  if padding == "SAME":
    return ((k - 1) // 2, k // 2), ((k - 1) // 2, k // 2)
  if isinstance(padding, int):
    return (padding, padding), (padding, padding)
  raise ValueError(f"padding {padding!r} not supported (use 'VALID', 'SAME' or an int)")


_LECUN, _ZEROS = kernel_init("default", "conv"), bias_init("default", None, "conv")


class Im2ColConv(nn.Module):
  """Stride-1 k×k convolution of NHWC x as one matmul: windows (B, H', W', k·k·C_in) @ kernel."""

  features: int
  kernel_size: int
  padding: str | int = "VALID"
  use_bias: bool = True
  kernel_init: Callable = _LECUN
  bias_init: Callable = _ZEROS

  @nn.compact
  def __call__(self, x):
    k, cin = self.kernel_size, x.shape[-1]
    kernel = self.param("kernel", self.kernel_init, (k, k, cin, self.features))
    (t, b), (l, r) = _pads(self.padding, k)
    if t or b or l or r:
      x = jnp.pad(x, ((0, 0), (t, b), (l, r), (0, 0)))
    ho, wo = x.shape[1] - k + 1, x.shape[2] - k + 1
    # Window order (i, j, c) matches the row-major flattening of the HWIO kernel.
    cols = jnp.concatenate([x[:, i:i + ho, j:j + wo, :] for i in range(k) for j in range(k)],
                           axis=-1)
    y = cols @ kernel.reshape(k * k * cin, self.features)
    if self.use_bias:
      y = y + self.param("bias", self.bias_init, (self.features,))
    return y


def conv(x, features: int, kernel: int, init: str, *, strides: int = 1, padding="SAME",
         use_bias: bool = True, im2col: bool = False, name: str | None = None):
  """k×k convolution of NHWC x with init scheme `init` (im2col only for stride 1)."""
  fan_in = kernel * kernel * x.shape[-1]
  k_init, b_init = kernel_init(init, "conv"), bias_init(init, fan_in, "conv")
  if im2col:
    if strides != 1:
      raise ValueError("im2col convolution supports stride 1 only")
    return Im2ColConv(features, kernel, padding, use_bias, k_init, b_init, name=name)(x)
  return nn.Conv(features, (kernel, kernel), strides=strides, padding=padding,
                 use_bias=use_bias, kernel_init=k_init, bias_init=b_init, name=name)(x)


def max_pool(x, window: int, stride: int):
  return nn.max_pool(x, (window, window), strides=(stride, stride), padding="VALID")


class Dropout(nn.Module):
  """Inverted dropout drawing its mask from the 'dropout' rng: x·m/(1 − rate), m ~ Bernoulli(1 −
  rate), in training; the identity otherwise. As `nn.Dropout`, but the mask is sampled flat
  and reshaped (fast XLA:CPU compiles, see `noisecurv.models.init`)."""

  rate: float

  @nn.compact
  def __call__(self, x, train: bool):
    if not train or self.rate <= 0.0:
      return x
    keep = jax.random.bernoulli(self.make_rng("dropout"), 1.0 - self.rate, (x.size,))
    return jnp.where(keep.reshape(x.shape), x / (1.0 - self.rate), 0.0)


def dropout(x, rate: float, train: bool):
  """Dropout with the 'dropout' rng in training; the identity when rate == 0 or not training."""
  if rate <= 0.0:
    return x
  return Dropout(rate)(x, train)


def as_image(x):
  """NHWC images; (B, H, W) greyscale gains a channel axis, flat vectors are an error."""
  if x.ndim == 3:
    return x[..., None]
  if x.ndim != 4:
    raise ValueError(f"convolutional model needs (B, H, W[, C]) images, got shape {x.shape}; "
                     "set data.flatten=False")
  return x


def image_shape(input_shape: tuple[int, ...]) -> tuple[int, int, int]:
  """(H, W, C) of per-example `input_shape` (H, W[, C]); raises for flat inputs."""
  if len(input_shape) == 2:
    return (*input_shape, 1)
  if len(input_shape) != 3:
    raise ValueError(f"convolutional model needs image inputs (H, W[, C]), got {input_shape}; "
                     "set data.flatten=False")
  return tuple(input_shape)


def scaled(c: int, width_mult: float) -> int:
  """Channel count c·width_mult, rounded, at least 1."""
  return max(1, int(round(c * width_mult)))
