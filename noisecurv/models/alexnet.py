"""The CIFAR 'AlexNet' of Hoffer et al. (`cifar_shallow`), as wen2019 uses it."""

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
)
from noisecurv.models.norm import BatchNorm
from noisecurv.registry import MODELS


class AlexNetCifar(nn.Module):
  """[conv k×k SAME -> BN -> ReLU -> maxpool 3/2] per channel count -> flatten ->
  [Dense -> BN -> ReLU -> Dropout] per hidden width -> Dense(out).

  With BN the convs and hidden Dense layers have no bias (BN's β replaces it).
  `bn_before_pool` puts BN before the max-pool so that BN folding is exact
  (wen2019 §2.9); False gives Hoffer's order conv -> pool -> BN -> ReLU.
  Dropout (rate `dropout`) needs the 'dropout' rng in training.
  """

  channels: Sequence[int]
  hidden: Sequence[int]
  out: int
  kernel: int = 5
  bn: bool = True
  bn_before_pool: bool = True
  dropout: float = 0.0
  activation: str = "relu"
  init_scheme: str = "he_fan_out"
  ghost_size: int = 0

  @nn.compact
  def __call__(self, x, train: bool = False):
    x = as_image(x)
    act = activation(self.activation)

    def norm(y):
      return BatchNorm(ghost_size=self.ghost_size)(y, train) if self.bn else y

    for c in self.channels:
      x = conv(x, c, self.kernel, self.init_scheme, padding="SAME", use_bias=not self.bn)
      if self.bn_before_pool:
        x = max_pool(act(norm(x)), 3, 2)
      else:
        x = act(norm(max_pool(x, 3, 2)))
    x = x.reshape((x.shape[0], -1))
    for h in self.hidden:
      x = act(norm(dense(x, h, self.init_scheme, use_bias=not self.bn)))
      x = dropout(x, self.dropout, train)
    return dense(x, self.out, self.init_scheme)


@MODELS.register("alexnet_cifar", channels=(64, 64), hidden=(384, 192), kernel=5, bn=True,
                 bn_before_pool=True, dropout=0.0, activation="relu", init="he_fan_out",
                 ghost_size=0)
def alexnet_cifar(cfg, *, num_classes, input_shape):
  """wen2019 'AlexNet' (Hoffer `cifar_shallow`): conv 64@5×5 → BN → ReLU → maxpool 3/2 →
  conv 64@5×5 → BN → ReLU → maxpool 3/2 → Dense 384 → BN → ReLU → Dense 192 → BN → ReLU →
  Dense classes; ≈1.39M parameters on 32×32×3.

  The paper's net has Dropout 0.5 after both hidden Dense layers; `dropout` defaults to 0
  so curvature probes stay deterministic: set dropout=0.5 for wen2019 Table 1 training
  (the runner then passes a 'dropout' rng; probes always evaluate without dropout).
  """
  h, w, _ = image_shape(input_shape)
  for _ in cfg.channels:
    h, w = (h - 3) // 2 + 1, (w - 3) // 2 + 1
    if min(h, w) < 1:
      raise ValueError(f"alexnet_cifar: inputs {input_shape} too small for the pools")
  if not 0.0 <= cfg.dropout < 1.0:
    raise ValueError(f"alexnet_cifar: dropout {cfg.dropout} not in [0, 1)")
  return AlexNetCifar(tuple(cfg.channels), tuple(cfg.hidden), num_classes, cfg.kernel, cfg.bn,
                      cfg.bn_before_pool, float(cfg.dropout), cfg.activation, cfg.init,
                      cfg.ghost_size)
