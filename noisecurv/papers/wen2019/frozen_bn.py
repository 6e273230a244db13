"""Per-example gradients of a Ghost-BN network with each example's BN statistics frozen.

wen2019's Algorithm 1 needs diag Ĉ_B = (1/M_L)Σᵢ(∇ℓᵢ)² over the large batch, but under (Ghost)
BN an example's loss depends on the other examples of its ghost batch. The paper-literal
estimator of the spec (§2.3, `ghost_frozen`) defines ∇ℓᵢ with the BN mean and variance of i's
ghost batch held constant. This module gets those statistics with a recording pass and then
evaluates each example alone with BN replaced by the frozen affine map, both through
`flax.linen.intercept_methods` on `noisecurv.models.norm.BatchNorm`, so it works for any model of
the zoo through the runner's closures (no model changes).

The recording pass computes exactly what BatchNorm does in training mode (ghost batches of the
module's `ghost_size`, biased variance), and the frozen map is y = (x − μ_k)/√(σ²_k + ε)·γ + β,
so evaluated on the whole batch with every example's own ghost statistics it reproduces the
training-mode forward pass (tested), while its gradient treats μ_k, σ²_k as constants.

`lb_diag_ghost_frozen` (noise kind `wen2019.lb_diag_ghost_frozen`): ε = c·√diag Ĉ_B ⊙ ξ with
these per-example gradients, c² = 1/M_S − 1/M_L.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp

from noisecurv.models.norm import BatchNorm, ghost_batches
from noisecurv.noise.context import NoiseContext
from noisecurv.noise.large_batch import LB_KEYS, batch_sizes, noise_factor
from noisecurv.noise.transform import flat, noise_transform, stop_step_of
from noisecurv.registry import NOISES

Stats = dict[tuple[str, ...], tuple[jax.Array, jax.Array]]


def _bn_train_call(context, args, kwargs) -> bool:
  if not isinstance(context.module, BatchNorm) or context.method_name != "__call__":
    return False
  return bool(args[1] if len(args) > 1 else kwargs.get("train", False))


def record_ghost_stats(apply_fn: Callable[[Any, jax.Array], Any], params, x: jax.Array
                       ) -> Stats:
  """{BN module path: (mean (B, C), var (B, C))}: each example's ghost-batch statistics, as the
  training-mode forward `apply_fn(params, x)` computes them (gradients stopped)."""
  stats: Stats = {}

  def rec(next_fun, args, kwargs, context):
    if _bn_train_call(context, args, kwargs):
      h = args[0]
      n = h.shape[0]
      k = ghost_batches(n, context.module.ghost_size)
      hg = h.reshape((k, n // k) + h.shape[1:])
      axes = tuple(range(1, hg.ndim - 1))
      mean = jnp.mean(hg, axis=axes)
      var = jnp.mean(jnp.square(hg - mean.reshape((k,) + (1,) * len(axes) + mean.shape[-1:])),
                     axis=axes)
      stats[tuple(context.module.path)] = tuple(
          jax.lax.stop_gradient(jnp.repeat(s, n // k, axis=0)) for s in (mean, var))
    return next_fun(*args, **kwargs)

  with nn.intercept_methods(rec):
    apply_fn(params, x)
  return stats


def frozen_apply(fn: Callable[..., Any], stats: Stats) -> Callable[..., Any]:
  """fn(...) with every training-mode BatchNorm replaced by the affine map of `stats`, whose
  leading axis matches the batch fn sees (one row per example)."""

  def frozen(next_fun, args, kwargs, context):
    if not _bn_train_call(context, args, kwargs):
      return next_fun(*args, **kwargs)
    mod = context.module
    mean, var = stats[tuple(mod.path)]
    h = args[0]
    shape = (h.shape[0],) + (1,) * (h.ndim - 2) + (h.shape[-1],)
    p = mod.variables["params"]
    y = (h - mean.reshape(shape)) / jnp.sqrt(var.reshape(shape) + mod.epsilon)
    return y * p["scale"] + p["bias"]

  def wrapped(*args, **kwargs):
    with nn.intercept_methods(frozen):
      return fn(*args, **kwargs)

  return wrapped


def frozen_per_example_sq_mean(params, ctx: NoiseContext, chunk_size: int = 0) -> jax.Array:
  """diag Ĉ_B (d,) = (1/B)Σᵢ gᵢ², gᵢ = ∇ℓᵢ with BN frozen at i's ghost statistics."""
  x, y = ctx.batch
  stats = record_ghost_stats(ctx.apply_fn, params, x)

  def loss_one(p, xi, yi, si):
    return frozen_apply(ctx.per_example_loss_fn, si)(p, xi[None], yi[None])[0]

  grad_one = jax.grad(loss_one)

  def sq(args):
    xi, yi, si = args
    si = jax.tree.map(lambda a: a[None], si)
    return jnp.square(flat(grad_one(params, xi, yi, si))[0])

  with jax.default_matmul_precision("highest"):
    rows = jax.lax.map(sq, (x, y, stats), batch_size=chunk_size or x.shape[0])
  return jnp.mean(rows, axis=0)


@NOISES.register("wen2019.lb_diag_ghost_frozen", **LB_KEYS)
def lb_diag_ghost_frozen(cfg, *, seed: int):
  """LB + diag noise with the paper-literal diag Ĉ_B: per-example gradients under Ghost BN with
  each example's ghost statistics frozen (wen2019 spec §2.3, `ghost_frozen`)."""

  def draw(params, cache, ctx, key, grads):
    m_l, m_s = batch_sizes(cfg, ctx)
    u2 = noise_factor(m_l, m_s) ** 2 * frozen_per_example_sq_mean(params, ctx,
                                                                  int(cfg.chunk_size))
    u = jnp.sqrt(u2)
    return flat(params)[1](u * jax.random.normal(key, u.shape, u.dtype))

  return noise_transform(draw, seed=seed, scale=cfg.scale, stop_step=stop_step_of(cfg))
