"""Hutchinson/Hutch++ traces, diagonals, Frobenius norms (statistical tests with fixed keys),
conjugate gradients and eigen-cutoff pseudo-inverses against numpy float64."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from noisecurv.curvature import solve, trace

D, P = 24, 4000


def _spd(d, seed, decay=None):
  rng = np.random.default_rng(seed)
  q, _ = np.linalg.qr(rng.standard_normal((d, d)))
  lam = rng.uniform(0.1, 2.0, d) if decay is None else decay ** np.arange(d)
  return (q * lam) @ q.T


@pytest.fixture(scope="module")
def estimates():
  """Every randomised estimator on A and B (24×24, float64) in one compiled program."""
  a, b = _spd(D, 0), _spd(D, 1)
  key = jax.random.PRNGKey(0)
  with jax.enable_x64(True):

    @jax.jit
    def run(a, b):
      ma, mb = (lambda v: a @ v), (lambda v: b @ v)
      kw = dict(dtype=jnp.float64, batch_size=1000)
      return {
          "tr": trace.hutchinson(ma, key, D, P, **kw),
          "tr_gauss": trace.hutchinson(ma, key, D, P, dist="gaussian", **kw),
          "diag": trace.hutchinson_diagonal(ma, key, D, P, **kw),
          "fro": trace.frobenius_sq(ma, key, D, P, **kw),
          "both": trace.trace_and_frobenius(ma, key, D, P, **kw),
          "prod": trace.trace_product(ma, mb, key, D, P, **kw),
          "tr_diag": trace.hutchinson(lambda v: jnp.diag(a) * v, key, D, 3, dtype=jnp.float64),
      }

    out = jax.tree.map(np.asarray, run(jnp.asarray(a), jnp.asarray(b)))
  return a, b, out


def _within(est, exact, k=4.0):
  """|estimate − exact| ≤ k standard errors (a z-test; the fixed key makes it deterministic)."""
  assert np.all(np.abs(est.value - exact) <= k * est.stderr), (est.value, exact, est.stderr)


def test_hutchinson_trace_and_its_standard_error(estimates):
  a, _, out = estimates
  _within(out["tr"], np.trace(a))
  _within(out["tr_gauss"], np.trace(a))
  # Var(vᵀAv) is 2Σ_{i≠j} aᵢⱼ² for Rademacher v and 2‖A‖²_F for Gaussian v; with P = 4000
  # the sample SE is within ~5% of its expectation, so 15% is a safe bound.
  off = np.sum(a**2) - np.sum(np.diag(a) ** 2)
  np.testing.assert_allclose(out["tr"].stderr, np.sqrt(2 * off / P), rtol=0.15)
  np.testing.assert_allclose(out["tr_gauss"].stderr, np.sqrt(2 * np.sum(a**2) / P), rtol=0.15)
  # Rademacher probes are exact on a diagonal matrix: vᵀDv = Tr D for every v.
  np.testing.assert_allclose(out["tr_diag"].value, np.trace(a), rtol=1e-12)
  np.testing.assert_allclose(out["tr_diag"].stderr, 0.0, atol=1e-12)


def test_diagonal_frobenius_and_trace_product(estimates):
  a, b, out = estimates
  _within(out["diag"], np.diag(a), k=5.0)  # 24 entries: 5 SE keeps the family-wise level tiny
  _within(out["fro"], np.sum(a**2))
  _within(out["prod"], np.trace(a @ b))
  tr, fro = out["both"]  # same key, same probes: identical to the separate estimators
  np.testing.assert_allclose(tr.value, out["tr"].value, rtol=1e-12)
  np.testing.assert_allclose(fro.value, out["fro"].value, rtol=1e-12)


def test_hutchpp_exact_on_low_rank_and_better_on_decaying_spectra():
  q, _ = np.linalg.qr(np.random.default_rng(3).standard_normal((D, 5)))
  low = (q * np.arange(1.0, 6.0)) @ q.T  # rank 5 < sketch size 10
  fast = _spd(D, 4, decay=0.6)
  key = jax.random.PRNGKey(1)
  with jax.enable_x64(True):

    @jax.jit
    def run(a):
      mv = lambda v: a @ v
      return (trace.hutchpp(mv, key, D, 30, dtype=jnp.float64),
              trace.hutchinson(mv, key, D, 30, dtype=jnp.float64))

    pp_low, _ = jax.tree.map(np.asarray, run(jnp.asarray(low)))
    pp, hutch = jax.tree.map(np.asarray, run(jnp.asarray(fast)))
  np.testing.assert_allclose(pp_low.value, np.trace(low), rtol=1e-10)  # range fully sketched
  np.testing.assert_allclose(pp.value, np.trace(fast), atol=4 * float(pp.stderr))
  assert pp.stderr < 0.2 * hutch.stderr  # deflation removes the dominant directions


def test_conjugate_gradients():
  a = _spd(D, 5)
  b = np.random.default_rng(6).standard_normal(D)
  with jax.enable_x64(True):
    run = jax.jit(lambda a, b, damp: solve.cg(lambda v: a @ v, b, tol=1e-12, maxiter=200,
                                              damping=damp))
    res = run(jnp.asarray(a), jnp.asarray(b), 0.0)
    damped = run(jnp.asarray(a), jnp.asarray(b), 0.5)
  np.testing.assert_allclose(res.x, np.linalg.solve(a, b), rtol=1e-9)
  np.testing.assert_allclose(damped.x, np.linalg.solve(a + 0.5 * np.eye(D), b), rtol=1e-9)
  assert int(res.iterations) <= 3 * D and float(res.residual_norm) < 1e-10 * np.linalg.norm(b)


def test_eigen_cutoff_pseudo_inverse():
  """TIC's A⁺_τ: keep λᵢ > τλ_max (negative ones too small by construction), 1/λᵢ there."""
  rng = np.random.default_rng(7)
  q, _ = np.linalg.qr(rng.standard_normal((D, D)))
  lam = np.concatenate([[5.0, 2.0, 1e-2, 4e-3], np.full(D - 6, 1e-4), [-1e-3, -0.5]])
  bmat = _spd(D, 8)
  g = rng.standard_normal((9, D))
  tau = 1e-3  # cut at 5e-3: keeps 5, 2, 1e-2; drops 4e-3, 1e-4 and the negatives
  keep = lam > tau * lam.max()
  pinv = (q[:, keep] / lam[keep]) @ q[:, keep].T
  with jax.enable_x64(True):
    w, u = jnp.asarray(lam), jnp.asarray(q)
    tr, k = solve.trace_pinv_product(w, u, jnp.asarray(bmat), tau)
    tr_g, k_g = solve.trace_pinv_gram(w, u, jnp.asarray(g), tau)
    p = solve.pinv_dense(w, u, tau)
    x = solve.pinv_solve(w, u, jnp.asarray(bmat[0]), tau)
    mask = np.asarray(solve.cutoff_mask(w, tau))
  assert int(k) == int(k_g) == 3
  np.testing.assert_allclose(p, pinv, rtol=1e-10, atol=1e-12)
  np.testing.assert_allclose(tr, np.trace(pinv @ bmat), rtol=1e-10)
  np.testing.assert_allclose(tr_g, np.trace(pinv @ (g.T @ g / 9)), rtol=1e-10)
  np.testing.assert_allclose(x, pinv @ bmat[0], rtol=1e-10)
  np.testing.assert_array_equal(mask, keep)
