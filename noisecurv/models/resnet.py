"""CIFAR ResNets of depth 6n+2 (He et al. 2016), post- or pre-activation, any width."""

from __future__ import annotations

import flax.linen as nn
import jax.numpy as jnp

from noisecurv.models.layers import as_image, conv, dense, image_shape, scaled
from noisecurv.models.model import register_preset
from noisecurv.models.norm import BatchNorm
from noisecurv.registry import MODELS

SHORTCUTS = ("projection", "identity_pad")


def _pad_shortcut(x, cout: int, stride: int):
  """He et al. option A: subsample by `stride` and zero-pad channels (split evenly, as the
  common PyTorch CIFAR code does)."""
  x = x[:, ::stride, ::stride, :]
  extra = cout - x.shape[-1]
  return jnp.pad(x, ((0, 0), (0, 0), (0, 0), (extra // 2, extra - extra // 2)))


class BasicBlock(nn.Module):
  """Post-activation block: relu(bn(conv(relu(bn(conv(x))))) + shortcut(x)).

  Shortcut when the shape changes: 'projection' = 1×1 conv (stride) + BN (option B, Hoffer
  code), 'identity_pad' = subsample + zero channels (option A)."""

  features: int
  stride: int
  shortcut: str
  bn: bool
  init_scheme: str
  ghost_size: int

  @nn.compact
  def __call__(self, x, train: bool):
    def norm(y):
      return BatchNorm(ghost_size=self.ghost_size)(y, train) if self.bn else y

    nb, ini = not self.bn, self.init_scheme
    y = nn.relu(norm(conv(x, self.features, 3, ini, strides=self.stride, use_bias=nb)))
    y = norm(conv(y, self.features, 3, ini, use_bias=nb))
    if self.stride != 1 or x.shape[-1] != self.features:
      if self.shortcut == "projection":
        x = norm(conv(x, self.features, 1, ini, strides=self.stride, use_bias=nb))
      else:
        x = _pad_shortcut(x, self.features, self.stride)
    return nn.relu(y + x)


class PreActBlock(nn.Module):
  """Pre-activation block: conv(relu(bn(conv(relu(bn(x)))))) + shortcut(x).

  The shortcut acts on the raw input x: 'projection' = 1×1 conv (stride), no BN
  (jastrzebski2017 co-author code), 'identity_pad' = subsample + zero channels."""

  features: int
  stride: int
  shortcut: str
  bn: bool
  init_scheme: str
  ghost_size: int

  @nn.compact
  def __call__(self, x, train: bool):
    def norm(y):
      return BatchNorm(ghost_size=self.ghost_size)(y, train) if self.bn else y

    nb, ini = not self.bn, self.init_scheme
    y = conv(nn.relu(norm(x)), self.features, 3, ini, strides=self.stride, use_bias=nb)
    y = conv(nn.relu(norm(y)), self.features, 3, ini, use_bias=nb)
    if self.stride != 1 or x.shape[-1] != self.features:
      if self.shortcut == "projection":
        x = conv(x, self.features, 1, ini, strides=self.stride, use_bias=False)
      else:
        x = _pad_shortcut(x, self.features, self.stride)
    return y + x


class ResNet(nn.Module):
  """conv3×3 16w -> 3 stages × n blocks (16w, 32w, 64w channels; stride 2 entering stages
  2, 3) -> [pre-act: BN -> ReLU] -> global average pool -> Dense(out).

  Post-activation has conv -> BN -> ReLU as stem; pre-activation a bare conv. Convs have
  no bias when followed (or, pre-act, preceded) by BN.
  """

  n: int
  out: int
  width_mult: float = 1.0
  preact: bool = False
  shortcut: str = "projection"
  bn: bool = True
  init_scheme: str = "he_fan_out"
  ghost_size: int = 0

  @nn.compact
  def __call__(self, x, train: bool = False):
    x = as_image(x)

    def norm(y):
      return BatchNorm(ghost_size=self.ghost_size)(y, train) if self.bn else y

    widths = [scaled(c, self.width_mult) for c in (16, 32, 64)]
    x = conv(x, widths[0], 3, self.init_scheme, use_bias=not self.bn)
    if not self.preact:
      x = nn.relu(norm(x))
    block = PreActBlock if self.preact else BasicBlock
    for s, c in enumerate(widths):
      for b in range(self.n):
        stride = 2 if (s > 0 and b == 0) else 1
        x = block(c, stride, self.shortcut, self.bn, self.init_scheme, self.ghost_size)(x, train)
    if self.preact:
      x = nn.relu(norm(x))
    x = jnp.mean(x, axis=(1, 2))
    return dense(x, self.out, self.init_scheme)


@MODELS.register("resnet", depth=20, width_mult=1.0, preact=False, shortcut="projection",
                 bn=True, init="he_fan_out", ghost_size=0)
def resnet(cfg, *, num_classes, input_shape):
  """CIFAR ResNet family, depth = 6n + 2 (20, 32, 44, 56, 110, ...); defaults are the
  wen2019 reduced-run resnet20 (post-activation, projection shortcuts, He fan-out convs)."""
  if cfg.depth < 8 or (cfg.depth - 2) % 6:
    raise ValueError(f"resnet: depth {cfg.depth} is not 6n + 2 with n >= 1")
  if cfg.shortcut not in SHORTCUTS:
    raise ValueError(f"resnet: shortcut {cfg.shortcut!r} not in {SHORTCUTS}")
  image_shape(input_shape)
  return ResNet((cfg.depth - 2) // 6, num_classes, float(cfg.width_mult), cfg.preact,
                cfg.shortcut, cfg.bn, cfg.init, cfg.ghost_size)


_WEN = ("He et al. CIFAR ResNet, conv 16 → BN → ReLU, 3 stages × {n} BasicBlocks (16{w}, 32{w}, "
        "64{w} ch), projection shortcuts 1×1 conv + BN (option B, Hoffer code), global "
        "average pool, Dense; He fan-out convs")
register_preset("resnet20", "resnet", "wen2019 reduced-run ResNet-20: "
                + _WEN.format(n=3, w="") + "; ≈0.27M parameters.")
register_preset("resnet44", "resnet", "wen2019 resnet44: " + _WEN.format(n=7, w="")
                + "; ≈0.66M parameters.", depth=44)
register_preset("resnet44x2", "resnet", "wen2019 resnet44x2 ('the number of filters are "
                "doubled'): " + _WEN.format(n=7, w="·2") + "; ≈2.6M parameters.",
                depth=44, width_mult=2.0)
register_preset("preact_resnet56", "resnet",
                "jastrzebski2017 pre-activation ResNet-56: conv3×3 3→16 (no bias), 3 stages × 9 "
                "blocks BN–ReLU–conv–BN–ReLU–conv (16/32/64 ch), 1×1 stride-2 conv shortcut on "
                "the raw input when downsampling, final BN, ReLU, global average pool, FC-10; "
                "PyTorch-default init (§6 #28); D = 855,578 on 32×32×3.",
                depth=56, preact=True, init="torch")
