"""The shared optax machinery of every noise kind: state, refresh, stop, scale.

Every kind is `noise_transform(draw, ...)`: at each update it (maybe) refreshes a
cached noise structure, draws ε at the gradient level and returns g + scale·ε.

    state = NoiseState(count, key, scale, cache)
    refresh when count % refresh_every == 0 (lax.cond, so the step jits)
    ε = draw(params, cache, noise_ctx, key, g)       # unit scale, like the gradient
    g̃ = g + scale·ε   while scale ≠ 0 and count < stop_step, else g bit for bit

The key, the scale and the cache live in the state, so a checkpoint of the
optimizer state resumes the exact noise sequence.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import ml_collections
import optax
from jax.flatten_util import ravel_pytree

from noisecurv.noise.context import NoiseContext

PLACEMENTS = ("gradient", "parameter")

# Keys every noise kind but 'none' declares, next to its own.
COMMON = dict(
    scale=1.0,  # multiplier of the noise; 0 reproduces the base optimizer exactly
    stop_step=ml_collections.config_dict.placeholder(int),  # noise off from this step on
    stop_fraction=ml_collections.config_dict.placeholder(float),  # same, as a fraction of training
)


class NoiseState(NamedTuple):
  """count: updates taken (int32); key: raw uint32[2] PRNG key; scale: float32 multiplier;
  cache: the kind's refreshed structure (a dict of arrays, or () when it has none)."""

  count: jax.Array
  key: jax.Array
  scale: jax.Array
  cache: Any


Draw = Callable[[Any, Any, NoiseContext, jax.Array, Any], Any]
Refresh = Callable[[Any, Any, NoiseContext, jax.Array], Any]


def noise_transform(draw: Draw, *, seed: int, scale: float,
                    init_cache: Callable[[Any], Any] | None = None,
                    refresh: Refresh | None = None, refresh_every: int = 1,
                    stop_step: int | None = None) -> optax.GradientTransformationExtraArgs:
  """Builds the transform of one noise kind.

  draw(params, cache, ctx, key, grads) -> pytree like the gradient: one unit-scale noise draw ε
  (`grads` is the incoming update, for noise proportional to the gradient).
  init_cache(params) -> the initial cache (shapes fixed for the whole run).
  refresh(params, cache, ctx, key) -> the new cache, run on steps 0, R, 2R, ... (R = refresh_every)
  while the noise is on.
  """
  if refresh_every < 1:
    raise ValueError(f"refresh_every must be >= 1, got {refresh_every}")

  def init(params):
    cache = init_cache(params) if init_cache is not None else ()
    return NoiseState(jnp.zeros([], jnp.int32), jax.random.PRNGKey(seed),
                      jnp.asarray(scale, jnp.float32), cache)

  def update(updates, state, params=None, *, noise_ctx: NoiseContext, **extra):
    del extra
    if params is None:
      raise ValueError("noise transforms need params (optax.chain(...).update(g, s, params, ...))")
    key, k_refresh, k_draw = jax.random.split(state.key, 3)
    active = state.scale != 0
    if stop_step is not None:
      active = active & (state.count < stop_step)
    cache = state.cache
    if refresh is not None:
      due = active & (state.count % refresh_every == 0)
      cache = jax.lax.cond(due, lambda c: refresh(params, c, noise_ctx, k_refresh), lambda c: c,
                           cache)

    def noisy(u):
      eps = draw(params, cache, noise_ctx, k_draw, u)
      return jax.tree.map(lambda a, e: a + (state.scale * e).astype(a.dtype), u, eps)

    # cond skips the draw when the noise is off and returns the gradient bit for bit (under
    # vmap it becomes a select, which is exact too).
    new = jax.lax.cond(active, noisy, lambda u: u, updates)
    return new, NoiseState(state.count + 1, key, state.scale, cache)

  return optax.GradientTransformationExtraArgs(init, update)


# ---------------------------------------------------------------------------
# Helpers for the runner


def _is_state(x) -> bool:
  return isinstance(x, NoiseState)


def set_scale(opt_state, scale) -> Any:
  """The optimizer state with every NoiseState's scale replaced (runs that sweep the scale)."""
  return jax.tree.map(lambda s: s._replace(scale=jnp.asarray(scale, jnp.float32)) if _is_state(s)
                      else s, opt_state, is_leaf=_is_state)


def set_key(opt_state, key: jax.Array) -> Any:
  """The optimizer state with every NoiseState's key replaced (one key per run of an ensemble).

  `key` is a raw uint32[2] key (`jax.random.PRNGKey`) or a typed key."""
  if jnp.issubdtype(key.dtype, jax.dtypes.prng_key):
    key = jax.random.key_data(key)
  return jax.tree.map(lambda s: s._replace(key=key) if _is_state(s) else s, opt_state,
                      is_leaf=_is_state)


def resolve_stop(cfg: ml_collections.ConfigDict, total_steps: int) -> ml_collections.ConfigDict:
  """A copy of the noise section with `stop_step` filled from `stop_fraction` of `total_steps`
  (wen2019: noise for the first quarter of training, stop_fraction = 0.25)."""
  out = copy.deepcopy(cfg)  # fresh placeholders: the caller's section stays as it was
  if cfg.get("stop_fraction") is not None:
    if not 0.0 <= cfg.stop_fraction <= 1.0:
      raise ValueError(f"noise.stop_fraction must be in [0, 1], got {cfg.stop_fraction}")
    step = int(round(cfg.stop_fraction * total_steps))
    out.stop_step = step if cfg.get("stop_step") is None else min(step, cfg.stop_step)
    out.stop_fraction = None
  return out


def make_config(kind: str, **overrides: Any) -> ml_collections.ConfigDict:
  """The noise section of `kind` with its declared defaults and `overrides`.

  Placeholders are fresh FieldReferences, so assigning to one never reaches the registry's
  defaults (or another config built from them)."""
  from noisecurv.registry import NOISES

  fresh = {k: (ml_collections.config_dict.placeholder(v.get_type())
               if isinstance(v, ml_collections.config_dict.FieldReference) else v)
           for k, v in NOISES.get(kind).defaults.items()}
  cfg = ml_collections.ConfigDict(dict(fresh, kind=kind))
  for k, v in overrides.items():
    if k not in cfg:
      raise KeyError(f"noise kind {kind!r} has no key {k!r}; known: {sorted(cfg.keys())}")
    cfg[k] = v
  return cfg


def complete(kind: str, cfg) -> ml_collections.ConfigDict:
  """`cfg` with the keys it lacks filled from `kind`'s defaults: a sweep that changes only
  `noise.kind` on a section built for another kind gets the new kind's defaults."""
  out = make_config(kind)
  for k in cfg.keys():
    if k in out and k != "kind":
      out[k] = cfg[k]
  return out


def register(kind: str, **defaults: Any):
  """`NOISES.register(kind, **defaults)` on a factory that first `complete`s its section."""
  from noisecurv.registry import NOISES

  def deco(fn):
    def factory(cfg, *, seed: int):
      return fn(complete(kind, cfg), seed=seed)

    factory.__doc__, factory.__name__ = fn.__doc__, fn.__name__
    NOISES.register(kind, **defaults)(factory)
    return fn

  return deco


def stop_step_of(cfg) -> int | None:
  """`cfg.stop_step`, refusing an unresolved `stop_fraction` (see `resolve_stop`)."""
  if cfg.get("stop_fraction") is not None:
    raise ValueError("noise.stop_fraction is set: the runner resolves it into stop_step with "
                     "noisecurv.noise.resolve_stop(cfg, total_steps) before building the transform")
  step = cfg.get("stop_step")
  return None if step is None else int(step)


def check_placement(placement: str) -> str:
  if placement not in PLACEMENTS:
    raise ValueError(f"noise.placement {placement!r} not in {PLACEMENTS}")
  return placement


def placement_factor(placement: str, lr: jax.Array) -> jax.Array:
  """ε = factor·ξ: parameter-level noise ξ (w ← w − η∇L + ξ) enters the gradient as ξ/η."""
  return 1.0 / lr if placement == "parameter" else jnp.ones_like(lr)


# ---------------------------------------------------------------------------
# Flat vectors


def flat(tree) -> tuple[jax.Array, Callable[[jax.Array], Any]]:
  """(vector, unravel) of a pytree (jax.flatten_util.ravel_pytree)."""
  return ravel_pytree(tree)


def normal_like(key: jax.Array, tree) -> Any:
  """Independent N(0, 1) draws with the shapes and dtypes of `tree` (one draw of the flat
  vector: a single PRNG call, which keeps compiled programs small)."""
  theta, unravel = ravel_pytree(tree)
  return unravel(jax.random.normal(key, theta.shape, theta.dtype))
