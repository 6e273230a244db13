"""GLD with Hessian-aligned noise (zhu2019 Table 1: GLD Hessian, GLD 1st eigvec(H)).

The structure is the top of the Hessian H of the full training loss (ctx.train_data),
through Hessian-vector products, never a d×d matrix (zhu2019 spec §2.4):

  gld_hessian:    Σ_t ∝ Σ_{i≤k} λ_i⁺ u_i u_iᵀ, the k largest algebraic eigenpairs from Lanczos
                  with full reorthogonalisation (`lanczos_steps`, default 4k, warm-started from
                  the previous top eigenvector), negative eigenvalues clipped to 0 (§6 #14);
                  FMNIST: k = 20, refreshed every 10 steps.
  gld_first_eig:  Σ_t ∝ λ_1⁺ u_1 u_1ᵀ from `power_steps` power iterations (code: 30 from a
                  random vector with positive entries, every step; `warm_start` reuses u_1).

The trace rule of `noisecurv.noise.gld` applies: Tr Σ_t = Tr Σ̂_sgd(θ_t) (default, the code's
coefficient, §6 #12–13), a fixed `trace` (the toy: E‖ξ‖² = 0.01 at 'parameter' placement), or
the raw spectrum. ε = √(Tr Σ_t)·Σ_i √(λ_i⁺/Σλ⁺)·z_i u_i with fresh z every step.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from noisecurv.curvature.operators import flat as flat_operator
from noisecurv.curvature.operators import hessian_op
from noisecurv.curvature.spectral import lanczos_top_k, power_iteration
from noisecurv.noise.context import NoiseContext
from noisecurv.noise.gld import GLD_SIGMA_KEYS, Structured, register_structured, structured
from noisecurv.noise.transform import flat


def hessian_matvec(params, ctx: NoiseContext):
  """Flat v ↦ H v of the mean training loss on ctx.train_data (gradient linearised once)."""
  x, y = ctx.train_data
  op = hessian_op(lambda p: ctx.loss_fn(p, x, y), params)
  return flat_operator(op, params)[0]


def _start(prev: jax.Array, key: jax.Array, warm: bool, positive: bool) -> jax.Array:
  """Krylov start: the previous top direction when warm and set, else a random vector."""
  v = jax.random.normal(key, prev.shape, prev.dtype)
  if positive:
    v = jnp.abs(v)
  if not warm:
    return v
  return jnp.where(jnp.sum(prev * prev) > 0, prev, v)


def _hessian_structure(k: int, steps: int, warm: bool):
  def fn(params, cache, ctx, key):
    theta = flat(params)[0]
    d = theta.shape[0]
    if k > d:
      raise ValueError(f"noise.k = {k} exceeds the {d} parameters")
    m = min(steps or 4 * k, d)
    if m < k:
      raise ValueError(f"noise.lanczos_steps = {steps} < k = {k}")
    v0 = _start(cache["shape"][0].astype(theta.dtype), key, warm, positive=False)
    lam, vecs = lanczos_top_k(hessian_matvec(params, ctx), v0, m, k)
    return jnp.sqrt(jnp.maximum(lam, 0.0))[:, None] * vecs, None

  return fn


def _first_eig_structure(steps: int, warm: bool):
  def fn(params, cache, ctx, key):
    theta = flat(params)[0]
    v0 = _start(cache["shape"][0].astype(theta.dtype), key, warm, positive=True)
    lam, u = power_iteration(hessian_matvec(params, ctx), v0, steps)
    return (jnp.sqrt(jnp.maximum(lam, 0.0)) * u)[None], None

  return fn


@register_structured("gld_hessian", **dict(GLD_SIGMA_KEYS, k=20, lanczos_steps=0,
                                           warm_start=True, refresh_every=10))
def gld_hessian(cfg) -> Structured:
  """GLD Hessian (zhu2019 Table 1): ε ~ N(0, σ_t H̃_t), H̃ = Σ_{i≤k} λ_i⁺u_iu_iᵀ (Lanczos on H·v),
  σ_t = Tr Σ̂_sgd/Σλ_i⁺ with trace_match."""
  k = int(cfg.k)
  fn = _hessian_structure(k, int(cfg.lanczos_steps), bool(cfg.warm_start))
  return structured(cfg, "lowrank", k, fn, False)


@register_structured("gld_first_eig", **dict(GLD_SIGMA_KEYS, power_steps=30, warm_start=False))
def gld_first_eig(cfg) -> Structured:
  """GLD 1st eigvec(H) (zhu2019 Table 1): ε = √(Tr Σ̂_sgd)·z·u_1, z ~ N(0, 1), u_1 from power
  iteration on H·v."""
  fn = _first_eig_structure(int(cfg.power_steps), bool(cfg.warm_start))
  return structured(cfg, "lowrank", 1, fn, False)
