"""Paper metrics (thomas2020, zhu2019, jastrzebski2017, li2019) against numpy float64 twins."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax

from noisecurv.curvature import metrics, subspace

RNG = np.random.default_rng(0)


def _np(tree):
  return jax.tree.map(np.asarray, tree)


def _sym(d, seed, lam=None):
  rng = np.random.default_rng(seed)
  q, _ = np.linalg.qr(rng.standard_normal((d, d)))
  lam = rng.standard_normal(d) if lam is None else np.asarray(lam, np.float64)
  return (q * lam) @ q.T


def test_tic_and_fisher_variant_match_numpy():
  d, m, n_train = 12, 30, 2000
  lam = np.concatenate([[3.0, 1.0, 0.2, 2e-3], np.full(d - 6, 1e-5), [-1e-4, -0.3]])
  h = _sym(d, 1, lam)
  g = np.random.default_rng(2).standard_normal((m, d))
  c = g.T @ g / m
  w, u = np.linalg.eigh(h)
  keep = w > 1e-3 * w.max()
  ref = np.sum(np.einsum("ik,ij,jk->k", u[:, keep], c, u[:, keep]) / w[keep]) / n_train
  with jax.enable_x64(True):
    out = _np(metrics.tic(jnp.asarray(h), jnp.asarray(c), n_train))
    out_g = _np(metrics.tic_from_grads(jnp.asarray(h), jnp.asarray(g), n_train))
    out_f = _np(metrics.tic_fisher(jnp.asarray(h), jnp.asarray(c), n_train))
  assert int(out["k"]) == int(out_g["k"]) == 3
  for o in (out, out_g, out_f):
    np.testing.assert_allclose(o["tic"], ref, rtol=1e-10)
  assert metrics.aic(4210, 2000) == 2.105  # thomas2020 §2.5, h = 70


def test_similarities_discrepancy_and_ratios():
  a, b = _sym(10, 3), _sym(10, 4)
  a_psd = a @ a
  with jax.enable_x64(True):
    A, B, P = jnp.asarray(a), jnp.asarray(b), jnp.asarray(a_psd)
    s_ab, s_aa, s_neg, s_scaled = _np((metrics.angle_similarity(A, B),
                                       metrics.angle_similarity(A, A),
                                       metrics.angle_similarity(A, -A),
                                       metrics.angle_similarity(3.0 * A, B)))
    r = float(metrics.scale_similarity(P, jnp.eye(10)))
    fc = _np(metrics.fc_discrepancy(A, B))
    ratio = _np(metrics.trace_ratio(jnp.asarray(6.0), jnp.asarray(2.0), 100, 50))
    rank = int(metrics.numerical_rank(jnp.asarray([1.0, 2e-3, 5e-4, -1.0])))
  np.testing.assert_allclose(s_ab, np.sum(a * b) / np.linalg.norm(a) / np.linalg.norm(b))
  np.testing.assert_allclose([s_aa, s_neg], [1.0, -1.0])
  np.testing.assert_allclose(s_scaled, s_ab)  # scale-free
  np.testing.assert_allclose(r, np.trace(a_psd) / 10)
  np.testing.assert_allclose(fc["abs"], np.sum((a - b) ** 2))
  np.testing.assert_allclose(fc["rel"], np.sum((a - b) ** 2) / np.sum(a**2))
  np.testing.assert_allclose(fc["trace_normalized"],
                             np.sum((a / np.trace(a) - b / np.trace(b)) ** 2))
  np.testing.assert_allclose([ratio["ratio"], ratio["ratio_over_n"], ratio["d_ratio_over_n"]],
                             [3.0, 0.03, 1.5])
  assert rank == 2


def test_random_lowrank_baseline_is_about_k_over_d_plus_k():
  """E s(W₁W₁ᵀ, W₂W₂ᵀ) ≈ k/(d + k + 1) for Gaussian W (the spec's k/(d + k) to O(1/d));
  the mean of 16 draws has ~4% relative SE, so a 15% band is a safe statistical bound."""
  d, k = 400, 10
  f = jax.jit(lambda kk: metrics.random_lowrank_similarity(kk, d, k))
  s = np.array([f(jax.random.PRNGKey(i)) for i in range(16)])
  np.testing.assert_allclose(s.mean(), k / (d + k + 1), rtol=0.15)


def test_input_sensitivities_match_per_example_loops():
  w = RNG.standard_normal((5, 3))
  xs, ys = RNG.standard_normal((6, 5)), np.arange(6) % 3
  with jax.enable_x64(True):
    W, X, Y = jnp.asarray(w), jnp.asarray(xs), jnp.asarray(ys)
    f = lambda x: jnp.tanh(x @ W)
    loss = lambda x: optax.softmax_cross_entropy_with_integer_labels(f(x), Y)
    probs = lambda x: jax.nn.softmax(f(x))
    sens_loss, sens_jac = _np(jax.jit(lambda x: (metrics.loss_input_sensitivity(loss, x),
                                                 metrics.jacobian_input_sensitivity(probs, x)))(X))
    gx = jax.jit(jax.grad(lambda x, y: optax.softmax_cross_entropy_with_integer_labels(
        f(x[None]), y[None])[0]))
    jx = jax.jit(jax.jacobian(lambda x: probs(x[None])[0]))
    ref_loss = np.mean([np.sum(np.asarray(gx(X[i], Y[i])) ** 2) for i in range(6)])
    ref_jac = np.mean([np.linalg.norm(np.asarray(jx(X[i]))) for i in range(6)])
  np.testing.assert_allclose(sens_loss, ref_loss, rtol=1e-12)
  np.testing.assert_allclose(sens_jac, ref_jac, rtol=1e-12)


def test_tr_h_sigma_family():
  d, b = 8, 10
  h = _sym(d, 5)
  g = RNG.standard_normal((b, d))
  a = g - g.mean(0)
  sigma = a.T @ a / (b - 1)
  lam, u = np.linalg.eigh(h)
  with jax.enable_x64(True):
    H = jnp.asarray(h)
    rows = jax.jit(lambda h, gg: metrics.tr_h_sigma_from_rows(
        lambda v: h @ v, metrics.centered_rows(gg), ddof=1, batch_size=4))(H, jnp.asarray(g))
    dense = metrics.tr_h_sigma(H, jnp.asarray(sigma))
    iso = metrics.tr_h_sigma_iso(jnp.trace(H), jnp.trace(jnp.asarray(sigma)), d)
    a_iso = metrics.projection_coefficient(lam[-1], np.trace(sigma) / d, np.trace(h),
                                           np.trace(sigma))
    a_top = metrics.projection_coefficient(lam[-1], 1.0, np.trace(h), 1.0)  # Σ = u₁u₁ᵀ
    out = _np((rows, dense, iso, a_iso, a_top))
  np.testing.assert_allclose(out[:3], [np.trace(h @ sigma)] * 2 + [
      np.trace(h) * np.trace(sigma) / d], rtol=1e-10)
  np.testing.assert_allclose(out[3], np.trace(h) / (lam[-1] * d))  # zhu2019's â_iso
  np.testing.assert_allclose(out[4], np.trace(h) / lam[-1])


def test_expected_sharpness_on_a_quadratic():
  """L = ½θᵀAθ + bᵀθ: E[L(θ + ν)] − L(θ) = ½δ² Tr A exactly; 4000 draws, checked within 4 SE."""
  d, delta = 6, 0.1
  a, bvec, theta = _sym(d, 6, np.linspace(0.5, 3.0, d)), RNG.standard_normal(d), np.ones(d)
  with jax.enable_x64(True):
    A, B = jnp.asarray(a), jnp.asarray(bvec)
    loss = lambda p: 0.5 * p["t"] @ A @ p["t"] + B @ p["t"]
    out = _np(jax.jit(lambda p: metrics.expected_sharpness(
        loss, p, jax.random.PRNGKey(0), delta, 4000, batch_size=1000))({"t": jnp.asarray(theta)}))
  exact = 0.5 * delta**2 * np.trace(a)
  assert abs(out["sharpness"] - exact) <= 4 * out["sharpness_se"]
  assert out["abs_sharpness"] >= abs(out["sharpness"])
  np.testing.assert_allclose(out["loss"], 0.5 * theta @ a @ theta + bvec @ theta)


def test_interpolation_along_a_line():
  pa, pb = {"w": np.array([1.0, -2.0])}, {"w": np.array([3.0, 1.0])}
  alphas = np.linspace(-1.0, 2.0, 7)
  with jax.enable_x64(True):
    out = np.asarray(metrics.interpolate(lambda p: jnp.sum(p["w"] ** 2), jax.tree.map(
        jnp.asarray, pa), jax.tree.map(jnp.asarray, pb), jnp.asarray(alphas), batch_size=3))
  ref = [np.sum(((1 - t) * pa["w"] + t * pb["w"]) ** 2) for t in alphas]
  np.testing.assert_allclose(out, ref, rtol=1e-12)


def test_hessian_residual_on_logistic_regression():
  """li2019 Table 1 (binary logistic): H_p = M − H = (1/n) Σ [(p − y)² − p(1 − p)] xxᵀ."""
  n, d = 15, 4
  x, y, w = RNG.standard_normal((n, d)), RNG.integers(0, 2, n), RNG.standard_normal(d)
  with jax.enable_x64(True):
    X, Y = jnp.asarray(x), jnp.asarray(y)
    per_ex = lambda w, x, y: optax.sigmoid_binary_cross_entropy(x @ w, y.astype(x.dtype))
    h = np.asarray(jax.jit(jax.hessian(lambda w: jnp.mean(per_ex(w, X, Y))))(jnp.asarray(w)))
    g1 = jax.jit(jax.grad(per_ex))
    grads = np.stack([np.asarray(g1(jnp.asarray(w), X[i], Y[i])) for i in range(n)])
    hp = np.asarray(subspace.hessian_residual(jnp.asarray(h), jnp.asarray(grads.T @ grads / n)))
  p = 1 / (1 + np.exp(-x @ w))
  ref = np.einsum("n,ni,nj->ij", (p - y) ** 2 - p * (1 - p), x, x) / n
  np.testing.assert_allclose(hp, ref, rtol=1e-10, atol=1e-12)


def test_principal_angles_of_known_subspaces():
  t = 0.3
  e = np.eye(5)
  u = np.stack([e[0], e[1]], 1)
  v = np.stack([np.cos(t) * e[0] + np.sin(t) * e[2], e[1]], 1) @ np.array([[2.0, 1.0], [0, 1]])
  with jax.enable_x64(True):  # v is deliberately not orthonormal: only its span matters
    cos = np.asarray(subspace.principal_cosines(jnp.asarray(u), jnp.asarray(v)))
    ang = np.asarray(subspace.principal_angles(jnp.asarray(u), jnp.asarray(v)))
  np.testing.assert_allclose(cos, [1.0, np.cos(t)], atol=1e-12)
  np.testing.assert_allclose(ang, [0.0, t], atol=1e-7)


def test_davis_kahan_angles_and_bounds():
  d, k = 10, 3
  p = _sym(d, 7, [9.0, 6.0, 4.0] + list(np.linspace(0.0, 1.0, d - 3)))
  delta = 0.2 * _sym(d, 8)
  with jax.enable_x64(True):
    out = _np(jax.jit(lambda a, b: subspace.davis_kahan(a, b, k))(jnp.asarray(p),
                                                                  jnp.asarray(p + delta)))
  lp, vp = np.linalg.eigh(p)
  lq, vq = np.linalg.eigh(p + delta)
  vp, vq, lp, lq = vp[:, ::-1], vq[:, ::-1], lp[::-1], lq[::-1]
  np.testing.assert_allclose(out["sin_theta"],
                             np.sqrt(1 - np.sum(vp[:, :k] * vq[:, :k], 0) ** 2), atol=1e-7)
  np.testing.assert_allclose(out["delta_norm2"], np.linalg.norm(delta, 2), rtol=1e-10)
  gaps = [min(abs(lq[s] - lp[r]) for s in range(d) if s != r) for r in range(k)]
  np.testing.assert_allclose(out["bound"], np.linalg.norm(delta, 2) / np.array(gaps), rtol=1e-10)
  assert np.all(out["sin_theta"] <= out["bound"]) and np.all(
      out["subspace_sin"] <= out["subspace_bound"])  # the theorem holds


def test_pac_bayes_terms_by_hand():
  h = np.array([4.0, 0.5, 2.0, 1.0])
  theta, theta0 = np.array([1.0, 2.0, 0.0, -1.0]), np.zeros(4)
  with jax.enable_x64(True):
    out = _np(subspace.pac_bayes_terms(jnp.asarray(h), jnp.asarray(theta), jnp.asarray(theta0),
                                       1.0, n=100, confidence=0.05))
    out_var = _np(subspace.effective_curvature(jnp.asarray(h), jnp.asarray([0.5, 4.0, 1.0, 2.0])))
  np.testing.assert_allclose(out["effective_curvature"], np.log(4.0) + np.log(2.0))
  assert int(out["effective_dimension"]) == 2  # 1.0 is not above the threshold 1/σ² = 1
  np.testing.assert_allclose(out["precision_weighted_norm"], 6.0)
  np.testing.assert_allclose(out["bound_rhs"],
                             (np.log(8.0) + 6.0) / 200 + np.log(101 / 0.05) / 100)
  np.testing.assert_allclose(out_var, 4 * np.log(2.0))  # H[j,j]·σⱼ² = 2 for every j


def test_second_moment_norms_match_dense_c():
  with jax.enable_x64(True):
    g = jax.random.normal(jax.random.key(3), (7, 5), jnp.float64)
    n = g.shape[0]
    c = sum(np.outer(r, r) for r in np.asarray(g)) / n
    out = {k: float(v) for k, v in metrics.second_moment_norms(g).items()}
    np.testing.assert_allclose(out["c_fro_sq"], np.sum(c**2), rtol=1e-12)
    np.testing.assert_allclose(out["diag_c_fro_sq"], np.sum(np.diag(c) ** 2), rtol=1e-12)
    # U-statistics: only pairs i ≠ j, by a double loop.
    gn = np.asarray(g)
    pairs = [(i, j) for i in range(n) for j in range(n) if i != j]
    u_full = sum((gn[i] @ gn[j]) ** 2 for i, j in pairs) / len(pairs)
    u_diag = sum(np.sum(gn[i] ** 2 * gn[j] ** 2) for i, j in pairs) / len(pairs)
    np.testing.assert_allclose(out["c_fro_sq_u"], u_full, rtol=1e-12)
    np.testing.assert_allclose(out["diag_c_fro_sq_u"], u_diag, rtol=1e-12)
