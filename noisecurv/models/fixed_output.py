"""One-hidden-layer ReLU net with fixed ±1 output weights and a clipped output (zhu2019 Fig. 4)."""

from __future__ import annotations

import flax.linen as nn
import jax.numpy as jnp

from noisecurv.models.init import constant_scale
from noisecurv.registry import MODELS


class FixedOutputReLU(nn.Module):
  """f(x) = clip(Σ_{j≤h/2} relu(w_jᵀx + b_j) − Σ_{j>h/2} relu(w_jᵀx + b_j), δ, 1 − δ).

  x: (B, ...) flattened to (B, p); returns (B, 1). Trainable: W (p, h) and b (h), so
  D = (p + 1)·h (3h on zhu2019's 2-D inputs); the ±1 output weights are constants, not
  parameters. Init: every trainable entry ~ U(±√(1/h)) (zhu2019 TF code). Clipping makes
  the output's derivative vanish outside (δ, 1 − δ), as in the paper's Prop. 2 setting.
  """

  hidden: int
  delta: float = 1e-3

  @nn.compact
  def __call__(self, x, train: bool = False):
    x = x.reshape((x.shape[0], -1))
    uniform = constant_scale("uniform", (1.0 / self.hidden) ** 0.5)
    w = self.param("W", uniform, (x.shape[-1], self.hidden))
    b = self.param("b", uniform, (self.hidden,))
    half = self.hidden // 2
    sign = jnp.concatenate([jnp.ones((half,)), -jnp.ones((self.hidden - half,))])
    z = nn.relu(x @ w + b) @ sign
    return jnp.clip(z, self.delta, 1.0 - self.delta)[:, None]


@MODELS.register("fixed_output_relu", hidden=128, delta=0.001)
def fixed_output_relu(cfg, *, num_classes, input_shape):
  """zhu2019 §E3 (Fig. 4): h ReLU units with fixed +1 (first half) / −1 (second half) output
  weights and output clip[δ, 1 − δ], δ = 0.001; h ∈ {32, 128, 512} gives D = 96/384/1,536.
  Pair it with the 'squared_error' loss on 0/1 targets; num_classes is ignored (one output)."""
  if cfg.hidden < 2 or cfg.hidden % 2:
    raise ValueError(f"fixed_output_relu: hidden {cfg.hidden} must be even and >= 2")
  if not 0.0 <= cfg.delta < 0.5:
    raise ValueError(f"fixed_output_relu: delta {cfg.delta} not in [0, 0.5)")
  return FixedOutputReLU(cfg.hidden, float(cfg.delta))
