"""zhu2019 E12 (Eq. 13, Prop. 1, App. B) and the 2-D toy's geometry against brute-force twins."""

from __future__ import annotations

import math

import jax
import numpy as np
import pytest
from scipy.integrate import quad_vec

from noisecurv.papers.zhu2019 import theory, toy


def _problem():
  return theory.ou_problem(0, 4, 0.1, 10.0)


def test_ou_exact_is_the_integral_of_the_ou_covariance():
  # Cov θ_t = ∫₀ᵗ e^{−Hs} Σ e^{−Hs} ds (H diagonal), E L = ½ Tr(H Cov θ_t).
  lam, sigma = _problem()
  for t in (0.01, 0.3, 2.0):
    cov, _ = quad_vec(lambda s: np.outer(np.exp(-lam * s), np.exp(-lam * s)) * sigma, 0.0, t,
                      epsabs=1e-13, epsrel=1e-11)
    assert theory.ou_escape_exact(lam, sigma, t) == pytest.approx(
        0.5 * np.sum(lam * np.diag(cov)), rel=1e-9)


def test_ou_euler_matches_the_covariance_recursion():
  lam, sigma = _problem()
  dt, n = 1e-2, 37
  a = np.diag(1.0 - lam * dt)
  cov = np.zeros_like(sigma)
  for _ in range(n):
    cov = a @ cov @ a.T + dt * sigma
  assert theory.ou_escape_euler(lam, sigma, dt, n) == pytest.approx(
      0.5 * np.sum(lam * np.diag(cov)), rel=1e-12)
  # and it tends to the continuous value as dt -> 0 (bias O(λ·dt))
  fine = theory.ou_escape_euler(lam, sigma, 1e-5, 100_000)
  assert fine == pytest.approx(theory.ou_escape_exact(lam, sigma, 1.0), rel=1e-4)


def test_ou_monte_carlo_agrees_with_the_exact_discrete_chain():
  lam, sigma = _problem()
  mean, se = theory.ou_monte_carlo(jax.random.key(3), lam, sigma, 1e-2, (5, 40), 4000)
  for m, s, n in zip(mean, se, (5, 40)):
    # Fixed key; the discrete chain's mean is exact, so only sampling error remains: 4 SE.
    assert abs(m - theory.ou_escape_euler(lam, sigma, 1e-2, n)) < 4 * s


def test_prop1_ratio_matches_dense_matrices():
  for dim, d in ((7, 0.75), (50, 0.9)):
    lam = np.full(dim, dim ** (-d))
    lam[0] = 1.0
    h = np.diag(lam)
    sigma = 3.0 * h  # Σ ∝ H
    sigma_bar = np.trace(sigma) / dim * np.eye(dim)
    brute = np.trace(h @ sigma) / np.trace(h @ sigma_bar)
    assert theory.prop1_ratio(dim, d) == pytest.approx(brute, rel=1e-12)


def test_prop1_slopes_approach_2d_minus_1():
  assert theory.loglog_slope(0.75, 1e6, 1e8) == pytest.approx(0.509, abs=2e-3)
  assert theory.loglog_slope(0.9, 1e6, 1e8) == pytest.approx(0.833, abs=2e-3)


def test_appendix_b_values():
  f = lambda a, b: float(theory.appendix_b_loss(np.float32(a), np.float32(b)))
  assert f(1, 0) == pytest.approx(0.01, abs=1e-7)
  assert f(0, 1) == pytest.approx(0.81, abs=1e-6)
  assert f(0.5, 0.5) == pytest.approx(0.81, abs=1e-6)
  assert 0.5 * (f(1, 0) + f(0, 1)) < f(0.5, 0.5)


def test_toy_boundary_and_basins():
  assert toy.boundary_distance() == pytest.approx(2 * math.sqrt(2) / 11, abs=1e-12)
  assert toy.in_sharp_basin(np.array([1.0, 1.0]))
  assert not toy.in_sharp_basin(np.array([-1.0, -1.0]))
  # just past the boundary along the diagonal the flat branch wins
  assert not toy.in_sharp_basin(np.array([1.0, 1.0]) - 0.26 * toy.Q)


def test_toy_spread_ratio_and_in_basin_median():
  rng = np.random.default_rng(0)
  n = 20000
  # iterates (1, 1) + 0.05·u·q + 0.02·v·p: spread ratio 2.5 (a brute-force twin of the stds)
  traj = 1.0 + 0.05 * rng.standard_normal((n, 1)) * toy.Q + 0.02 * rng.standard_normal((n, 1)) \
      * toy.P
  assert toy.spread_ratio(traj) == pytest.approx(2.5, rel=0.03)
  vals = np.arange(4.0)
  traj4 = np.array([[1.0, 1.0], [-1.0, -1.0], [1.01, 0.99], [-0.9, -1.1]])
  assert toy.in_basin_median(vals, traj4) == pytest.approx(1.0)  # median of 0 and 2
