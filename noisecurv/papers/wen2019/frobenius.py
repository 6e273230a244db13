"""W7 (Fig. 5a): Frobenius norms of C and diag C along training, without any d×d matrix.

With the per-example gradients G (n×d) of a fixed probe set, Ĉ = GᵀG/n and (spec §2.9)

  ‖Ĉ‖²_F      = ‖GGᵀ‖²_F / n²                               (n×n Gram, never d×d)
  ‖diag Ĉ‖²_F = Σ_p ((1/n)Σᵢ G²ᵢₚ)²

and their U-statistic versions, which drop the i = j self terms (an O(1/n) bias):

  ‖C‖²_F ≈ Σ_{i≠j}(gᵢᵀgⱼ)²/(n(n−1)),   Σ_p C²ₚₚ ≈ (‖s‖² − Σ_p q_p)/(n(n−1)),
  s = Σᵢ gᵢ⊙gᵢ,  q = Σᵢ (gᵢ⊙gᵢ)⊙(gᵢ⊙gᵢ).

Under Theorem 4.1's identification A ≈ C these are Tr(C·C) and Tr(diag(C)·C). The optional
extension measures what the theorem needs with the real Hessian: Tr(CH) = E_σ[vᵀHv] with
v = Gᵀσ/√n (σ Rademacher) and Tr(diag(C)H) = E_ξ[uᵀHu] with u = √diag Ĉ ⊙ ξ, one H-product each.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from noisecurv import curvature as cv
from noisecurv.registry import PROBES


def frobenius_stats(g: jax.Array) -> dict[str, jax.Array]:
  """Plain and U-statistic ‖C‖_F, ‖diag C‖_F and their ratios from G (n, d); Tr C too.

  The squared norms come from the shared kernel `curvature.second_moment_norms` (n×n Gram)."""
  sq = cv.second_moment_norms(g)
  fro_c, fro_d = jnp.sqrt(sq["c_fro_sq"]), jnp.sqrt(sq["diag_c_fro_sq"])
  # U-statistics can dip below 0 by sampling error when n is tiny; clip before the root.
  fro_c_u = jnp.sqrt(jnp.maximum(sq["c_fro_sq_u"], 0.0))
  fro_d_u = jnp.sqrt(jnp.maximum(sq["diag_c_fro_sq_u"], 0.0))
  return {"fro_c": fro_c, "fro_diag_c": fro_d, "ratio": fro_c / fro_d, "fro_c_u": fro_c_u,
          "fro_diag_c_u": fro_d_u, "ratio_u": fro_c_u / fro_d_u,
          "tr_c": jnp.sum(jnp.square(g)) / g.shape[0]}


def hessian_traces(hvp_flat, g: jax.Array, key: jax.Array, num_probes: int
                   ) -> dict[str, jax.Array]:
  """Tr(CH) and Tr(diag(C)H) by `num_probes` samples each, with standard errors."""
  n, d = g.shape
  k1, k2 = jax.random.split(key)
  diag_sqrt = jnp.sqrt(jnp.mean(g * g, axis=0))

  def quad(v):
    return jnp.vdot(v, hvp_flat(v))

  def full(k):
    sig = jax.random.rademacher(k, (n,), g.dtype)
    with cv.highest():
      return quad(g.T @ sig / jnp.sqrt(n))

  def diag(k):
    return quad(diag_sqrt * jax.random.normal(k, (d,), g.dtype))

  tf = jax.lax.map(full, jax.random.split(k1, num_probes))
  td = jax.lax.map(diag, jax.random.split(k2, num_probes))
  se = lambda t: jnp.std(t, ddof=1) / jnp.sqrt(num_probes)
  return {"tr_ch": jnp.mean(tf), "tr_ch_se": se(tf), "tr_diag_ch": jnp.mean(td),
          "tr_diag_ch_se": se(td)}


@PROBES.register("wen2019.fisher_frobenius", chunk=0, hessian_probes=0, fresh_key=False)
def fisher_frobenius(ctx, cfg):
  """‖Ĉ‖_F and ‖diag Ĉ‖_F (plain and U-statistics) on the probe set, per-example gradients in
  BN eval mode; with hessian_probes > 0 also Tr(CH) and Tr(diag(C)H) (H of the probe-set loss)."""

  def fn(params, state, key):
    if ctx.bn != "eval" and jax.tree.leaves(state):
      raise ValueError("wen2019.fisher_frobenius uses per-example gradients: set bn='eval'")
    single = lambda p, x1, y1: ctx.per_example_loss(p, state, x1[None], y1[None])[0]
    g = cv.flat_per_example_grads(single, params, ctx.x, ctx.y, cfg.chunk)
    out = frobenius_stats(g)
    if cfg.hessian_probes:
      matvec = cv.flat(cv.hessian_op(lambda p: ctx.loss(p, state, ctx.x, ctx.y), params),
                       params)[0]
      k = key if cfg.fresh_key else jax.random.PRNGKey(cfg.seed)
      out.update(hessian_traces(matvec, g, k, int(cfg.hessian_probes)))
    return out

  m = dict(matrix="C (uncentred second moment)", sample=ctx.sample_desc(),
           size=int(ctx.x.shape[0]), gradients="per-example", bn=ctx.bn)
  keys = ["fro_c", "fro_diag_c", "ratio", "fro_c_u", "fro_diag_c_u", "ratio_u", "tr_c"]
  if cfg.hessian_probes:
    keys += ["tr_ch", "tr_ch_se", "tr_diag_ch", "tr_diag_ch_se"]
  return fn, {k: m for k in keys}

