"""Linear/logistic models and multilayer perceptrons."""

from __future__ import annotations

from collections.abc import Sequence

import flax.linen as nn
import jax.numpy as jnp

from noisecurv.models.init import bias_init, kernel_init
from noisecurv.models.norm import BatchNorm
from noisecurv.registry import MODELS

ACTIVATIONS = {"relu": nn.relu, "tanh": jnp.tanh, "sigmoid": nn.sigmoid, "elu": nn.elu,
               "softplus": nn.softplus, "linear": lambda x: x}


class MLP(nn.Module):
  """x -> [Dense -> (BN) -> act] * len(hidden) -> Dense(out). Inputs are flattened."""

  hidden: Sequence[int]
  out: int
  activation: str = "relu"
  bn: bool = False
  ghost_size: int = 0
  init: str = "default"
  use_bias: bool = True

  @nn.compact
  def __call__(self, x, train: bool = False):
    x = x.reshape((x.shape[0], -1))
    act = ACTIVATIONS[self.activation]
    for h in self.hidden:
      fan_in = x.shape[-1]
      x = nn.Dense(h, use_bias=self.use_bias and not self.bn, kernel_init=kernel_init(self.init),
                   bias_init=bias_init(self.init, fan_in))(x)
      if self.bn:
        x = BatchNorm(ghost_size=self.ghost_size)(x, train)
      x = act(x)
    fan_in = x.shape[-1]
    return nn.Dense(self.out, use_bias=self.use_bias, kernel_init=kernel_init(self.init),
                    bias_init=bias_init(self.init, fan_in))(x)


def _out(cfg, num_classes):
  return cfg.out_dim if cfg.out_dim else num_classes


@MODELS.register("mlp", hidden=(128,), activation="relu", bn=False, ghost_size=0, init="default",
                 use_bias=True, out_dim=0)
def mlp(cfg, *, num_classes, input_shape):
  """Fully connected net; out_dim overrides the number of outputs (regression)."""
  return MLP(tuple(cfg.hidden), _out(cfg, num_classes), cfg.activation, cfg.bn, cfg.ghost_size,
             cfg.init, cfg.use_bias)


@MODELS.register("linear", init="default", use_bias=True, out_dim=0)
def linear(cfg, *, num_classes, input_shape):
  """Linear model (softmax/logistic regression with the matching loss)."""
  return MLP((), _out(cfg, num_classes), "linear", False, 0, cfg.init, cfg.use_bias)
