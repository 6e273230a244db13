"""Curvature probes: the kernels of `noisecurv.curvature` on a probe's fixed sample.

Every probe evaluates its matrices on the probe set `ctx.x, ctx.y` under the
probe's declared BN policy (`ctx.apply`), with a fixed key
`PRNGKey(cfg.seed)` (start vectors, Hutchinson probes, noise draws), so every
call and every run of an ensemble sees the same random numbers; `fresh_key=True`
uses the key the runner passes instead. Per-example quantities (C, Σ, anything
built from per-example gradients) need examples that do not interact, so those
probes require `bn='eval'` for models with BN state. `meta[out]` names the
matrix, the sample set and size, and whether per-example or batch-mean
gradients were used.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree

from noisecurv import curvature as cv
from noisecurv.registry import PROBES


def _key(cfg, key):
  return key if cfg.fresh_key else jax.random.PRNGKey(cfg.seed)


def _fns(ctx, state):
  """Closures over the probe set: mean loss, per-example losses, outputs, one-example loss."""
  x, y = ctx.x, ctx.y
  loss = lambda p: ctx.loss(p, state, x, y)
  per_example = lambda p: ctx.per_example_loss(p, state, x, y)
  model = lambda p: ctx.apply(p, state, x)
  single = lambda p, x1, y1: ctx.per_example_loss(p, state, x1[None], y1[None])[0]
  return loss, per_example, model, single


def _require_independent(ctx, state, probe):
  if ctx.bn != "eval" and jax.tree.leaves(state):
    raise ValueError(f"probe {probe!r} uses per-example gradients; with BN state it needs "
                     f"bn='eval' (got {ctx.bn!r})")


def _meta(ctx, matrix: str, gradients: str, **extra: Any) -> dict[str, Any]:
  return dict(matrix=matrix, sample=ctx.sample_desc(), size=int(ctx.x.shape[0]),
              gradients=gradients, bn=ctx.bn, **extra)


def _hessian_matvec(ctx, state, params, chunk: int):
  """Flat H·v on the probe set: linearized once, or (chunk > 0) summed over example chunks."""
  if chunk <= 0 or chunk >= ctx.x.shape[0]:
    op = cv.hessian_op(_fns(ctx, state)[0], params)
  else:
    op = cv.operators.hessian_op_chunked(
        lambda p, x, y: ctx.per_example_loss(p, state, x, y), params, ctx.x, ctx.y, chunk)
  return cv.flat(op, params)[0]


def _theta(params):
  return ravel_pytree(params)[0]


@PROBES.register("hessian_top_eig", method="lanczos", k=1, steps=30, chunk=0, fresh_key=False)
def hessian_top_eig(ctx, cfg):
  """Top-k Hessian eigenvalues (descending) by Lanczos (float64 basis) or power iteration (k=1)."""
  if cfg.method not in ("lanczos", "power"):
    raise ValueError(f"hessian_top_eig.method {cfg.method!r} not in ('lanczos', 'power')")
  if cfg.method == "power" and cfg.k != 1:
    raise ValueError("power iteration gives one eigenvalue: use k=1 or method='lanczos'")

  def fn(params, state, key):
    matvec = _hessian_matvec(ctx, state, params, cfg.chunk)
    theta = _theta(params)
    v0 = jax.random.normal(_key(cfg, key), theta.shape, theta.dtype)
    if cfg.method == "power":
      lam, _ = cv.power_iteration(matvec, v0, cfg.steps)
      return {"lambda_max": lam}
    w, _ = cv.lanczos_top_k(matvec, v0, cfg.steps, cfg.k)
    out = {"lambda_max": w[0]}
    if cfg.k > 1:
      out["eigvals"] = w
    return out

  est = f"{cfg.method}, {cfg.steps} H-products"
  meta = {"lambda_max": _meta(ctx, "H", "none (Hessian of the mean loss)", estimator=est)}
  if cfg.k > 1:
    meta["eigvals"] = _meta(ctx, "H", "none (Hessian of the mean loss)", estimator=est,
                            quantity=f"top-{cfg.k} eigenvalues, descending")
  return fn, meta


@PROBES.register("hessian_trace", estimator="hutchinson", num_probes=100, batch_size=0,
                 chunk=0, fresh_key=False)
def hessian_trace(ctx, cfg):
  """Tr H by Hutchinson (Rademacher) or Hutch++, with its standard error."""
  if cfg.estimator not in ("hutchinson", "hutchpp"):
    raise ValueError(f"hessian_trace.estimator {cfg.estimator!r} not in ('hutchinson', 'hutchpp')")

  def fn(params, state, key):
    matvec = _hessian_matvec(ctx, state, params, cfg.chunk)
    d = _theta(params).shape[0]
    bs = cfg.batch_size or None
    if cfg.estimator == "hutchpp":
      est = cv.hutchpp(matvec, _key(cfg, key), d, cfg.num_probes, batch_size=bs)
    else:
      est = cv.hutchinson(matvec, _key(cfg, key), d, cfg.num_probes, batch_size=bs)
    return {"trace": est.value, "trace_se": est.stderr}

  m = _meta(ctx, "H", "none (Hessian of the mean loss)",
            estimator=f"{cfg.estimator}, {cfg.num_probes} H-products")
  return fn, {"trace": m, "trace_se": m}


@PROBES.register("hessian_fro", num_probes=20, batch_size=0, chunk=0, fresh_key=False)
def hessian_fro(ctx, cfg):
  """‖H‖²_F = E‖Hz‖² (Rademacher), ‖H‖_F, ‖H‖_F/D, ‖H‖²_F/D, and Tr H from the same products."""

  def fn(params, state, key):
    matvec = _hessian_matvec(ctx, state, params, cfg.chunk)
    d = _theta(params).shape[0]
    tr, fro = cv.trace_and_frobenius(matvec, _key(cfg, key), d, cfg.num_probes,
                                     batch_size=cfg.batch_size or None)
    return {"fro_sq": fro.value, "fro_sq_se": fro.stderr, "fro": jnp.sqrt(fro.value),
            "fro_over_d": jnp.sqrt(fro.value) / d, "fro_sq_over_d": fro.value / d,
            "trace": tr.value, "trace_se": tr.stderr}

  m = _meta(ctx, "H", "none (Hessian of the mean loss)",
            estimator=f"Hutchinson on H², {cfg.num_probes} H-products")
  keys = ("fro_sq", "fro_sq_se", "fro", "fro_over_d", "fro_sq_over_d", "trace", "trace_se")
  return fn, {k: m for k in keys}


@PROBES.register("grad_moments", factored=True, chunk=0, ddof=1, fresh_key=False)
def grad_moments(ctx, cfg):
  """Per-layer per-example gradient variance, Tr C, Tr Σ and ‖ḡ‖² (factored rules when possible).

  Outputs `var/<layer path>` are the mean over a leaf's entries of the per-example
  variance with `ddof`; `tr_sigma` uses the same ddof, `tr_c` is (1/n)Σ‖gₙ‖².
  """

  def fn(params, state, key):
    _require_independent(ctx, state, "grad_moments")
    if cfg.factored:
      mom = cv.factored_moments(lambda p, x: ctx.apply(p, state, x), ctx.likelihood.loss,
                                params, ctx.x, ctx.y, chunk_size=cfg.chunk)
    else:
      mom = cv.grad_moments(_fns(ctx, state)[3], params, ctx.x, ctx.y, chunk_size=cfg.chunk)
    out = {"tr_c": mom.trace_c(), "tr_sigma": mom.trace_sigma(cfg.ddof),
           "grad_norm_sq": mom.mean_sq_norm(),
           "diag_c_fro": jnp.sqrt(cv.pergrad.tree_sq_norm(mom.sq_mean))}
    flat_var, _ = jax.tree_util.tree_flatten_with_path(mom.layer_variance(cfg.ddof))
    for path, v in flat_var:
      out["var/" + "/".join(str(getattr(k, "key", k)) for k in path)] = v
    return out

  g = "per-example"
  meta = {"tr_c": _meta(ctx, "C", g), "tr_sigma": _meta(ctx, "Σ", g, ddof=cfg.ddof),
          "grad_norm_sq": _meta(ctx, "ḡḡᵀ", "batch mean"), "diag_c_fro": _meta(ctx, "diag C", g),
          "var/*": _meta(ctx, "diag Σ (mean per leaf)", g, ddof=cfg.ddof)}
  return fn, meta


@PROBES.register("dense_spectra", tau=1e-3, n_train=0, max_params=20000, batch_size=256,
                 chunk=0, top_k=10)
def dense_spectra(ctx, cfg):
  """Dense H, F (exact), C, Σ and H_p = C − H (li2019) on the probe set, with thomas2020's metrics.

  Spectra (`eigvals_*`, descending) and: TIC = Tr(H⁺_τC)/N and its Σ variant,
  TIC_F = Tr(F⁺_τC)/N, Tr(C)/Tr(F) (also /N and ·d/N), r and s for (C, H), (C, F),
  (F, H), ‖F − C‖²_F (abs, relative, trace-normalised), AIC = d/N, the numerical
  rank of C and the cosines of the principal angles between the top_k
  eigenvectors of H and C. N = n_train, or the training-set size when 0.
  """
  n_train = int(cfg.n_train or ctx.data.n_train)

  def fn(params, state, key):
    _require_independent(ctx, state, "dense_spectra")
    loss, _, model, single = _fns(ctx, state)
    d = _theta(params).shape[0]
    if d > cfg.max_params:
      raise ValueError(f"dense_spectra: d = {d} > max_params = {cfg.max_params}")
    dense = lambda op: cv.materialize(cv.flat(op, params)[0], d, batch_size=cfg.batch_size)
    h = dense(cv.hessian_op(loss, params))
    f = dense(cv.fisher_op(model, ctx.likelihood.output_hvp, params))
    c, g = cv.second_moment_dense(single, params, ctx.x, ctx.y, cfg.chunk)
    sigma = cv.covariance_dense(c, g)
    eig = {name: cv.eigh_descending(a) for name, a in
           (("H", h), ("F", f), ("C", c), ("Sigma", sigma), ("Hp", cv.hessian_residual(h, c)))}
    out = {f"eigvals_{k}": w for k, (w, _) in eig.items()}
    tr_hc, k_h = cv.trace_pinv_product(*eig["H"], c, cfg.tau)
    tr_hs, _ = cv.trace_pinv_product(*eig["H"], sigma, cfg.tau)
    tr_fc, k_f = cv.trace_pinv_product(*eig["F"], c, cfg.tau)
    trs = {k: jnp.trace(a) for k, a in (("H", h), ("F", f), ("C", c), ("Sigma", sigma))}
    out.update(tic=tr_hc / n_train, tic_k=k_h, tic_sigma=tr_hs / n_train, tic_f=tr_fc / n_train,
               tic_f_k=k_f, aic=jnp.asarray(cv.aic(d, n_train)),
               rank_c=cv.numerical_rank(eig["C"][0], cfg.tau))
    out.update({f"tr_{k}": v for k, v in trs.items()})
    out.update({f"trace_ratio{s}": v for s, v in zip(
        ("", "_over_n", "_d_over_n"), cv.trace_ratio(trs["C"], trs["F"], n_train, d).values())})
    for a, b, ma, mb in (("C", "H", c, h), ("C", "F", c, f), ("F", "H", f, h)):
      out[f"r_{a}{b}"] = cv.scale_similarity(ma, mb)
      out[f"s_{a}{b}"] = cv.angle_similarity(ma, mb)
    out.update({f"fc_{k}": v for k, v in cv.fc_discrepancy(f, c).items()})
    k = min(cfg.top_k, d)
    out["cos_angles_HC"] = cv.principal_cosines(eig["H"][1][:, :k], eig["C"][1][:, :k])
    return out

  g, b = "per-example", "none (dense operator)"
  meta = {
      "eigvals_H": _meta(ctx, "H", b), "eigvals_F": _meta(ctx, "F (exact)", b),
      "eigvals_C": _meta(ctx, "C", g), "eigvals_Sigma": _meta(ctx, "Σ", g),
      "eigvals_Hp": _meta(ctx, "H_p = C − H (li2019)", g),
      "tic": _meta(ctx, "H, C", g, tau=cfg.tau, n_train=n_train),
      "tic_sigma": _meta(ctx, "H, Σ", g, tau=cfg.tau, n_train=n_train),
      "tic_f": _meta(ctx, "F, C", g, tau=cfg.tau, n_train=n_train),
      "trace_ratio": _meta(ctx, "C, F", g), "fc_abs": _meta(ctx, "F, C", g),
      "r_*/s_*": _meta(ctx, "pairs of H, F, C", g), "cos_angles_HC": _meta(ctx, "H, C", g),
      "aic": dict(quantity="d/N", n_train=n_train),
  }
  return fn, meta


@PROBES.register("tr_h_sigma", batch_size=0, ddof=1, num_probes=100, lanczos_steps=20,
                 hvp_batch=0, chunk=0, fresh_key=False)
def tr_h_sigma(ctx, cfg):
  """zhu2019 §2.5: Tr(HΣ), Tr(HΣ̄) (Σ̄ = Tr Σ/D·I), Tr H, Tr Σ, λ₁, u₁ᵀΣu₁ and â.

  Σ is the per-example gradient covariance on the probe set, (1/(n − ddof)) AᵀA
  with A the centred per-example gradients, divided by batch_size when > 0 (the
  covariance of a size-m mini-batch gradient drawn with replacement). Tr(HΣ)
  costs n H-products; Tr H is Hutchinson's; λ₁, u₁ come from Lanczos.
  """

  def fn(params, state, key):
    _require_independent(ctx, state, "tr_h_sigma")
    loss, _, _, single = _fns(ctx, state)
    k1, k2 = jax.random.split(_key(cfg, key))
    a = cv.centered_rows(cv.flat_per_example_grads(single, params, ctx.x, ctx.y, cfg.chunk))
    denom = (a.shape[0] - cfg.ddof) * (cfg.batch_size or 1)
    hmat = cv.flat(cv.hessian_op(loss, params), params)[0]
    d = a.shape[1]
    thsig = cv.tr_h_sigma_from_rows(hmat, a, ddof=cfg.ddof, batch_size=cfg.hvp_batch or None
                                    ) / (cfg.batch_size or 1)
    tr_sigma = jnp.sum(jnp.square(a)) / denom
    tr_h = cv.hutchinson(hmat, k1, d, cfg.num_probes, batch_size=cfg.hvp_batch or None)
    w, u = cv.lanczos_top_k(hmat, jax.random.normal(k2, (d,), a.dtype), cfg.lanczos_steps, 1)
    with cv.highest():
      u1su1 = jnp.sum(jnp.square(a @ u[0])) / denom
    return {"tr_h_sigma": thsig, "tr_h_sigma_iso": cv.tr_h_sigma_iso(tr_h.value, tr_sigma, d),
            "tr_h": tr_h.value, "tr_h_se": tr_h.stderr, "tr_sigma": tr_sigma,
            "lambda_max": w[0], "u1_sigma_u1": u1su1,
            "a_hat": cv.projection_coefficient(w[0], u1su1, tr_h.value, tr_sigma),
            "a_hat_iso": tr_h.value / (w[0] * d)}

  sig = f"Σ/{cfg.batch_size} (mini-batch)" if cfg.batch_size else "Σ (per-example)"
  m = _meta(ctx, f"H, {sig}", "per-example", ddof=cfg.ddof)
  keys = ("tr_h_sigma", "tr_h_sigma_iso", "tr_h", "tr_h_se", "tr_sigma", "lambda_max",
          "u1_sigma_u1", "a_hat", "a_hat_iso")
  return fn, {k: m for k in keys}


@PROBES.register("expected_sharpness", delta=0.01, num_samples=100, batch_size=0,
                 fresh_key=False)
def expected_sharpness(ctx, cfg):
  """zhu2019: (1/M) Σⱼ L(θ + νⱼ) − L(θ), νⱼ ~ N(0, δ²I), signed and as mean |ΔL|, with SEs.

  L is the mean loss on the probe set (set n=0 for the whole split, as the paper does).
  """

  def fn(params, state, key):
    loss = _fns(ctx, state)[0]
    return cv.expected_sharpness(loss, params, _key(cfg, key), cfg.delta, cfg.num_samples,
                                 batch_size=cfg.batch_size or None)

  m = _meta(ctx, "none (loss only)", "none", delta=cfg.delta, num_samples=cfg.num_samples)
  keys = ("sharpness", "sharpness_se", "abs_sharpness", "abs_sharpness_se", "loss")
  return fn, {k: m for k in keys}


@PROBES.register("hessian_density", num_probes=4, steps=60, chunk=0, fresh_key=False)
def hessian_density(ctx, cfg):
  """Stochastic Lanczos quadrature of the Hessian spectrum: nodes and weights (P, m).

  The density (1/P) Σₚ Σᵢ wₚᵢ N(t; θₚᵢ, σ²) is `SLQResult(nodes, weights).density`.
  """

  def fn(params, state, key):
    matvec = _hessian_matvec(ctx, state, params, cfg.chunk)
    d = _theta(params).shape[0]
    res = cv.slq(matvec, _key(cfg, key), d, cfg.num_probes, cfg.steps,
                 dtype=_theta(params).dtype)
    return {"nodes": res.nodes, "weights": res.weights}

  m = _meta(ctx, "H", "none (Hessian of the mean loss)",
            estimator=f"SLQ, {cfg.num_probes} probes × {cfg.steps} steps")
  return fn, {"nodes": m, "weights": m}
