"""wen2019 toys (W1–W4) against brute-force float64 twins."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.linalg

from noisecurv.papers.wen2019 import clouds, quadratic, stability

A = np.array(quadratic.FIG4_A)
T0 = np.array(quadratic.FIG4_THETA0)


def _brute_expected_loss(a, c, theta0, steps):
  s = np.outer(theta0, theta0)
  out = [0.5 * np.trace(a @ s)]
  for alpha in steps:
    p = np.eye(len(a)) - alpha * a
    s = p @ s @ p.T + alpha**2 * c @ c.T
    out.append(0.5 * np.trace(a @ s))
  return np.array(out)


@pytest.mark.parametrize("kind", ["full", "diag", "none"])
def test_expected_loss_matches_plain_recursion(kind):
  a = quadratic.random_spd(3, 4)
  c = quadratic.noise_matrix(a, kind)
  steps = np.concatenate([np.full(30, 0.05), quadratic.decaying_steps(30, 1.0, 20.0)])
  got = quadratic.expected_loss(a, c, np.ones(4), steps)
  np.testing.assert_allclose(got, _brute_expected_loss(a, c, np.ones(4), steps), rtol=1e-12)


def test_fig4_reference_values():
  # Spec W2 reference values (exact second-moment recursion).
  steps = np.full(500, 0.1)
  full = quadratic.expected_loss(A, quadratic.noise_matrix(A, "full"), T0, steps)
  diag = quadratic.expected_loss(A, quadratic.noise_matrix(A, "diag"), T0, steps)
  np.testing.assert_allclose(full[[1, 5, 10, 20, 50]],
                             [0.8712, 0.6224, 0.5006, 0.4433, 0.4354], atol=1e-4)
  np.testing.assert_allclose(diag[[1, 5, 10, 20, 50]],
                             [0.7113, 0.5091, 0.4112, 0.3652, 0.3589], atol=1e-4)
  assert quadratic.stationary_loss(A, quadratic.noise_matrix(A, "full"), 0.1) == pytest.approx(
      full[-1], rel=1e-9)
  assert quadratic.stationary_loss(A, quadratic.noise_matrix(A, "diag"), 0.1) == pytest.approx(
      diag[-1], rel=1e-9)


def test_noise_matrices_share_trace_not_frobenius():
  full, diag = quadratic.noise_matrix(A, "full"), quadratic.noise_matrix(A, "diag")
  np.testing.assert_allclose(full @ full, A, atol=1e-12)
  assert np.trace(full @ full.T) == pytest.approx(np.trace(diag @ diag.T))  # Eq. 6
  assert np.trace(full.T @ A @ full) == pytest.approx(82.0)  # ‖A‖²_F
  assert np.trace(diag.T @ A @ diag) == pytest.approx(50.0)  # ‖diag A‖²_F


def test_thm41_nu_and_bound():
  gamma = 18.0
  assert quadratic.thm41_nu(A, quadratic.noise_matrix(A, "full"), T0, gamma) == pytest.approx(164)
  assert quadratic.thm41_nu(A, quadratic.noise_matrix(A, "diag"), T0, gamma) == pytest.approx(100)
  steps = quadratic.decaying_steps(2000, 1.0, gamma)
  assert steps[0] <= 1.0 / 9.0 + 1e-12  # α_0 ≤ 1/λ_max
  for kind in ("full", "diag"):
    c = quadratic.noise_matrix(A, kind)
    el = quadratic.expected_loss(A, c, T0, steps)
    bound = quadratic.thm41_nu(A, c, T0, gamma) / (np.arange(el.size) + gamma)
    assert np.all(el <= bound)


def test_simulate_matches_exact():
  c = quadratic.noise_matrix(A, "full")
  steps = np.full(100, 0.1)
  losses, traj = quadratic.simulate(jax.random.PRNGKey(0), A, c, T0, steps, num_runs=4000,
                                    record_every=50)
  losses = np.asarray(losses, np.float64)
  exact = quadratic.expected_loss(A, c, T0, steps)[[0, 50, 100]]
  se = losses.std(axis=1, ddof=1) / np.sqrt(4000)
  np.testing.assert_allclose(losses[0], 0.5 * T0 @ A @ T0, rtol=1e-6)
  # 4 SE: a two-sided 6e-5 false-alarm rate per point with a fixed key.
  assert np.all(np.abs(losses.mean(axis=1)[1:] - exact[1:]) <= 4 * se[1:])
  np.testing.assert_allclose(np.asarray(traj)[0], T0, rtol=1e-6)


def test_stationary_cov_matches_scipy_lyapunov():
  a = quadratic.random_spd(1, 5)
  for s in stability.STRUCTURES:
    c = stability.noise_factor(a, s)
    np.testing.assert_allclose(stability.stationary_cov(a, c, 0.1),
                               stability.lyapunov_reference(a, c, 0.1), rtol=1e-9, atol=1e-12)
  c = stability.noise_factor(a, "sqrt_a")
  np.testing.assert_allclose(stability.stationary_cov(a, c, 0.1), 0.05 * np.eye(5), atol=1e-12)
  ci = stability.noise_factor(a, "identity")
  np.testing.assert_allclose(stability.stationary_cov(a, ci, 0.1), 0.05 * np.linalg.inv(a),
                             rtol=1e-9)


def test_ou_law_at_finite_time_matches_expm_integral():
  a = quadratic.random_spd(2, 3)
  c = stability.noise_factor(a, "sqrt_diag_a")
  mu, sig = stability.ou_law(a, c, 0.2, np.ones(3), 0.7)
  np.testing.assert_allclose(mu, scipy.linalg.expm(-0.7 * a) @ np.ones(3), rtol=1e-10)
  us = np.linspace(0, 0.7, 4001)  # trapezoid of e^{−A(t−u)} αCCᵀ e^{−A(t−u)}
  vals = [scipy.linalg.expm(-a * (0.7 - u)) @ (0.2 * c @ c.T) @ scipy.linalg.expm(-a * (0.7 - u))
          for u in us]
  np.testing.assert_allclose(sig, np.trapezoid(vals, us, axis=0), rtol=1e-6)


def test_hellinger_matches_one_dimensional_formula():
  m1, m2, v1, v2 = 0.3, -0.2, 0.5, 1.7
  ref = 1 - np.sqrt(2 * np.sqrt(v1 * v2) / (v1 + v2)) * np.exp(-(m1 - m2) ** 2 / (4 * (v1 + v2)))
  got = stability.hellinger_sq(np.array([m1]), np.array([[v1]]), np.array([m2]), np.array([[v2]]))
  assert got == pytest.approx(ref, rel=1e-12)
  assert stability.hellinger_sq(np.zeros(2), np.eye(2), np.zeros(2), np.eye(2)) == 0.0


def test_hellinger_study_orders_structures():
  r = stability.hellinger_study(0, 20, 50, 5, 0.1, (1.0, 0.1, 0.01), 1.0)
  st = r["stationary"]
  np.testing.assert_allclose(st[:, 0], 0.0, atol=1e-12)  # √A: both laws are (α/2)I
  assert np.all(st[:, 2] > 0)
  assert np.all(np.diff(np.median(r["scaling"], axis=0)) > 0)


@pytest.fixture(scope="module")
def toy():
  rng = np.random.default_rng(0)
  x = rng.standard_normal((200, 2)) @ np.linalg.cholesky([[1, 0.8], [0.8, 1]]).T
  y = x @ np.array([0.25, 0.15]) + 0.5 * rng.standard_normal(200)
  return x.astype(np.float32), y[:, None].astype(np.float32)


def test_moments_match_loops(toy):
  x, y = toy
  theta = np.array([0.3, 0.1])
  mom = clouds.moments(x, y, theta)
  gs = [jax.grad(lambda w, i=i: clouds.per_example_loss(w, x[i:i + 1], y[i:i + 1])[0])(
      jnp.asarray(theta, jnp.float32)) for i in range(len(x))]
  g = np.asarray(gs, np.float64)
  np.testing.assert_allclose(mom["C"], g.T @ g / len(x), rtol=1e-4)
  np.testing.assert_allclose(mom["grad"], g.mean(0), rtol=1e-4, atol=1e-6)
  np.testing.assert_allclose(mom["H"], x.T.astype(np.float64) @ x / len(x), rtol=1e-6)


def test_one_step_clouds_have_the_target_covariances(toy):
  x, y = toy
  w_ls, theta = clouds.start_point(x, y)
  lr, m_s, sigma, r = 0.1, 10, 0.1, 20000
  pts = np.asarray(clouds.one_step_clouds(jax.random.PRNGKey(1), jnp.asarray(x), jnp.asarray(y),
                                          jnp.asarray(theta, jnp.float32), lr=lr,
                                          small_batch=m_s, sigma=sigma, num_draws=r), np.float64)
  mom = clouds.moments(x, y, theta)
  c2 = 1 / m_s - 1 / len(x)
  n = len(x)
  targets = {0: lr**2 * c2 * n / (n - 1) * mom["Sigma"], 1: lr**2 * sigma**2 * np.eye(2),
             2: lr**2 * c2 * mom["C"], 3: lr**2 * c2 * np.diag(np.diag(mom["C"]))}
  for i, target in targets.items():
    cov = np.cov(pts[i].T)
    # Sample covariances of 20,000 draws: relative SE ≈ √(2/R) = 1% on the diagonal; 6% of the
    # Frobenius norm is > 4 SE (the SGD cloud is not Gaussian, its kurtosis enlarges the SE).
    assert np.linalg.norm(cov - target) <= 0.06 * np.linalg.norm(target), i
  gbar = np.asarray(jax.grad(clouds.mean_loss)(jnp.asarray(theta, jnp.float32), x, y))
  for i in range(4):  # every regime is unbiased: mean update = θ − α∇L
    np.testing.assert_allclose(pts[i].mean(0), theta - lr * gbar, atol=5e-4)
  stats = clouds.summary(pts, mom, lr=lr, small_batch=m_s, sigma=sigma)
  assert stats["cos_full_axis_h"] > 0.99
  assert abs(stats["corr_diag"]) < 0.03
