"""Per-run curvature records at one θ (spec §2.4): H, C = M_t, H_p = C − H and what they feed.

Everything is for one run on the whole training set S (n examples, 1/n normalisation,
per-example gradients) and is vmapped over a chunk of runs by the caller. C's spectrum and top
eigenvectors come exactly from the n×n Gram matrix K = GGᵀ/n (C has rank ≤ n < p); H is dense
(`jax.hessian`, p ≤ 1,150); the top/bottom eigenpairs of H and H_p come from float64-basis
Lanczos on the dense matrices (`curvature.lanczos`).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from noisecurv import curvature
from noisecurv.curvature import lapack
from noisecurv.curvature.precision import float64_call
from noisecurv.curvature.subspace import principal_cosines
from noisecurv.papers.li2019.gauss import Net

TOP = 15  # top eigenpairs compared (Figs. 2-4)
BOTTOM = 5
DK = 3  # Davis-Kahan r, s = 1..3


def per_example_grads(net: Net, theta, x, y):
  """G (n, p): rows ∇f(θ; zᵢ)."""
  return jax.vmap(jax.grad(lambda t, xi, yi: net.losses(t, xi[None], yi[None])[0]),
                  (None, 0, 0))(theta, x, y)


def gram_eig(g: jax.Array):
  """Eigenvalues (descending) and eigenvectors of C = GᵀG/n via K = GGᵀ/n: (λ (n,), U (p, n))."""
  n = g.shape[0]
  with curvature.highest():
    lam, w = lapack.eigh(g @ g.T / n)
    lam, w = lam[::-1], w[:, ::-1]
    u = g.T @ w / jnp.sqrt(jnp.maximum(n * lam, 1e-30))[None, :]
  return jnp.maximum(lam, 0.0), u


def sigma_stats(g: jax.Array, m: int) -> dict[str, jax.Array]:
  """Σ = C − μμᵀ and C^{(m)} = Σ/m + μμᵀ summaries from G (no p×p matrix)."""
  n = g.shape[0]
  mu = jnp.mean(g, 0)
  gc = g - mu
  with curvature.highest():
    kc = gc @ gc.T / n
    lam_c = lapack.eigvalsh(kc)
    b = jnp.concatenate([gc.T / jnp.sqrt(n * m), mu[:, None]], 1)  # C^{(m)} = BBᵀ
    lam_m = lapack.eigvalsh(b.T @ b)
    smu = jnp.sum(jnp.square(gc @ mu)) / n
  tr_sigma = jnp.trace(kc)
  mu2 = jnp.sum(mu * mu)
  return {"mu_sq": mu2, "tr_sigma": tr_sigma, "sigma_fro": jnp.linalg.norm(kc),
          "sigma_2": lam_c[-1], "mu_sigma_mu": smu, "tr_cm": tr_sigma / m + mu2,
          "lam1_cm": lam_m[-1], "tr_c": tr_sigma + mu2}


def dense_hessian(net: Net, theta, x, y) -> jax.Array:
  with curvature.highest():
    h = jax.hessian(net.loss)(theta, x, y)
  return 0.5 * (h + h.T)


def _lanczos_ends(mv, v0, steps: int):
  """Top-TOP and bottom-BOTTOM Ritz pairs of one Lanczos run: (top values, vectors (p, TOP),
  bottom values)."""
  res = curvature.lanczos(mv, v0, steps, keep_basis=True)
  w = res.eigvals.astype(v0.dtype)
  # Ritz vectors (p, m), ascending: the float64 basis times T's float64 eigenvectors, in float64
  vecs = float64_call(lambda _, b, e: (b.T @ e).astype(v0.dtype), [], res.basis, res.eigvecs)
  return w[::-1][:TOP], vecs[:, ::-1][:, :TOP], w[:BOTTOM]


def record(net: Net, theta, x, y, m: int, v0, lanczos_steps: int, k: int
           ) -> dict[str, jax.Array]:
  """Everything the figures need at one (run, record) (spec §4.2 'per-run record summaries')."""
  n = x.shape[0]
  g = per_example_grads(net, theta, x, y)
  lam_c, u_c = gram_eig(g)
  h = dense_hessian(net, theta, x, y)
  with curvature.highest():
    gh = g @ h
  mv_h = lambda v: h @ v  # noqa: E731
  mv_hp = lambda v: g.T @ (g @ v) / n - h @ v  # noqa: E731  H_p = C − H
  lam_h, u_h, bot_h = _lanczos_ends(mv_h, v0, lanczos_steps)
  lam_hp, _, bot_hp = _lanczos_ends(mv_hp, v0, lanczos_steps)
  hp_2 = jnp.maximum(jnp.abs(lam_hp[0]), jnp.abs(bot_hp[0]))
  h_fro2 = jnp.sum(h * h)
  c_fro2 = jnp.sum(jnp.square(g @ g.T / n))
  ch = jnp.sum(g * gh) / n  # ⟨C, H⟩ = (1/n)Σ gᵢᵀHgᵢ
  hp_fro = jnp.sqrt(jnp.maximum(c_fro2 + h_fro2 - 2 * ch, 0.0))
  ut = u_c[:, :TOP]
  cos15 = principal_cosines(u_h, ut)
  cosk = principal_cosines(u_h[:, :k], ut[:, :k])
  # Davis-Kahan (App. B.2.2): P = H, Q = C, Δ = H_p; C's spectrum includes its p − n zeros.
  full_c = jnp.concatenate([lam_c, jnp.zeros((1,), lam_c.dtype)])
  vv = jnp.abs(jnp.sum(u_h[:, :DK] * ut[:, :DK], 0))
  idx = jnp.arange(full_c.shape[0])
  gaps = jnp.abs(full_c[None, :] - lam_h[:DK, None])
  gaps = jnp.where(idx[None, :] == jnp.arange(DK)[:, None], jnp.inf, gaps)
  dk_bound = hp_2 / jnp.min(gaps, 1)
  s = jnp.arange(1, DK + 1)
  sub_sin = jnp.stack([jnp.sqrt(jnp.maximum(j - jnp.sum(
      jnp.square(principal_cosines(u_h[:, :j], ut[:, :j]))), 0.0)) for j in range(1, DK + 1)])
  sub_bound = 2 * jnp.minimum(jnp.sqrt(s) * hp_2, hp_fro) / (lam_h[:DK] - lam_h[1:DK + 1])
  load = jnp.stack([jnp.sum(jnp.square(u_h[sl, :10]), 0) / (sl.stop - sl.start)
                    for sl in net.layer_slices], 1)  # (10, layers)
  out = {"lam_h": lam_h, "bot_h": bot_h, "lam_hp": lam_hp, "bot_hp": bot_hp, "lam_c": lam_c,
         "cos15": cos15, "cosk": cosk, "hp_2": hp_2, "hp_fro": hp_fro,
         "h_fro": jnp.sqrt(h_fro2), "c_fro": jnp.sqrt(c_fro2), "tr_h": jnp.trace(h),
         "dk_vv": vv, "dk_bound": dk_bound, "dk_sub_sin": sub_sin, "dk_sub_bound": sub_bound,
         "load": load, "loss": net.loss(theta, x, y)}
  out.update(sigma_stats(g, m))
  return out


def eigvalsh64(a: jax.Array) -> jax.Array:
  """Ascending eigenvalues of a symmetric matrix, solved in float64 (returned in a's dtype).

  A float32 eigensolver on 500-1,150² blocks errs by ≈ p·ε₃₂·‖A‖ ≈ 3e-5‖A‖, which would hide
  whether a block is PSD to the 1e-6 the E6 criterion asks for.
  """
  def impl(_, a):
    return lapack.eigvalsh(a.astype(jnp.float64)).astype(a.dtype)

  return float64_call(impl, [], a)


def spectra(net: Net, theta, x, y) -> dict[str, jax.Array]:
  """Full sorted spectra (descending; float64 solves) of H, H_p, the blocks G_h and trailing H_h."""
  n = x.shape[0]
  g = per_example_grads(net, theta, x, y)
  h = dense_hessian(net, theta, x, y)
  with curvature.highest():
    c = g.T @ g / n
  ev = lambda a: eigvalsh64(a)[::-1]  # noqa: E731
  out = {"spec_h": ev(h), "spec_hp": ev(c - h)}
  sls = net.layer_slices
  for i, sl in enumerate(sls):
    out[f"spec_g{i}"] = ev(h[sl, sl])
  for i in range(1, len(sls) - 1):
    t = slice(sls[i].start, net.p)
    out[f"spec_h{i}"] = ev(h[t, t])
  return out


def bound_terms(net: Net, theta, x, y, x_test, y_test, y_test_clean, sigmas=(0.5, 1.0),
                delta: float = 0.05) -> dict[str, jax.Array]:
  """Theorem 4 terms at θ_T for each prior scale σ (prior mean 0), errors (spec §2.8)."""
  n = x.shape[0]
  hd = jnp.diagonal(dense_hessian(net, theta, x, y))
  out = {"diag_h": hd, "train_err": net.error(theta, x, y),
         "test_err": net.error(theta, x_test, y_test),
         "test_err_clean": net.error(theta, x_test, y_test_clean),
         "theta_sq": jnp.sum(theta * theta)}
  for s in sigmas:
    var = s * s
    t = curvature.pac_bayes_terms(hd, theta, jnp.zeros_like(theta), var, n, delta)
    nu = jnp.maximum(hd, 1.0 / var)
    kl2 = (jnp.sum(1.0 / (var * nu) - 1.0) + t["precision_weighted_norm"]
           + jnp.sum(jnp.log(var * nu)))
    tag = f"s{s:g}"
    out.update({f"ec_{tag}": t["effective_curvature"], f"pwf_{tag}": t["precision_weighted_norm"],
                f"dtilde_{tag}": t["effective_dimension"], f"bound_{tag}": t["bound_rhs"],
                f"kl_{tag}": 0.5 * kl2})
  out["gen_err"] = out["test_err"] - out["train_err"]
  return out
