"""Linear/logistic models and multilayer perceptrons, with the papers' MLP presets."""

from __future__ import annotations

from collections.abc import Sequence

import flax.linen as nn

from noisecurv.models.layers import ACTIVATIONS, activation, dense
from noisecurv.models.model import register_preset
from noisecurv.models.norm import BatchNorm
from noisecurv.registry import MODELS

__all__ = ["ACTIVATIONS", "MLP"]


class MLP(nn.Module):
  """x -> [Dense -> (BN) -> act] * len(hidden) -> Dense(out); inputs are flattened.

  With `bn` the hidden Dense layers keep their biases when `use_bias` (as Hoffer's
  `mnist_f1` and the jastrzebski2017 BN-MLP do; their parameter counts include them),
  although BN's β makes them redundant directions of the loss (zero curvature).
  """

  hidden: Sequence[int]
  out: int
  activation: str = "relu"
  bn: bool = False
  ghost_size: int = 0
  init_scheme: str = "default"
  use_bias: bool = True

  @nn.compact
  def __call__(self, x, train: bool = False):
    x = x.reshape((x.shape[0], -1))
    act = activation(self.activation)
    for h in self.hidden:
      x = dense(x, h, self.init_scheme, use_bias=self.use_bias)
      if self.bn:
        x = BatchNorm(ghost_size=self.ghost_size)(x, train)
      x = act(x)
    return dense(x, self.out, self.init_scheme, use_bias=self.use_bias)


def _out(cfg, num_classes):
  return cfg.out_dim if cfg.out_dim else num_classes


@MODELS.register("mlp", hidden=(128,), activation="relu", bn=False, ghost_size=0, init="default",
                 use_bias=True, out_dim=0)
def mlp(cfg, *, num_classes, input_shape):
  """Fully connected net (family); out_dim overrides the number of outputs (regression).

  thomas2020 Fig. 3 SVHN-2k nets are hidden=(h,) for h in 8..100 on 7×7 inputs
  (d = 60h + 10); li2019 MNIST nets are hidden=(128,)*depth for depth 3..6.
  """
  if not cfg.out_dim and not num_classes:
    raise ValueError("mlp: regression data (num_classes=0) needs model.out_dim")
  return MLP(tuple(cfg.hidden), _out(cfg, num_classes), cfg.activation, cfg.bn, cfg.ghost_size,
             cfg.init, cfg.use_bias)


@MODELS.register("linear", init="default", use_bias=True, out_dim=0)
def linear(cfg, *, num_classes, input_shape):
  """Linear model (softmax/logistic regression with the matching loss)."""
  if not cfg.out_dim and not num_classes:
    raise ValueError("linear: regression data (num_classes=0) needs model.out_dim")
  return MLP((), _out(cfg, num_classes), "linear", False, 0, cfg.init, cfg.use_bias)


# thomas2020 §3.3 (App. B.2), on 7×7 greyscale inputs (49 features), 10 classes.
register_preset("logreg", "linear", "thomas2020 logreg: Dense 49→10 with bias, d = 500.")
register_preset("mlp70", "mlp", "thomas2020 mlp: 49→70→10, ReLU, Flax default init, d = 4,210.",
                hidden=(70,))
register_preset("big_mlp", "mlp",
                "thomas2020 big_mlp: 49→70→70→10, ReLU (second width 70 by the spec), d = 9,180.",
                hidden=(70, 70))

# wen2019 "Models (exact defaults)".
register_preset("mlp_f1", "mlp",
                "wen2019 MNIST MLP (Hoffer `mnist_f1`): 784→[Dense 512 → BN → ReLU]×5 → Dense 10; "
                "1,462,794 parameters (BN γ, β included; running statistics not).",
                hidden=(512,) * 5, bn=True)

# jastrzebski2017 §3 common defaults (PyTorch-default init, §6 #28).
register_preset("bn_mlp4", "mlp",
                "jastrzebski2017 Fig. 3 '4-layer BN ReLU MLP': 784–512–512–512–10 with BN before "
                "each hidden ReLU, PyTorch-default init; D = 935,434.",
                hidden=(512, 512, 512), bn=True, init="torch")
register_preset("mlp256", "mlp",
                "jastrzebski2017 Fig. 6 random-label MLP: 784–256–256–10, ReLU, no BN, "
                "PyTorch-default init; D = 269,322.",
                hidden=(256, 256), init="torch")

# li2019 App. A.
register_preset("li_gauss_mlp", "mlp",
                "li2019 Gauss-k net: 50→10→30→k ReLU, θ₀ ~ N(0, I) (App. A.1); p = 1,150 for "
                "k = 10 and 902 for k = 2.",
                hidden=(10, 30), init="std_normal")
register_preset("li_mnist_mlp", "mlp",
                "li2019 MNIST nets: 784→128×d→10 ReLU with d = 3 (set hidden for d = 4..6); "
                "p = 134,794 / 151,306 / 167,818 / 184,330. Init unstated: Flax default.",
                hidden=(128,) * 3)
register_preset("li_cifar_mlp", "mlp",
                "li2019 CIFAR-10 nets: 3072→256×d→10 ReLU with d = 3 (or 6); p = 920,842 / "
                "1,118,218. Init unstated: Flax default.",
                hidden=(256,) * 3)
