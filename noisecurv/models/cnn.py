"""Small convolutional nets: the thomas2020 all-conv CNN and the LeNet-5 family."""

from __future__ import annotations

from collections.abc import Sequence

import flax.linen as nn
import jax.numpy as jnp

from noisecurv.models.layers import activation, as_image, conv, dense, image_shape, max_pool
from noisecurv.models.model import register_preset
from noisecurv.models.norm import BatchNorm
from noisecurv.registry import MODELS


class SmallCNN(nn.Module):
  """[conv k×k VALID -> (BN) -> act] per hidden channel count -> conv k×k VALID (out channels)
  -> mean over the remaining spatial positions (the identity on thomas2020's 1×1 output).

  x: (B, H, W, C) -> (B, out). BN (where `bn_layers` lists a hidden conv's index) sits
  before the activation.
  """

  channels: Sequence[int]
  out: int
  kernel: int = 3
  bn_layers: Sequence[int] = ()
  activation: str = "relu"
  init_scheme: str = "default"
  im2col: bool = True
  ghost_size: int = 0

  @nn.compact
  def __call__(self, x, train: bool = False):
    x = as_image(x)
    act = activation(self.activation)
    n = len(self.channels)
    # Explicit names: both convolution paths share one parameter layout (and checkpoints).
    for i, c in enumerate(self.channels):
      x = conv(x, c, self.kernel, self.init_scheme, padding="VALID", im2col=self.im2col,
               name=f"Conv_{i}")
      if i in self.bn_layers:
        x = BatchNorm(ghost_size=self.ghost_size)(x, train)
      x = act(x)
    x = conv(x, self.out, self.kernel, self.init_scheme, padding="VALID", im2col=self.im2col,
             name=f"Conv_{n}")
    return jnp.mean(x, axis=(1, 2))


@MODELS.register("cnn", channels=(15, 20), kernel=3, bn_layers=(), activation="relu",
                 init="default", im2col=True, ghost_size=0)
def cnn(cfg, *, num_classes, input_shape):
  """thomas2020 cnn (family default): conv3×3 VALID 1→15, ReLU, 15→20, ReLU, 20→10 whose
  output is the class scores (7→5→3→1 spatially); d = 4,680 on 7×7×1.

  `bn_layers` lists hidden convs (0-based) followed by BN; `im2col` computes the
  convolutions as one matmul over stacked windows (same function, faster on tiny shapes).
  """
  h, w, _ = image_shape(input_shape)
  k, n = cfg.kernel, len(cfg.channels)
  if min(h, w) - (n + 1) * (k - 1) < 1:
    raise ValueError(f"cnn: {n + 1} VALID {k}×{k} convs do not fit {h}×{w} inputs")
  if any(not 0 <= i < n for i in cfg.bn_layers):
    raise ValueError(f"cnn: bn_layers {tuple(cfg.bn_layers)} must index the {n} hidden convs")
  return SmallCNN(tuple(cfg.channels), num_classes, k, tuple(cfg.bn_layers), cfg.activation,
                  cfg.init, cfg.im2col, cfg.ghost_size)


register_preset("cnn_bn", "cnn",
                "thomas2020 cnn_bn: the cnn with BatchNorm(20) after the second conv, before its "
                "ReLU (momentum 0.9, ε = 1e-5); d = 4,720 trainable.",
                bn_layers=(1,))


class LeNet5(nn.Module):
  """[conv k×k -> (BN) -> act/pool] per channel count -> flatten -> [Dense -> (BN) -> act]
  per hidden width -> Dense(out).

  The first conv pads by `pad_first` pixels, the others are VALID; pooling is 2×2
  max-pool, stride 2. `order` 'act_pool' applies the activation before the pool,
  'pool_act' after it (the same function for ReLU, which commutes with max-pool).
  """

  channels: Sequence[int]
  hidden: Sequence[int]
  out: int
  kernel: int = 5
  pad_first: int = 2
  bn: bool = False
  order: str = "act_pool"
  activation: str = "relu"
  init_scheme: str = "default"
  ghost_size: int = 0

  @nn.compact
  def __call__(self, x, train: bool = False):
    x = as_image(x)
    act = activation(self.activation)
    for i, c in enumerate(self.channels):
      x = conv(x, c, self.kernel, self.init_scheme, padding=self.pad_first if i == 0 else 0)
      if self.bn:
        x = BatchNorm(ghost_size=self.ghost_size)(x, train)
      x = max_pool(act(x), 2, 2) if self.order == "act_pool" else act(max_pool(x, 2, 2))
    x = x.reshape((x.shape[0], -1))
    for h in self.hidden:
      x = dense(x, h, self.init_scheme)
      if self.bn:
        x = BatchNorm(ghost_size=self.ghost_size)(x, train)
      x = act(x)
    return dense(x, self.out, self.init_scheme)


@MODELS.register("lenet5", channels=(6, 16), hidden=(120, 84), kernel=5, pad_first=2, bn=False,
                 order="act_pool", activation="relu", init="default", ghost_size=0)
def lenet5(cfg, *, num_classes, input_shape):
  """LeNet-5 family (ReLU, max-pool): conv 6@5×5 pad 2 → pool → conv 16@5×5 → pool →
  Dense 120 → Dense 84 → Dense classes on 28×28 inputs; presets `lenet5_bn` (wen2019)
  and `lenet_small` (zhu2019)."""
  if cfg.order not in ("act_pool", "pool_act"):
    raise ValueError(f"lenet5: order {cfg.order!r} not in ('act_pool', 'pool_act')")
  h, w, _ = image_shape(input_shape)
  for i in range(len(cfg.channels)):
    pad = cfg.pad_first if i == 0 else 0
    h, w = (h + 2 * pad - cfg.kernel + 1) // 2, (w + 2 * pad - cfg.kernel + 1) // 2
    if min(h, w) < 1:
      raise ValueError(f"lenet5: inputs {input_shape} too small for {len(cfg.channels)} stages")
  return LeNet5(tuple(cfg.channels), tuple(cfg.hidden), num_classes, cfg.kernel, cfg.pad_first,
                cfg.bn, cfg.order, cfg.activation, cfg.init, cfg.ghost_size)


register_preset("lenet5_bn", "lenet5",
                "wen2019 'LeNet' (lenet5_bn): conv 6@5×5 pad 2 → BN → ReLU → pool → conv 16@5×5 "
                "→ BN → ReLU → pool → Dense 120 → BN → ReLU → Dense 84 → BN → ReLU → Dense 10, "
                "He fan-out convs; 62,158 parameters on 28×28×1 (conv/dense biases and BN γ, β; "
                "the 452 running statistics are state, not parameters).",
                bn=True, init="he_fan_out")
register_preset("lenet_small", "lenet5",
                "zhu2019 §E4 small LeNet: conv 5×5 10ch VALID → maxpool → ReLU → conv 5×5 10→10 "
                "→ maxpool → ReLU → FC 160→50 → ReLU → FC 50→10, every weight and bias "
                "truncated N(0, 0.02²); D = 11,330 on 28×28×1.",
                channels=(10, 10), hidden=(50,), pad_first=0, order="pool_act",
                init="trunc_normal_002")
