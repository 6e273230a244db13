"""Fig. 4: the loss along the line between two minima, with BN recalibrated at every point.

θ_α = (1 − α)θ_A + αθ_B (Goodfellow et al. 2014) interpolates `params` only, never the BN
running statistics: those of θ_A and θ_B describe their own networks, not θ_α. At every
α the statistics are recomputed exactly on a fixed recalibration set, in training mode,
batch by batch (as PyTorch's cumulative BN average does): batch b gives per-channel
means μ_b and biased variances v_b, and the pooled statistics are μ = mean_b μ_b and
v = mean_b(v_b + μ_b²) − μ², the exact moments of the training-mode activations over
the whole set. The network is then evaluated in eval mode.

A batch's exact statistics s are read off the BN layers' running-average update
r ← m·r + (1 − m)·s: from running values r = 0 it returns (1 − m)·s. Every BN layer of
the model zoo is `noisecurv.models.norm.BatchNorm` with its default momentum m; ghost
batches and dropout are switched off for these passes.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from noisecurv import curvature as cv
from noisecurv.losses import Likelihood
from noisecurv.models import Model
from noisecurv.models.norm import BatchNorm
from noisecurv.runner.evaluate import make_evaluator

PyTree = Any
BN_MOMENTUM = BatchNorm.momentum  # r ← m·r + (1 − m)·s


def plain_model(model: Model) -> Model:
  """The same network with ghost batches and dropout off (recalibration passes)."""
  module = model.module
  if getattr(module, "ghost_size", 0):
    module = module.clone(ghost_size=0)
  if model.needs_rng:
    module = module.clone(dropout=0.0)
  return Model(module, model.name)


def batch_statistics(model: Model, params: PyTree, state: PyTree, x: jax.Array) -> PyTree:
  """The exact training-mode BN statistics of the batch x, in the structure of `state`."""
  zeros = jax.tree.map(jnp.zeros_like, state)
  _, new = model.apply(params, zeros, x, train=True)
  return jax.tree.map(lambda a: a / (1.0 - BN_MOMENTUM), new)


def _pool(stats: PyTree) -> PyTree:
  """Pools per-batch statistics (leading batch axis) of every BN layer {'mean', 'var'}."""
  if isinstance(stats, dict) and set(stats) == {"mean", "var"}:
    mu_b, v_b = stats["mean"], stats["var"]
    mu = jnp.mean(mu_b, 0)
    return {"mean": mu, "var": jnp.mean(v_b + mu_b * mu_b, 0) - mu * mu}
  if isinstance(stats, dict):
    return {k: _pool(v) for k, v in stats.items()}
  raise ValueError(f"unexpected BN statistics leaf {type(stats).__name__}: expected dicts of "
                   "{'mean', 'var'}")


def recalibrate(model: Model, params: PyTree, state: PyTree, x_batches: jax.Array) -> PyTree:
  """BN statistics of `params` pooled over x_batches (n_batches, batch, ...); {} stays {}."""
  if not jax.tree.leaves(state):
    return state
  model = plain_model(model)
  per_batch = jax.lax.map(lambda xb: batch_statistics(model, params, state, xb), x_batches)
  return {k: _pool(v) for k, v in per_batch.items()}


def curve(model: Model, likelihood: Likelihood, params_a: PyTree, params_b: PyTree,
          state_like: PyTree, alphas: jax.Array, recal_x: jax.Array,
          eval_sets: dict[str, tuple[jax.Array, jax.Array]], *, eval_batch: int = 1000,
          alpha_batch: int = 1) -> dict[str, dict[str, jax.Array]]:
  """{set: {'loss': (A,), 'accuracy': (A,)}} along θ_α for the alphas (A,).

  recal_x: (n_batches, batch, ...) recalibration inputs (ignored for models without BN);
  eval_sets: name -> (x, y), evaluated in eval mode in chunks of eval_batch;
  alpha_batch: interpolation points evaluated at once (vmapped), the rest mapped.
  """
  evaluator = make_evaluator(model, likelihood, eval_batch, None)

  def at(p):
    st = recalibrate(model, p, state_like, recal_x)
    one = lambda t: jax.tree.map(lambda a: a[None], t)
    out = {}
    for name, (x, y) in eval_sets.items():
      res = evaluator(one(p), one(st), x, y)
      out[name] = {k: v[0] for k, v in res.items()}
    return out

  with cv.highest():
    return cv.interpolate(at, params_a, params_b, alphas, batch_size=alpha_batch)


def curve_fn(model: Model, likelihood: Likelihood, *, eval_batch: int = 1000,
             alpha_batch: int = 1):
  """A jitted `curve` with the model fixed: fn(params_a, params_b, state_like, alphas, recal_x,
  eval_sets) (compiled once per shape)."""

  def fn(pa, pb, state_like, alphas, recal_x, eval_sets):
    return curve(model, likelihood, pa, pb, state_like, alphas, recal_x, eval_sets,
                 eval_batch=eval_batch, alpha_batch=alpha_batch)

  return jax.jit(fn)
