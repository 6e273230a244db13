"""W12b: the diagonal noise targets of the three estimators, side by side on one large batch.

On a fixed probe batch of M_L training examples under Ghost BN (probe policy bn='ghost', ghost
size M_S), the per-coordinate noise variances u² of

  ghost_variance  (1 − M_S/M_L)·Var_j(g_j), g_j the K = M_L/M_S ghost-batch gradients (≈ c²diag Σ)
  ghost_frozen    c²·(1/M_L)Σᵢ gᵢ², per-example gradients with BN frozen at i's ghost statistics
                  (≈ c²diag C, the paper-literal estimator; `frozen_bn`)
  rademacher      c²·v⊙v, v = (1/√M_L)∇Σᵢσᵢℓᵢ (E = c²diag Ĉ_B), averaged over draws

are summed into traces, so their agreement (spec W12b: ratio in [0.8, 1.25]) can be followed
along training.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from noisecurv.noise import NoiseContext
from noisecurv.noise.large_batch import diag_variance, noise_factor
from noisecurv.papers.wen2019.frozen_bn import frozen_per_example_sq_mean
from noisecurv.registry import PROBES


def probe_noise_context(ctx, params, state) -> NoiseContext:
  """A NoiseContext on the probe batch whose forward passes use Ghost BN (no state update)."""
  fwd = lambda p, xb: ctx.model.apply_policy(p, state, xb, "ghost")
  return NoiseContext(
      loss_fn=lambda p, xb, yb: jnp.mean(ctx.likelihood.loss(fwd(p, xb), yb)),
      per_example_loss_fn=lambda p, xb, yb: ctx.likelihood.loss(fwd(p, xb), yb),
      apply_fn=fwd, likelihood=ctx.likelihood, batch=(ctx.x, ctx.y),
      train_data=(ctx.x, ctx.y), lr=jnp.ones([]), step=jnp.zeros([], jnp.int32))


@PROBES.register("wen2019.diag_traces", small_batch=128, rademacher_draws=8, chunk=0)
def diag_traces(ctx, cfg):
  """Tr of the diagonal noise variance of ghost_variance, ghost_frozen and rademacher."""
  if ctx.bn != "ghost":
    raise ValueError("wen2019.diag_traces compares Ghost-BN estimators: set bn='ghost'")

  def fn(params, state, key):
    nctx = probe_noise_context(ctx, params, state)
    m_l, m_s = int(ctx.x.shape[0]), int(cfg.small_batch)
    k = jax.random.PRNGKey(cfg.seed)
    tr_ghost = jnp.sum(diag_variance("ghost_variance", params, nctx, k, m_l, m_s, 0))
    tr_frozen = noise_factor(m_l, m_s) ** 2 * jnp.sum(
        frozen_per_example_sq_mean(params, nctx, int(cfg.chunk)))
    keys = jax.random.split(k, int(cfg.rademacher_draws))
    tr_rad = jnp.mean(jax.lax.map(lambda kk: jnp.sum(
        diag_variance("rademacher", params, nctx, kk, m_l, m_s, 0)), keys))
    return {"tr_ghost_variance": tr_ghost, "tr_ghost_frozen": tr_frozen,
            "tr_rademacher": tr_rad, "ratio_frozen_ghost": tr_frozen / tr_ghost,
            "ratio_rademacher_ghost": tr_rad / tr_ghost}

  m = dict(matrix="diag noise variance (c²diag Σ or c²diag C)", sample=ctx.sample_desc(),
           size=int(ctx.x.shape[0]), gradients="ghost-batch / per-example (frozen BN)",
           bn=ctx.bn)
  keys = ("tr_ghost_variance", "tr_ghost_frozen", "tr_rademacher", "ratio_frozen_ghost",
          "ratio_rademacher_ghost")
  return fn, {k: m for k in keys}
