"""thomas2020 quadratic recursions (Props. 2–5, Tables 1–2) against brute-force float64 twins.

References are plain numpy loops of the update equations (per-coordinate 2×2 Polyak matrices,
full-matrix moment recursions, fixed-point iterations) on small problems.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from noisecurv.papers.thomas2020 import quadratic as q
from noisecurv.papers.thomas2020 import quadratic_checks as qc
from noisecurv.papers.thomas2020 import tables

H = np.arange(1, 6, dtype=np.float64) ** 2  # a 5-d version of the paper's H = diag(i²)
TH0 = np.ones(5)


def _sg_loop(alpha, m, s, steps):
  sec = TH0 ** 2
  out = [0.5 * np.sum(H * sec)]
  for _ in range(steps):
    a = 1 - alpha * m * H
    sec = a * a * sec + alpha ** 2 * m ** 2 * s
    out.append(0.5 * np.sum(H * sec))
  return np.asarray(out)


def _polyak_loop(alpha, gamma, s, steps):
  out = []
  Z = [np.diag([t ** 2, 0.0]) for t in TH0]
  for _ in range(steps + 1):
    out.append(0.5 * sum(h * z[0, 0] for h, z in zip(H, Z)))
    Z = [np.array([[1, -alpha], [h, gamma - alpha * h]]) @ z
         @ np.array([[1, -alpha], [h, gamma - alpha * h]]).T + np.diag([0, si])
         for h, z, si in zip(H, Z, s)]
  return np.asarray(out)


def test_noise_diag_trace_and_shape():
  with jax.enable_x64(True):
    for beta in (1, 0, -1):
      s = np.asarray(q.noise_diag(jnp.asarray(H), beta))
      np.testing.assert_allclose(s.sum(), 5.0, rtol=1e-14)
      np.testing.assert_allclose(s / s[0], (H / H[0]) ** beta, rtol=1e-14)


@pytest.mark.parametrize("precond", ["sg", "newton"])
def test_sg_trajectory_matches_loop(precond):
  m = np.ones(5) if precond == "sg" else 1.0 / H
  s = H ** -1.0
  alphas = np.array([1e-2, 5e-2, 0.3]) if precond == "sg" else np.array([0.1, 0.5, 1.0])
  with jax.enable_x64(True):
    traj = np.asarray(q.sg_suboptimality(jnp.asarray(alphas), jnp.asarray(m), jnp.asarray(H),
                                         jnp.asarray(s), jnp.asarray(TH0), 60))
  for j, a in enumerate(alphas):
    np.testing.assert_allclose(traj[:, j], _sg_loop(a, m, s, 60), rtol=1e-12)


def test_polyak_trajectory_matches_loop():
  s = np.ones(5)
  alphas = np.array([1e-2, 5e-2])
  with jax.enable_x64(True):
    traj = np.asarray(q.polyak_suboptimality(jnp.asarray(alphas), 0.8, jnp.asarray(H),
                                             jnp.asarray(s), jnp.asarray(TH0), 80))
  for j, a in enumerate(alphas):
    np.testing.assert_allclose(traj[:, j], _polyak_loop(a, 0.8, s, 80), rtol=1e-12)
  # v₀ = 0: the first application of P leaves θ (hence Δ) unchanged.
  assert traj[1, 0] == traj[0, 0]


def test_stability_criteria_match_spectral_radius():
  rng = np.random.default_rng(0)
  for alpha in rng.uniform(0, 0.3, 40):
    rho = max(np.max(np.abs(np.linalg.eigvals(np.array([[1, -alpha], [h, 0.8 - alpha * h]]))))
              for h in H)
    assert bool(q.polyak_stable(alpha, jnp.asarray(H), 0.8)) == (rho < 1)
    assert bool(q.sg_stable(alpha, jnp.ones(5), jnp.asarray(H))) == bool(
        np.all(np.abs(1 - alpha * H) < 1))


def test_limits_match_long_recursions():
  s = np.array([1.0, 0.5, 2.0, 1.5, 0.1])
  with jax.enable_x64(True):
    sg = float(q.sg_limit(0.02, jnp.eye(5), jnp.diag(H), jnp.diag(s)))
    pk = float(q.polyak_limit(0.02, 0.8, jnp.diag(H), jnp.diag(s)))
  np.testing.assert_allclose(sg, _sg_loop(0.02, np.ones(5), s, 20000)[-1], rtol=1e-10)
  np.testing.assert_allclose(pk, _polyak_loop(0.02, 0.8, s, 20000)[-1], rtol=1e-10)
  # The binary-powering recursions of the checks give the same values.
  with jax.enable_x64(True):
    np.testing.assert_allclose(float(qc.polyak_second_moment(
        0.02, 0.8, jnp.asarray(H), jnp.asarray(s), jnp.asarray(TH0), 20000)), pk, rtol=1e-10)
    np.testing.assert_allclose(float(qc.sg_second_moment(
        0.02, jnp.ones(5), jnp.asarray(H), jnp.asarray(s), jnp.asarray(TH0), 37)),
        _sg_loop(0.02, np.ones(5), s, 37)[-1], rtol=1e-12)


def test_affine_power_matches_loop():
  rng = np.random.default_rng(1)
  a = rng.standard_normal((3, 3)) * 0.3
  b, z = rng.standard_normal(3), rng.standard_normal(3)
  ref = z.copy()
  for _ in range(13):
    ref = a @ ref + b
  with jax.enable_x64(True):
    np.testing.assert_allclose(np.asarray(qc.affine_power(jnp.asarray(a), jnp.asarray(b),
                                                          jnp.asarray(z), 13)), ref, rtol=1e-12)


def test_full_matrix_recursion_and_stationary_solution():
  rng = np.random.default_rng(2)
  Q = qc.rotation(rng, 4)
  Hm = Q @ np.diag([1.0, 2.0, 5.0, 9.0]) @ Q.T
  R = qc.rotation(rng, 4)
  S = R @ np.diag([0.3, 1.0, 2.0, 0.5]) @ R.T  # does not commute with H
  W = rng.standard_normal((4, 4))
  M = W @ W.T / 4 + 0.1 * np.eye(4)
  alpha = 0.5 / np.max(np.linalg.eigvals(M @ Hm).real)
  th0 = rng.standard_normal(4)
  with jax.enable_x64(True):
    mom = q.moment_recursion(alpha, jnp.asarray(M), jnp.asarray(Hm), jnp.asarray(S),
                             jnp.asarray(th0), 30)
    sig = np.asarray(q.stationary_covariance(alpha, jnp.asarray(M), jnp.asarray(Hm),
                                             jnp.asarray(S)))
    res = float(q.lyapunov_residual(alpha, M, Hm, S, sig))
    exact = float(q.stationary_suboptimality(alpha, M, Hm, S))
    form = float(q.sg_limit(alpha, jnp.asarray(M), jnp.asarray(Hm), jnp.asarray(S)))
  A = np.eye(4) - alpha * M @ Hm
  m, s2 = th0.copy(), np.outer(th0, th0)
  for t in range(31):
    np.testing.assert_allclose(np.asarray(mom.mean[t]), m, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(np.asarray(mom.second[t]), s2, rtol=1e-10, atol=1e-14)
    m, s2 = A @ m, A @ s2 @ A.T + alpha ** 2 * M @ S @ M.T
  fixed = np.zeros((4, 4))
  for _ in range(20000):
    fixed = A @ fixed @ A.T + alpha ** 2 * M @ S @ M.T
  np.testing.assert_allclose(sig, fixed, rtol=1e-9)
  assert res < 1e-12
  # Eq. (13) holds for any SPD M and S (B = M^½HM^½ diagonalises the recursion).
  np.testing.assert_allclose(exact, form, rtol=1e-10)


def test_prop2_bound_values():
  with jax.enable_x64(True):
    Hm, M = jnp.diag(jnp.asarray(H)), jnp.eye(5)
    bound, rate = q.prop2_bound(0.01, M, Hm, jnp.eye(5), 1.0, 27.5, jnp.arange(3.0))
  mu_m = 1 - 0.005 * 25  # λ_min(I − (α/2)H) = 1 − (α/2)·25
  np.testing.assert_allclose(float(rate), 0.01 * mu_m)
  np.testing.assert_allclose(np.asarray(bound), (1 - 2 * 0.01 * mu_m) ** np.arange(3) * 27.5
                             + 0.01 / (4 * mu_m) * H.sum())


def test_best_count_takes_first_hit_largest_alpha_and_skips_unstable():
  grid = np.array([1.0, 2.0, 3.0, 4.0])
  traj = np.array([[5.0, 5.0, 5.0, 5.0],
                   [3.0, 0.5, 0.9, 0.1],
                   [0.5, 0.4, 0.2, 0.1]])
  stable = np.array([True, True, True, False])
  assert tables.best_count(traj, stable, grid, 1.0) == (2, 3.0, 0.9)  # tie at t = 1: largest α
  assert tables.best_count(traj, stable, grid, 0.3) == (3, 3.0, 0.2)
  assert tables.best_count(traj, stable, grid, 0.01)[0] == -1


def test_trajectories_on_the_paper_problem_match_loops():
  """The paper's 20-d problem, a few step sizes, against numpy loops (spec §3.2 setup)."""
  h = np.arange(1, 21, dtype=np.float64) ** 2
  grid = np.array([1e-3, 4.5e-3])
  traj, stable = tables.trajectories("Polyak", -1, grid, 50)
  s = h ** -1.0 * 20 / np.sum(h ** -1.0)
  ref = []
  for a in grid:
    Z = np.zeros((20, 2, 2))
    Z[:, 0, 0] = 1.0
    out = []
    for _ in range(51):
      out.append(0.5 * np.sum(h * Z[:, 0, 0]))
      P = np.zeros((20, 2, 2))
      P[:, 0, 0], P[:, 0, 1], P[:, 1, 0], P[:, 1, 1] = 1, -a, h, 0.8 - a * h
      Z = P @ Z @ P.transpose(0, 2, 1)
      Z[:, 1, 1] += s
    ref.append(out)
  np.testing.assert_allclose(traj, np.asarray(ref).T, rtol=1e-12)
  assert stable.all()
