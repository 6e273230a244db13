"""li2019.theory: the unit-level checks E0a-E0e of the spec, in float64 (results in theory.json).

E0a Prop. 1: (1/n)Σ ∇²pᵢ/pᵢ (jax.hessian of pᵢ = exp(−fᵢ)) equals C − H; the diagonal blocks of H
    equal the GGN blocks (ReLU nets are linear in one layer's parameters) and are PSD.
E0b Table 1 / Examples 1-2: closed forms of H and C for least squares and logistic regression, and
    along GD to interpolation ‖C‖_F/‖H‖_F → 0 (C → 0 while H does not).
E0c Cor. 3: an α-scale map A (weights of layer l × α_l, bias l × Π_{i≤l} α_i) keeps the logits;
    H(Aθ) = A⁻¹H(θ)A⁻¹; EC, PWF, KL unchanged with the transformed prior.
E0d Thm. 4 algebra: the closed-form Gaussian KL equals Eq. 106 and a Monte Carlo estimate;
    EC + PWF ≥ 2KL.
E0e principal cosines of bases with known angles; Davis-Kahan bound (59) ≥ ‖sin Θ‖_F.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from noisecurv import curvature
from noisecurv.curvature import lapack
from noisecurv.papers.li2019 import gauss, records

DEFAULTS = dict(checks=("prop1", "table1", "cor3", "thm4", "angles"), k=10, dim=50,
                hidden=(10, 30), gd_steps=300, logistic_steps=5000, mc_samples=100_000,
                dk_pairs=100)


def _rel(a, b):
  return float(jnp.linalg.norm(a - b) / jnp.maximum(jnp.linalg.norm(b), 1e-300))


def prop1(net: gauss.Net, theta, x, y) -> dict[str, float]:
  """H_p = (1/n)Σ∇²pᵢ/pᵢ vs C − H; diagonal blocks of H vs GGN blocks; block PSD-ness."""
  n = x.shape[0]

  @jax.jit  # one program: op-by-op dispatch of these float64 matrices is slow on a CPU
  def matrices(theta, x, y):
    def hp_i(xi, yi):
      pfun = lambda t: jnp.exp(-net.losses(t, xi[None], yi[None])[0])  # noqa: E731
      return jax.hessian(pfun)(theta) / pfun(theta)

    hp = jax.lax.map(lambda a: hp_i(*a), (x, y)).sum(0) / n
    g = records.per_example_grads(net, theta, x, y)
    h = records.dense_hessian(net, theta, x, y)
    jac = jax.vmap(jax.jacrev(lambda t, xi: net.logits(t, xi[None])[0]), (None, 0))(theta, x)
    pi = jax.nn.softmax(net.logits(theta, x), -1)
    lam = jax.vmap(lambda q: jnp.diag(q) - jnp.outer(q, q))(pi)
    return hp, g.T @ g / n, h, jnp.einsum("nkp,nkl,nlq->pq", jac, lam, jac) / n

  hp, c, h, ggn = matrices(theta, x, y)
  hmax = float(jnp.max(jnp.abs(lapack.eigvalsh(h))))
  block_err = max(float(jnp.max(jnp.abs(h[s, s] - ggn[s, s]))) for s in net.layer_slices)
  block_min = min(float(lapack.eigvalsh(h[s, s])[0]) for s in net.layer_slices)
  return {"prop1_rel_err": _rel(hp, c - h),
          "block_ggn_err_rel": block_err / float(jnp.linalg.norm(h)),
          "block_min_eig_rel": block_min / hmax,
          "offblock_nonzero": float(jnp.max(jnp.abs(h - ggn)))}


def table1(key, n: int = 20, p: int = 40, noise_sd: float = 0.5, gd_steps: int = 300,
           logistic_steps: int = 5000) -> dict[str, float]:
  """Least squares and logistic regression: autodiff vs Table 1 closed forms, and GD limits."""
  kx, kt, ky = jax.random.split(key, 3)
  x = jax.random.normal(kx, (n, p))
  theta_true = jax.random.normal(kt, (p,))
  y = x @ theta_true + noise_sd * jax.random.normal(ky, (n,))
  ls = lambda t, xi, yi: jnp.square(yi - xi @ t) / (2 * noise_sd**2)  # noqa: E731
  lg = lambda t, xi, yi: -(yi * jax.nn.log_sigmoid(xi @ t) + (1 - yi) * jax.nn.log_sigmoid(-xi @ t))  # noqa: E731
  yb = (x @ theta_true > 0).astype(x.dtype)  # separable labels

  def moments(f, t, yy):
    g = jax.vmap(jax.grad(f), (None, 0, 0))(t, x, yy)
    h = jax.hessian(lambda t: jnp.mean(jax.vmap(f, (None, 0, 0))(t, x, yy)))(t)
    return g.T @ g / n, h

  out = {}
  t0 = jax.random.normal(jax.random.fold_in(key, 7), (p,)) * 0.3
  c, h = moments(ls, t0, y)
  r = y - x @ t0
  out["ls_h_err"] = _rel(h, x.T @ x / (n * noise_sd**2))
  out["ls_c_err"] = _rel(c, (x.T * r**2) @ x / (n * noise_sd**4))
  c, h = moments(lg, t0, yb)
  s = jax.nn.sigmoid(x @ t0)
  out["lg_h_err"] = _rel(h, (x.T * (s * (1 - s))) @ x / n)
  out["lg_c_err"] = _rel(c, (x.T * (s - yb) ** 2) @ x / n)
  # GD to the interpolating least-squares solution (step 1/L): C → 0, H_p → −H = −XᵀX/(nσ²)
  lmax = float(lapack.eigvalsh(x.T @ x / (n * noise_sd**2))[-1])
  grad_ls = jax.grad(lambda t: jnp.mean(jax.vmap(ls, (None, 0, 0))(t, x, y)))
  # logistic_steps (≥ 2,000) GD steps: the residual falls as (1 − 1/κ)^t, C ∝ residual²
  t = jax.lax.fori_loop(0, logistic_steps, lambda _, t: t - grad_ls(t) / lmax, jnp.zeros(p))
  c, h = moments(ls, t, y)
  out["ls_c_over_h_end"] = float(jnp.linalg.norm(c) / jnp.linalg.norm(h))
  out["ls_hp_plus_h_rel"] = _rel(c - h + h, h)  # ‖H_p + H‖/‖H‖ = ‖C‖/‖H‖
  # logistic regression on separable data: ‖θ‖ → ∞, ‖C‖_F/‖H‖_F falls to 0
  grad_lg = jax.grad(lambda t: jnp.mean(jax.vmap(lg, (None, 0, 0))(t, x, yb)))
  lr = 4.0 / float(lapack.eigvalsh(x.T @ x / n)[-1])
  marks = np.unique(np.round(np.geomspace(1, logistic_steps, 12)).astype(int))
  t, prev, ratios = jnp.zeros(p), 0, []
  for mk in marks:
    t = jax.lax.fori_loop(0, int(mk - prev), lambda _, t: t - lr * grad_lg(t), t)
    prev = mk
    c, h = moments(lg, t, yb)
    ratios.append(float(jnp.linalg.norm(c) / jnp.linalg.norm(h)))
  out["lg_ratios"] = ratios
  out["lg_ratio_end"] = ratios[-1]
  out["lg_monotone"] = bool(np.all(np.diff(ratios[len(ratios) // 2:]) <= 1e-12))
  return out


def alpha_scale(net: gauss.Net, theta, alphas) -> jax.Array:
  """The diagonal of A: weights of layer l × α_l, bias of layer l × Π_{i≤l} α_i (spec §7 #14)."""
  parts, cum = [], 1.0
  for (a, b), al in zip(zip(net.sizes[:-1], net.sizes[1:]), alphas):
    cum = cum * al
    parts += [jnp.full((a * b,), al), jnp.full((b,), cum)]
  return jnp.concatenate(parts).astype(theta.dtype)


def cor3(net: gauss.Net, theta, x, y, alphas, sigma: float = 0.5) -> dict[str, float]:
  a = alpha_scale(net, theta, alphas)
  th2 = a * theta
  hessian = jax.jit(lambda t: records.dense_hessian(net, t, x, y))
  h1, h2 = hessian(theta), hessian(th2)
  var1 = jnp.full_like(theta, sigma**2)
  var2 = var1 * a * a

  def terms(h, th, var):
    d = jnp.diagonal(h)
    nu = jnp.maximum(d, 1 / var)
    ec = curvature.effective_curvature(d, var)
    pwf = curvature.precision_weighted_norm(th, jnp.zeros_like(th), var)
    kl = 0.5 * (jnp.sum(1 / (var * nu) - 1) + pwf + jnp.sum(jnp.log(var * nu)))
    return np.array([ec, pwf, kl])

  t1, t2, t_fixed = terms(h1, theta, var1), terms(h2, th2, var2), terms(h2, th2, var1)
  return {"cor3_logit_err": _rel(net.logits(th2, x), net.logits(theta, x)),
          "cor3_hess_err": _rel(h2, h1 / a[:, None] / a[None, :]),
          "cor3_terms_err": float(np.max(np.abs(t2 - t1) / np.maximum(np.abs(t1), 1e-12))),
          "cor3_diag_change": float(jnp.linalg.norm(jnp.diagonal(h2))
                                    / jnp.linalg.norm(jnp.diagonal(h1))),
          "cor3_theta_change": float(jnp.sum(th2**2) / jnp.sum(theta**2)),
          "cor3_untransformed_change": float(np.max(np.abs(t_fixed - t1)
                                                      / np.maximum(np.abs(t1), 1e-12)))}


def thm4(key, p: int = 30, samples: int = 100_000) -> dict[str, float]:
  k1, k2, k3, k4 = jax.random.split(key, 4)
  hd = jnp.exp(jax.random.normal(k1, (p,)) * 2)
  var = jnp.exp(jax.random.normal(k2, (p,)))
  theta = jax.random.normal(k3, (p,)) * 2
  nu = jnp.maximum(hd, 1 / var)
  sq, sp = jnp.diag(1 / nu), jnp.diag(var)  # posterior / prior covariances
  kl_closed = 0.5 * (jnp.trace(lapack.solve(sp, sq)) + theta @ lapack.solve(sp, theta) - p
                     + lapack.slogdet(sp)[1] - lapack.slogdet(sq)[1])
  pwf = jnp.sum(theta**2 / var)
  kl106 = 0.5 * (jnp.sum(1 / (var * nu) - 1) + pwf + jnp.sum(jnp.log(var * nu)))
  ec = curvature.effective_curvature(hd, var)
  z = theta + jax.random.normal(k4, (samples, p)) / jnp.sqrt(nu)
  logq = -0.5 * jnp.sum((z - theta) ** 2 * nu - jnp.log(nu), 1)
  logp = -0.5 * jnp.sum(z**2 / var + jnp.log(var), 1)
  diff = logq - logp
  mc, se = float(jnp.mean(diff)), float(jnp.std(diff) / np.sqrt(samples))
  return {"thm4_kl_err": abs(float(kl_closed - kl106)) / float(kl106),
          "thm4_mc_z": abs(mc - float(kl106)) / se,
          "thm4_ec_pwf_minus_2kl": float(ec + pwf - 2 * kl106)}


def angles(key, d: int = 60, k: int = 5, pairs: int = 100) -> dict[str, float]:
  ku, kg, kp = jax.random.split(key, 3)
  q, _ = lapack.qr(jax.random.normal(ku, (d, 2 * k)))
  gam = jnp.sort(jax.random.uniform(kg, (k,), maxval=np.pi / 2))
  v = q[:, :k] * jnp.cos(gam) + q[:, k:] * jnp.sin(gam)
  cos = curvature.principal_cosines(q[:, :k], v)
  err = float(jnp.max(jnp.abs(cos - jnp.cos(gam))))
  viol = 0
  for i in range(pairs):
    a = jax.random.normal(jax.random.fold_in(kp, i), (2, 20, 20))
    pm = a[0] @ a[0].T
    qm = pm + 0.3 * (a[1] + a[1].T)
    r = curvature.davis_kahan(pm, qm, 3)
    viol += int(jnp.sum(r["subspace_sin"] > r["subspace_bound"] * (1 + 1e-9)))
  return {"angles_cos_err": err, "dk_bound_violations": viol}


def theory(config, run) -> None:
  e = config.experiment
  out: dict[str, object] = {}
  with jax.enable_x64(True):
    key = jax.random.PRNGKey(int(config.seed))
    net = gauss.Net((int(e.dim), *e.hidden, int(e.k)))
    d = gauss.gauss_data(int(e.k), 0.15, dim=int(e.dim), n_test=10)
    x, y = jnp.asarray(d.x, jnp.float64), jnp.asarray(d.y)
    theta0 = 0.5 * jax.random.normal(key, (net.p,), jnp.float64)
    grad = jax.jit(jax.grad(lambda t: net.loss(t, x, y)))
    pts = {"init": theta0}
    t = theta0
    for i in range(int(e.gd_steps)):
      t = t - 0.1 * grad(t)
      if i + 1 == int(e.gd_steps) // 4:
        pts["mid"] = t
    pts["end"] = t
    if "prop1" in e.checks:
      for name, th in pts.items():
        out.update({f"{k}_{name}": v for k, v in prop1(net, th, x, y).items()})
    if "table1" in e.checks:
      out.update(table1(jax.random.fold_in(key, 1), gd_steps=int(e.gd_steps),
                        logistic_steps=int(e.logistic_steps)))
    if "cor3" in e.checks:
      for i, al in enumerate(((2.0, 0.25, 2.0), (0.1, 5.0, 2.0))):
        out.update({f"{k}_{i}": v for k, v in cor3(net, pts["end"], x, y, al).items()})
    if "thm4" in e.checks:
      out.update(thm4(jax.random.fold_in(key, 2), samples=int(e.mc_samples)))
    if "angles" in e.checks:
      out.update(angles(jax.random.fold_in(key, 3), pairs=int(e.dk_pairs)))
  out = {k: (v.item() if hasattr(v, "item") else v) for k, v in out.items()}
  run.dir.write_json("theory.json", out)
  run.log({"step": 0, **{k: v for k, v in out.items() if isinstance(v, (int, float, bool))}})
