"""jastrzebski2017 theory checks (E0a–E0e) against float64 brute-force twins."""

from __future__ import annotations

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.integrate import quad

from noisecurv.papers.jastrzebski2017 import fisher_gap, gibbs, minibatch, ou

# -- E0a / E0b: stationary losses --------------------------------------------------------------

def _ou_variance_recursion(lam, eta, s, n):
  """Var zᵢ after n steps of z ← (1 − ηλ)z − ηε, ε ~ N(0, λ/S), from z = 0 (float64)."""
  v = np.zeros_like(lam)
  out = []
  for _ in range(n):
    v = (1 - eta * lam) ** 2 * v + eta**2 * lam / s
    out.append(v.copy())
  return np.array(out)


def test_ou_exact_is_the_fixed_point_of_the_variance_recursion():
  lam = ou.log_spectrum(7, 0.1, 1.0)
  for eta, s in ((0.5, 1.0), (0.9, 3.0), (1.5, 2.0)):
    v = _ou_variance_recursion(lam, eta, s, 4000)[-1]
    assert ou.ou_loss_exact(lam, eta, s) == pytest.approx(0.5 * np.sum(lam * v), rel=1e-10)
  # Eq. 9 is its small-η limit: the relative bias is ≈ ηλ/2 ≤ 5e-4 at ηλ_max = 1e-3
  assert ou.ou_loss_exact(lam, 1e-3, 1.0) == pytest.approx(ou.ou_loss_continuous(lam, 1e-3, 1.0),
                                                           rel=6e-4)
  with pytest.raises(ValueError):
    ou.ou_loss_exact(lam, 2.0, 1.0)


def test_ou_chains_match_the_exact_transient_time_average():
  lam = ou.log_spectrum(5, 0.1, 1.0)
  eta, s, n_burn, n_avg = 0.2, 2.0, 30, 40
  chains = ou.ou_chain_losses(jax.random.key(0), lam, eta, s, n_burn, n_avg, n_chains=4000)
  v = _ou_variance_recursion(lam, eta, s, n_burn + n_avg)[n_burn:]
  want = float(np.mean(0.5 * v @ lam))
  mean, se = ou.mean_se(chains)
  # Fixed key; the chains' expectation is exactly `want`, so only sampling error remains: 4 SE.
  assert abs(mean - want) < 4 * se


def _linreg_second_moment_mc(key, h, delta, s, sigma, n):
  """E[g gᵀ] of the minibatch gradient at offset δ by Monte Carlo (float64)."""
  rng = np.random.default_rng(key)
  x = rng.normal(size=(n, s, h.size)) * np.sqrt(h)
  xi = sigma * rng.normal(size=(n, s))
  g = np.einsum("nsd,ns->nd", x, x @ delta - xi) / s
  return g.T @ g / n


def test_linreg_isserlis_moment_and_fixed_point():
  h = np.array([0.3, 1.0, 2.0])
  delta = np.array([0.5, -1.0, 0.25])
  s, sigma = 2, 0.7
  mc = _linreg_second_moment_mc(0, h, delta, s, sigma, 400_000)
  hm, p = np.diag(h), np.outer(delta, delta)
  isserlis = (1 + 1 / s) * hm @ p @ hm + (np.trace(hm @ p) + sigma**2) * hm / s
  # 4e5 samples of a fourth-moment quantity: relative MC error ≈ 1e-2 on the largest entries.
  np.testing.assert_allclose(mc, isserlis, atol=0.04 * np.abs(isserlis).max())
  # the closed form is the fixed point of the full matrix recursion of P = E[δδᵀ]
  eta = 0.1
  pm = np.zeros((3, 3))
  for _ in range(20_000):
    egg = (1 + 1 / s) * hm @ pm @ hm + (np.trace(hm @ pm) + sigma**2) * hm / s
    pm = pm - eta * (hm @ pm + pm @ hm) + eta**2 * egg
  assert ou.linreg_excess_exact(h, eta, s, sigma**2) == pytest.approx(0.5 * np.trace(hm @ pm),
                                                                       rel=1e-9)


def test_linreg_chains_match_the_exact_value():
  h = ou.log_spectrum(4, 0.5, 1.0)
  eta, s = 0.2, 2
  chains = ou.linreg_chain_excess(jax.random.key(1), h, eta, 200, 2000, 1.0, n_chains=1000,
                                  batch_size=s)
  mean, se = ou.mean_se(chains)
  # Burn-in of 200 steps is 20 mixing times (1/(ηh_min) = 10): transient < e^{-40}; 4 SE.
  assert abs(mean - ou.linreg_excess_exact(h, eta, s)) < 4 * se


# -- E0c: minibatch covariance ----------------------------------------------------------------

def test_reference_covariance_by_enumeration():
  rng = np.random.default_rng(0)
  n, d, s = 6, 3, 2
  g = rng.normal(size=(n, d))
  k = np.cov(g, rowvar=False)  # 1/(N − 1), Eq. 7
  np.testing.assert_allclose(np.asarray(minibatch.sample_covariance(jnp.asarray(g, jnp.float32))),
                             k, rtol=1e-5, atol=1e-6)
  gbar = g.mean(0)

  def cov(batches):
    dev = np.array([g[list(b)].mean(0) - gbar for b in batches])
    return dev.T @ dev / len(dev)

  without = cov(itertools.combinations(range(n), s))
  with_rep = cov(itertools.product(range(n), repeat=s))
  np.testing.assert_allclose(minibatch.reference_covariance(k, s, n, False), without, rtol=1e-12)
  np.testing.assert_allclose(minibatch.reference_covariance(k, s, n, True), with_rep, rtol=1e-12)


def test_per_example_grads_loop_twin_and_sampled_covariance():
  x, y, w = minibatch.logistic_problem(jax.random.key(2), 40, 4)
  g = np.asarray(minibatch.per_example_grads(w, x, y), np.float64)
  with jax.enable_x64(True):
    x64, y64, w64 = (jnp.asarray(np.asarray(a), jnp.float64) for a in (x, y, w))
    grad = jax.jit(jax.grad(minibatch.logistic_loss))
    loop = np.stack([np.asarray(grad(w64, x64[i], y64[i])) for i in range(40)])
  np.testing.assert_allclose(g, loop, rtol=1e-5, atol=1e-6)
  k = np.cov(g, rowvar=False)
  est = {}
  for rep in (False, True):
    est[rep] = np.asarray(minibatch.minibatch_covariance(
        jax.random.key(3), jnp.asarray(g, jnp.float32), s=10, n_batches=20000, replace=rep))
    # 2e4 batches: relative Frobenius error of a d = 4 covariance ≈ √(2/2e4)·√d ≈ 2e-2.
    assert minibatch.relative_error(est[rep], minibatch.reference_covariance(k, 10, 40, rep)) < 0.05
  # without replacement the finite-population factor (1/S − 1/N) is 25% below 1/S: detected
  assert minibatch.relative_error(est[False], k / 10) > 0.15


# -- E0d: Gibbs double well -------------------------------------------------------------------

SPEC_WELL = gibbs.DoubleWell(8.0, 1.0, 0.1)


def test_barrier_and_basin_masses_by_adaptive_quadrature():
  thb = SPEC_WELL.barrier()
  ka, kb = 0.5 * 8 * (thb + 0.5) ** 2, 0.5 * (thb - 0.5) ** 2 + 0.1
  assert ka == pytest.approx(kb, abs=1e-12)
  assert SPEC_WELL.loss(thb) == pytest.approx(0.35, abs=0.01)  # the spec's barrier height
  for t, exponent, c in ((0.2, "corrected", 2.0), (0.3, "paper", 0.5)):
    dens = lambda th, c=c, t=t: np.exp(-c * SPEC_WELL.loss(th) / t)
    a = quad(dens, -np.inf, thb, epsabs=1e-13)[0]
    b = quad(dens, thb, np.inf, epsabs=1e-13)[0]
    # the grid splits at the nearest point to the cusp: error ≤ spacing (4e-5) × density there
    assert gibbs.basin_masses(SPEC_WELL, t, exponent)[0] == pytest.approx(a / (a + b), abs=1e-5)


def test_spec_occupancies_and_laplace_ratio():
  # spec E0d: 0.723 / 0.492 / 0.412 (exp(−2L/T)) and 0.375 / 0.324 / 0.313 (paper's law)
  for t, want, want_paper in ((0.1, 0.723, 0.375), (0.2, 0.492, 0.324), (0.3, 0.412, 0.313)):
    assert gibbs.basin_masses(SPEC_WELL, t)[0] == pytest.approx(want, abs=1e-3)
    assert gibbs.basin_masses(SPEC_WELL, t, "paper")[0] == pytest.approx(want_paper, abs=1e-3)
  well = gibbs.DoubleWell(20.0, 1.0, 0.02)
  for t in (0.005, 0.02):
    pa, pb = gibbs.basin_masses(well, t)
    assert gibbs.laplace_ratio(well, t) == pytest.approx(pa / pb, rel=1e-3)
  assert gibbs.laplace_ratio(well, 0.02, "paper") == pytest.approx(
      np.sqrt(1 / 20) * np.exp(0.5 * 0.02 / 0.02), rel=1e-12)


def test_occupancy_chains_symmetric_wells_and_sgd_noise_law():
  well = gibbs.DoubleWell(1.0, 1.0, 0.0)  # symmetric: occupancy ½ by symmetry
  occ = gibbs.occupancy_chains(jax.random.key(4), well, 1e-2, float(np.sqrt(0.5 * 1e-2)), 4000,
                               1000, 0.5, n_chains=256)
  mean, se = ou.mean_se(occ)
  assert abs(mean - 0.5) < 4 * se + 0.02
  # without noise the chains stay in the well they start in (the SGD path, S = 4)
  for theta0, want in ((0.5, 0.0), (-0.5, 1.0)):
    occ = gibbs.occupancy_chains(jax.random.key(5), SPEC_WELL, 1e-2, 0.0, 200, 50, theta0,
                                 n_chains=4, batch_size=4)
    np.testing.assert_array_equal(np.asarray(occ), want)


# -- E0e: covariance vs Hessian ---------------------------------------------------------------

def test_gap_metrics_match_the_numpy_closed_form():
  x, y, _ = fisher_gap.logistic_problem(jax.random.key(5), 800, 5, 3.0)
  w_hat = fisher_gap.newton_mle(x, y, 15)
  assert float(jnp.linalg.norm(jax.grad(fisher_gap.mean_loss)(w_hat, x, y))) < 1e-4
  with jax.enable_x64(True):
    x64, y64, w64 = (jnp.asarray(np.asarray(a), jnp.float64) for a in (x, y, w_hat))
    h64 = np.asarray(jax.hessian(fisher_gap.mean_loss)(w64, x64, y64))
  np.testing.assert_allclose(np.asarray(fisher_gap.hessian_dense(w_hat, x, y)), h64, rtol=1e-4,
                             atol=1e-6)
  for w in (w_hat, w_hat + 0.5, 2 * w_hat):
    m = fisher_gap.gap_metrics(w, x, y)
    assert float(m["gap"]) == pytest.approx(fisher_gap.numpy_gap(np.asarray(w), np.asarray(x),
                                                                 np.asarray(y)), rel=2e-4)
