"""The `Model` wrapper, `build` from a config section, and paper presets of model families."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp

from noisecurv import registry

BN_POLICIES = ("eval", "batch", "ghost")


@dataclasses.dataclass(frozen=True)
class Model:
  module: nn.Module
  name: str

  @property
  def dropout_rate(self) -> float:
    """The module's dropout rate (0 for models without dropout)."""
    return float(getattr(self.module, "dropout", 0.0) or 0.0)

  @property
  def needs_rng(self) -> bool:
    """Whether a training-mode `apply` needs `rng` (the model has dropout > 0)."""
    return self.dropout_rate > 0.0

  def init(self, key: jax.Array, x: jax.Array) -> tuple[Any, Any]:
    """Returns (params, state); state is {} for models without BN."""
    # nn.Module.init, not self.module.init: a model attribute named `init` (an initialiser
    # name) shadows the method on the instance.
    variables = nn.Module.init(self.module, key, x, train=False)
    params = variables["params"]
    state = {k: v for k, v in variables.items() if k != "params"}
    return params, state

  def init_shapes(self, x_shape: tuple[int, ...], dtype=jnp.float32) -> tuple[Any, Any]:
    """(params, state) as ShapeDtypeStructs for a batch of shape `x_shape`; nothing is allocated."""
    x = jax.ShapeDtypeStruct(tuple(x_shape), dtype)
    return jax.eval_shape(lambda k, xx: self.init(k, xx), jax.random.key(0), x)

  def apply(self, params, state, x, *, train: bool, rng: jax.Array | None = None
            ) -> tuple[jax.Array, Any]:
    """Forward pass; in training mode BN uses batch (or ghost) statistics and updates state.

    `rng` feeds dropout (the 'dropout' stream) and is required in training mode when
    `needs_rng`; evaluation mode is deterministic.
    """
    if train and self.needs_rng and rng is None:
      raise ValueError(f"model {self.name!r} has dropout {self.dropout_rate}: training needs rng")
    rngs = {"dropout": rng} if (train and self.needs_rng) else None
    if train and state:
      out, new = self.module.apply({"params": params, **state}, x, train=True,
                                   mutable=list(state.keys()), rngs=rngs)
      return out, {**state, **new}
    return self.module.apply({"params": params, **state}, x, train=train, rngs=rngs), state

  def apply_policy(self, params, state, x, bn: str = "eval") -> jax.Array:
    """Forward pass with a declared BN policy, no state update and no dropout.

    'eval': running statistics (a pure function of params, the usual probe choice);
    'batch': statistics of the whole batch passed in (no ghost split);
    'ghost': statistics of ghost batches of the model's `ghost_size`.
    Dropout is always off: curvature probes see the deterministic (evaluation) network,
    so every mat-vec of a Krylov run sees the same function.
    """
    if bn not in BN_POLICIES:
      raise ValueError(f"bn policy {bn!r} not in {BN_POLICIES}")
    if not state or bn == "eval":
      return self.module.apply({"params": params, **state}, x, train=False)
    module = self.module
    if self.needs_rng:
      module = module.clone(dropout=0.0)
    if bn == "batch" and getattr(module, "ghost_size", 0):
      module = module.clone(ghost_size=0)
    if bn == "ghost" and not getattr(module, "ghost_size", 0):
      raise ValueError("bn policy 'ghost' needs a model with ghost_size > 0")
    out, _ = module.apply({"params": params, **state}, x, train=True, mutable=list(state.keys()))
    return out


def num_params(tree) -> int:
  """Number of scalars in a pytree of arrays or ShapeDtypeStructs."""
  return sum(math.prod(leaf.shape) for leaf in jax.tree_util.tree_leaves(tree))


def build(cfg, *, num_classes: int, input_shape: tuple[int, ...]) -> Model:
  """Builds the model `cfg.name` for outputs of size `num_classes` (regression: out_dim)."""
  entry = registry.MODELS.get(cfg.name)
  module = entry.fn(cfg, num_classes=num_classes, input_shape=tuple(input_shape))
  return Model(module, cfg.name)


def register_preset(name: str, family: str, doc: str, **overrides: Any) -> None:
  """Registers `name` as the model family `family` with some defaults changed.

  The preset shares the family's schema (every key stays overridable from a config)
  and factory; `doc` names the paper configuration it reproduces.
  """
  entry = registry.MODELS.get(family)
  unknown = sorted(set(overrides) - set(entry.defaults))
  if unknown:
    raise KeyError(f"preset {name!r}: keys {unknown} are not keys of model {family!r}")

  def factory(cfg, *, num_classes, input_shape):
    return entry.fn(cfg, num_classes=num_classes, input_shape=input_shape)

  factory.__name__ = factory.__qualname__ = name
  factory.__doc__ = doc
  registry.MODELS.register(name, **{**entry.defaults, **overrides})(factory)
