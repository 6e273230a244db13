"""VGG nets for 32×32 inputs (Simonyan & Zisserman configs A, B, D, E), with or without BN."""

from __future__ import annotations

from collections.abc import Sequence

import flax.linen as nn

from noisecurv.models.layers import (
  activation,
  as_image,
  conv,
  dense,
  dropout,
  image_shape,
  max_pool,
  scaled,
)
from noisecurv.models.model import register_preset
from noisecurv.models.norm import BatchNorm
from noisecurv.registry import MODELS

# Conv widths per depth; "M" is a 2×2/2 max-pool.
CONFIGS: dict[int, tuple] = {
    11: (64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"),
    13: (64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"),
    16: (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"),
    19: (64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M",
         512, 512, 512, 512, "M"),
}
CLASSIFIERS = ("single", "three_fc")


class VGG(nn.Module):
  """[conv3×3 SAME (+bias) -> (BN) -> ReLU | maxpool 2/2] per `config` entry -> flatten ->
  head. Widths are the config's times `width_mult`.

  Head 'single': Dense(out) on the flattened features (512-d on 32×32 inputs);
  'three_fc': Dense fc -> ReLU -> (Dropout) -> Dense fc -> ReLU -> (Dropout) -> Dense(out),
  fc = `fc_width`·width_mult. The convs keep their biases with BN, as the papers' counts do.
  """

  config: Sequence
  out: int
  bn: bool = True
  width_mult: float = 1.0
  classifier: str = "single"
  fc_width: int = 512
  dropout: float = 0.0
  init_scheme: str = "he_fan_out"
  ghost_size: int = 0

  @nn.compact
  def __call__(self, x, train: bool = False):
    x = as_image(x)
    act = activation("relu")
    for v in self.config:
      if v == "M":
        x = max_pool(x, 2, 2)
        continue
      x = conv(x, scaled(v, self.width_mult), 3, self.init_scheme, padding="SAME")
      if self.bn:
        x = BatchNorm(ghost_size=self.ghost_size)(x, train)
      x = act(x)
    x = x.reshape((x.shape[0], -1))
    if self.classifier == "three_fc":
      for _ in range(2):
        x = act(dense(x, scaled(self.fc_width, self.width_mult), self.init_scheme))
        x = dropout(x, self.dropout, train)
    return dense(x, self.out, self.init_scheme)


@MODELS.register("vgg", depth=16, bn=True, width_mult=1.0, classifier="single", fc_width=512,
                 dropout=0.0, init="he_fan_out", ghost_size=0)
def vgg(cfg, *, num_classes, input_shape):
  """VGG family (depth 11|13|16|19); defaults are wen2019 vgg16_bn. Input channels come
  from the data; inputs must be at least 32×32 (five 2×2 pools). `dropout` (three_fc
  head only) defaults to 0 so curvature probes stay deterministic."""
  if cfg.depth not in CONFIGS:
    raise ValueError(f"vgg: depth {cfg.depth} not in {sorted(CONFIGS)}")
  if cfg.classifier not in CLASSIFIERS:
    raise ValueError(f"vgg: classifier {cfg.classifier!r} not in {CLASSIFIERS}")
  if cfg.dropout and cfg.classifier != "three_fc":
    raise ValueError("vgg: dropout acts in the three_fc head only")
  h, w, _ = image_shape(input_shape)
  if min(h, w) < 32:
    raise ValueError(f"vgg: inputs {input_shape} smaller than 32×32 (pad them, e.g. fmnist32)")
  return VGG(CONFIGS[cfg.depth], num_classes, cfg.bn, float(cfg.width_mult), cfg.classifier,
             cfg.fc_width, float(cfg.dropout), cfg.init, cfg.ghost_size)


register_preset("vgg16_bn", "vgg",
                "wen2019 vgg16_bn: config D, each conv → BN → ReLU, maxpool 2, Dense classes on "
                "the 512-d feature, He fan-out convs; ≈14.7M parameters on 32×32×3.")
register_preset("vgg11_bn", "vgg",
                "jastrzebski2017 VGG-11 (BN): config A, conv → BN → ReLU, head FC-512, ReLU, "
                "FC-512, ReLU, FC-10, no dropout; conv N(0, 2/(9·C_out)), zero bias, linear "
                "PyTorch default; D = 9,756,426 on CIFAR (width_mult scales every width).",
                depth=11, classifier="three_fc", init="he_fan_out_torch")
register_preset("vgg11", "vgg",
                "zhu2019 §E9 VGG-11 without BN: config A, conv → ReLU, FC 512→512 → ReLU → "
                "FC 512→512 → ReLU → FC 512→10; conv N(0, 2/(9·C_out)), zero bias, linear "
                "PyTorch default; D = 9,750,922 on 32×32×3.",
                depth=11, bn=False, classifier="three_fc", init="he_fan_out_torch")
