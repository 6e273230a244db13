"""The `Model` wrapper and `build` from a config section."""

from __future__ import annotations

import dataclasses
from typing import Any

import flax.linen as nn
import jax

from noisecurv import registry

BN_POLICIES = ("eval", "batch", "ghost")


@dataclasses.dataclass(frozen=True)
class Model:
  module: nn.Module
  name: str

  def init(self, key: jax.Array, x: jax.Array) -> tuple[Any, Any]:
    """Returns (params, state); state is {} for models without BN."""
    variables = self.module.init(key, x, train=False)
    params = variables["params"]
    state = {k: v for k, v in variables.items() if k != "params"}
    return params, state

  def apply(self, params, state, x, *, train: bool) -> tuple[jax.Array, Any]:
    """Forward pass; in training mode BN uses batch (or ghost) statistics and updates state."""
    if train and state:
      out, new = self.module.apply({"params": params, **state}, x, train=True,
                                   mutable=list(state.keys()))
      return out, {**state, **new}
    return self.module.apply({"params": params, **state}, x, train=train), state

  def apply_policy(self, params, state, x, bn: str = "eval") -> jax.Array:
    """Forward pass with a declared BN policy and no state update.

    'eval': running statistics (a pure function of params, the usual probe choice);
    'batch': statistics of the whole batch passed in (no ghost split);
    'ghost': statistics of ghost batches of the model's `ghost_size`.
    """
    if bn not in BN_POLICIES:
      raise ValueError(f"bn policy {bn!r} not in {BN_POLICIES}")
    if not state or bn == "eval":
      return self.module.apply({"params": params, **state}, x, train=False)
    module = self.module
    if bn == "batch" and getattr(module, "ghost_size", 0):
      module = module.clone(ghost_size=0)
    if bn == "ghost" and not getattr(module, "ghost_size", 0):
      raise ValueError("bn policy 'ghost' needs a model with ghost_size > 0")
    out, _ = module.apply({"params": params, **state}, x, train=True, mutable=list(state.keys()))
    return out


def build(cfg, *, num_classes: int, input_shape: tuple[int, ...]) -> Model:
  """Builds the model `cfg.name` for outputs of size `num_classes` (regression: out_dim)."""
  entry = registry.MODELS.get(cfg.name)
  module = entry.fn(cfg, num_classes=num_classes, input_shape=tuple(input_shape))
  return Model(module, cfg.name)
