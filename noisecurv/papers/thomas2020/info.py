"""The `thomas2020.info` probe: dense H, F, C on a fixed sample and the paper's metrics (§5.1–5.5).

On the probe set (M examples, BN in eval mode) with per-example gradients gₙ (spec §2):

    H = ∇²(1/M Σ ℓₙ),  F = (1/M) Σₙ Jₙᵀ(diag pₙ − pₙpₙᵀ)Jₙ (exact),  C = (1/M) Σ gₙgₙᵀ,  Σ = C − ḡḡᵀ

all materialised densely (d ≤ ~10⁴) with the library kernels, in float32 with full-precision
matmuls; eigendecompositions run in float64. Outputs (scalars, one per run):

* traces `tr_H, tr_F, tr_C, tr_Sigma`; scale and angle similarities `r_XY, s_XY` for (C, H),
  (C, F), (F, H); `fc_abs, fc_rel, fc_trace_normalized` = ‖F − C‖²_F, /‖F‖²_F and
  ‖F/TrF − C/TrC‖²_F (Fig. 1); `hf_rel` = ‖H − F‖_F/‖F‖_F (0 for logistic regression);
* with `eig`: `tic` = Tr(H⁺_τC)/N and `tic_k` = |{λ > τλ_max}| (eq. 15, App. B.1),
  `tic_sigma` (Σ instead of C), `tic_f` = Tr(F⁺_τC)/N, `tic_f_k`, `rank_C` (the random low-rank
  baseline's k), `min_eig_F_rel`, `min_eig_C_rel` (λ_min/λ_max, ≥ −round-off for PSD matrices);
* `trace_ratio` = Tr C/Tr F, `trace_ratio_over_n`, `trace_ratio_d_over_n` (§5.5.1), `aic` = d/N;
* with `sensitivity`: `sens_loss` = mean ‖∇ₓℓ‖² (the paper's wording), `sens_jac` = mean
  ‖∂softmax/∂x‖_F (Novak et al.);
* `loss`, `grad_sq_norm` = ‖ḡ‖², `d`.

N is the training-set size (`n_train`, or the data's when 0). matrices='FC' skips H (the
training-set probe of Fig. 1, which only needs F and C).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree

from noisecurv import curvature as cv
from noisecurv.curvature import lapack
from noisecurv.registry import PROBES


def _closures(ctx, state):
  x, y = ctx.x, ctx.y
  loss = lambda p: ctx.loss(p, state, x, y)
  model = lambda p: ctx.apply(p, state, x)
  single = lambda p, x1, y1: ctx.per_example_loss(p, state, x1[None], y1[None])[0]
  return loss, model, single


def _pair(out, a, b, ma, mb):
  out[f"r_{a}{b}"] = cv.scale_similarity(ma, mb)
  out[f"s_{a}{b}"] = cv.angle_similarity(ma, mb)


def _eigvalsh64(a):
  with cv.float64():
    return lapack.eigvalsh(a.astype(jnp.float64)).astype(a.dtype)


def info_metrics(ctx, cfg, n_train: int, params, state) -> dict[str, jax.Array]:
  """Every output of the probe for one run (see the module docstring)."""
  if ctx.bn != "eval" and jax.tree.leaves(state):
    raise ValueError("thomas2020.info uses per-example gradients: with BN state it needs "
                     f"bn='eval' (got {ctx.bn!r})")
  loss, model, single = _closures(ctx, state)
  d = ravel_pytree(params)[0].shape[0]
  dense = lambda op: cv.materialize(cv.flat(op, params)[0], d, batch_size=cfg.batch_size)
  f = dense(cv.fisher_op(model, ctx.likelihood.output_hvp, params))
  c, gbar = cv.second_moment_dense(single, params, ctx.x, ctx.y, cfg.chunk)
  tr_f, tr_c = jnp.trace(f), jnp.trace(c)
  out = {"tr_F": tr_f, "tr_C": tr_c, "loss": loss(params), "grad_sq_norm": jnp.vdot(gbar, gbar),
         "d": jnp.asarray(d, jnp.float32), "aic": jnp.asarray(cv.aic(d, n_train), jnp.float32)}
  _pair(out, "C", "F", c, f)
  out.update({f"fc_{k}": v for k, v in cv.fc_discrepancy(f, c).items()})
  out.update({f"trace_ratio{s}": v for s, v in zip(
      ("", "_over_n", "_d_over_n"), cv.trace_ratio(tr_c, tr_f, n_train, d).values())})
  if "H" in cfg.matrices:
    h = dense(cv.hessian_op(loss, params))
    sigma = cv.covariance_dense(c, gbar)
    out.update(tr_H=jnp.trace(h), tr_Sigma=jnp.trace(sigma),
               hf_rel=jnp.linalg.norm(h - f) / jnp.linalg.norm(f))
    _pair(out, "C", "H", c, h)
    _pair(out, "F", "H", f, h)
    if cfg.eig:
      wh, uh = cv.eigh_descending(h)
      tr_hc, k_h = cv.trace_pinv_product(wh, uh, c, cfg.tau)
      tr_hs, _ = cv.trace_pinv_product(wh, uh, sigma, cfg.tau)
      out.update(tic=tr_hc / n_train, tic_k=k_h, tic_sigma=tr_hs / n_train)
  if cfg.eig:
    wf, uf = cv.eigh_descending(f)
    tr_fc, k_f = cv.trace_pinv_product(wf, uf, c, cfg.tau)
    wc = _eigvalsh64(c)
    out.update(tic_f=tr_fc / n_train, tic_f_k=k_f, rank_C=cv.numerical_rank(wc, cfg.tau),
               min_eig_F_rel=wf[-1] / wf[0], min_eig_C_rel=wc[0] / wc[-1])
  if cfg.sensitivity:
    out["sens_loss"] = cv.loss_input_sensitivity(
        lambda xs: ctx.per_example_loss(params, state, xs, ctx.y), ctx.x)
    out["sens_jac"] = cv.jacobian_input_sensitivity(
        lambda xs: jax.nn.softmax(ctx.apply(params, state, xs), -1), ctx.x)
  return {k: jnp.asarray(v, jnp.float32) for k, v in out.items()}


@PROBES.register("thomas2020.info", matrices="HFC", eig=True, sensitivity=True, tau=1e-3,
                 n_train=0, batch_size=256, chunk=0)
def info_probe(ctx, cfg):
  """Dense H, F, C on the probe set and thomas2020's metrics (TIC, TIC_F, r, s, ‖F − C‖², ...)."""
  if cfg.matrices not in ("HFC", "FC"):
    raise ValueError(f"thomas2020.info.matrices {cfg.matrices!r} not in ('HFC', 'FC')")
  n_train = int(cfg.n_train or ctx.data.n_train)

  def fn(params, state, key):
    del key  # deterministic: every matrix is exact on the fixed probe set
    return info_metrics(ctx, cfg, n_train, params, state)

  sample = ctx.sample_desc()
  base = dict(sample=sample, size=int(ctx.x.shape[0]), bn=ctx.bn, n_train=n_train)
  meta = {
      "tr_*, r_*, s_*": dict(matrix=cfg.matrices, gradients="per-example", **base),
      "fc_*": dict(matrix="F (exact), C", gradients="per-example", **base),
      "tic": dict(matrix="H, C", tau=cfg.tau, gradients="per-example", **base),
      "tic_f": dict(matrix="F, C", tau=cfg.tau, gradients="per-example", **base),
      "sens_*": dict(quantity="input sensitivity", **base),
  }
  return fn, meta
