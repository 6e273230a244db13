"""Power iteration, Lanczos and SLQ on matrices with known spectra and on a real Hessian."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax.flatten_util import ravel_pytree

from noisecurv.curvature import operators, spectral


def _sym(eigvals, seed=0):
  """Q diag(λ) Qᵀ with a random orthogonal Q (numpy float64): a quadratic's known spectrum."""
  d = len(eigvals)
  q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((d, d)))
  return (q * np.asarray(eigvals, np.float64)) @ q.T, q


def _start(d, seed=1):
  return np.random.default_rng(seed).standard_normal(d)


@jax.jit
def _lanczos_dense(a, v):
  """Lanczos on a dense matrix passed as an argument: one compile per shape, shared by tests."""
  return spectral.lanczos(lambda x: a @ x, v, 12)


def test_full_lanczos_recovers_spectrum_and_basis():
  lam = np.linspace(-2.0, 5.0, 30)
  a, _ = _sym(lam)
  with jax.enable_x64(True):
    am = jnp.asarray(a)
    res = jax.jit(lambda v: spectral.lanczos(lambda x: am @ x, v, 40))(jnp.asarray(_start(30)))
  assert res.alphas.shape == (30,) and res.betas.shape == (29,)  # m = min(num_steps, d)
  np.testing.assert_allclose(np.sort(res.eigvals), lam, atol=1e-10)
  v = np.asarray(res.basis)
  np.testing.assert_allclose(v @ v.T, np.eye(30), atol=1e-12)  # full reorthogonalisation
  t = np.diag(res.alphas) + np.diag(res.betas, 1) + np.diag(res.betas, -1)
  np.testing.assert_allclose(v @ a @ v.T, t, atol=1e-10)  # T = VAVᵀ


def test_lanczos_top_k_pairs_descending():
  lam = np.concatenate([[10.0, 8.0, 6.0], np.linspace(0.0, 1.0, 57)])
  a, q = _sym(lam, seed=2)
  with jax.enable_x64(True):
    am = jnp.asarray(a)
    w, vecs = spectral.lanczos_top_k(lambda x: am @ x, jnp.asarray(_start(60)), 25, 3)
  np.testing.assert_allclose(w, [10.0, 8.0, 6.0], rtol=1e-10)
  np.testing.assert_allclose(np.abs(np.sum(np.asarray(vecs) * q[:, :3].T, 1)), 1.0, atol=1e-8)


def test_float32_matvec_with_x64_off_under_jit_and_vmap():
  """The probe setting: x64 disabled, float32 operator, ensemble vmap; bookkeeping float64."""
  lam = np.concatenate([[4.0, 3.0], np.linspace(0.0, 1.0, 38)])
  a, _ = _sym(lam, seed=3)
  am = jnp.asarray(a, jnp.float32)
  mv = lambda x: am @ x
  v0 = jnp.asarray(np.stack([_start(40, 4), _start(40, 5)]), jnp.float32)
  res, (w, vecs) = jax.jit(jax.vmap(
      lambda v: (spectral.lanczos(mv, v, 20), spectral.lanczos_top_k(mv, v, 20, 2))))(v0)
  assert res.alphas.dtype == res.basis.dtype == jnp.float64
  np.testing.assert_allclose(res.eigvals[:, -1], 4.0, rtol=1e-5)
  assert w.dtype == vecs.dtype == jnp.float32 and vecs.shape == (2, 2, 40)
  np.testing.assert_allclose(w, [[4.0, 3.0]] * 2, rtol=1e-5)
  # A jitted function vmapped afterwards re-batches its jaxpr outside the float64 scope: the
  # region's custom_vmap rule re-traces the Python code instead, so this must work too.
  top = jax.jit(lambda s, v: spectral.power_iteration(lambda x: s * (am @ x), v, 60)[0])
  w2 = jax.vmap(top)(jnp.asarray([1.0, 2.0], jnp.float32), v0)
  np.testing.assert_allclose(w2, [4.0, 8.0], rtol=1e-4)


def test_lanczos_breakdown_rank_deficient_and_identity():
  """Invariant Krylov spaces (β = 0): restarts keep T block diagonal, no NaN, exact eigenvalues."""
  q, _ = np.linalg.qr(np.random.default_rng(6).standard_normal((20, 3)))
  low_rank = (q * [3.0, 2.0, 1.0]) @ q.T
  with jax.enable_x64(True):
    for a, expect in ((low_rank, [3.0, 2.0, 1.0] + [0.0] * 9), (np.eye(20), [1.0] * 12)):
      res = _lanczos_dense(jnp.asarray(a), jnp.asarray(_start(20)))
      assert np.all(np.isfinite(res.eigvals))
      np.testing.assert_allclose(np.sort(res.eigvals)[::-1], expect, atol=1e-10)
      v = np.asarray(res.basis)
      np.testing.assert_allclose(v @ v.T, np.eye(12), atol=1e-10)


def test_power_iteration_converges_and_keeps_sign():
  lam = np.concatenate([[5.0, 2.5], np.linspace(-1.0, 1.0, 18)])
  a, q = _sym(lam, seed=7)
  with jax.enable_x64(True):
    am = jnp.asarray(a)
    v0 = jnp.asarray(_start(20))
    w, v = spectral.power_iteration(lambda x: am @ x, v0, 60)
    hist = spectral.power_iteration_history(lambda x: am @ x, v0, 60)
    w_neg, _ = spectral.power_iteration(lambda x: -am @ x, v0, 60)
  # Error of the Rayleigh quotient decays like (λ₂/λ₁)^{2t} = 4^{-t}.
  np.testing.assert_allclose(w, 5.0, rtol=1e-12)
  np.testing.assert_allclose(abs(np.dot(v, q[:, 0])), 1.0, atol=1e-12)
  np.testing.assert_allclose(w_neg, -5.0, rtol=1e-12)
  err = np.abs(np.asarray(hist) - 5.0)
  assert hist.shape == (60,) and err[10] < 1e-4 * err[0]


def test_lanczos_on_mlp_hessian_matches_dense_eigh():
  """The full pipeline: linearized H·v of a float32 MLP, flat matvec, float64 Lanczos."""
  rng = np.random.default_rng(8)
  shapes = {"w1": (3, 4), "b1": (4,), "w2": (4, 3), "b2": (3,)}
  params = {k: jnp.asarray(rng.standard_normal(s), jnp.float32) for k, s in shapes.items()}
  xs, ys = jnp.asarray(rng.standard_normal((16, 3)), jnp.float32), jnp.arange(16) % 3

  def loss(p):
    f = jnp.tanh(xs @ p["w1"] + p["b1"]) @ p["w2"] + p["b2"]
    return jnp.mean(optax.softmax_cross_entropy_with_integer_labels(f, ys))

  theta, unravel = ravel_pytree(params)
  with jax.enable_x64(True):
    t64 = theta.astype(jnp.float64)
    h64 = jax.jit(jax.hessian(lambda t: loss(unravel(t))))(t64)
  ref = np.linalg.eigvalsh(np.asarray(h64))[::-1]

  @jax.jit
  def top3(v):
    matvec = operators.flat(operators.hessian_op(loss, params), params)[0]
    return spectral.lanczos_top_k(matvec, v, 31, 3)

  w, _ = top3(jnp.ones_like(theta))
  np.testing.assert_allclose(w, ref[:3], rtol=2e-5)  # float32 products, float64 recursion


def test_slq_is_exact_gauss_quadrature_at_full_steps():
  """With m = d steps the quadrature is exact: d·Σᵢ wᵢ f(θᵢ) = vᵀf(A)v for each probe v."""
  lam = np.linspace(0.1, 3.0, 12)
  a, _ = _sym(lam, seed=9)
  key = jax.random.PRNGKey(0)
  grid = np.linspace(-1.0, 4.0, 2001)
  with jax.enable_x64(True):
    am = jnp.asarray(a)

    @jax.jit
    def run():
      res = spectral.slq(lambda x: am @ x, key, 12, 4, 12, dtype=jnp.float64, batch_size=2)
      vs = jax.random.rademacher(key, (4, 12), dtype=jnp.float64)  # the probes slq draws
      return res.nodes, res.weights, vs, res.density(jnp.asarray(grid), 0.05)

    nodes, weights, vs, dens = map(np.asarray, run())
  np.testing.assert_allclose(weights.sum(1), 1.0, atol=1e-12)
  for f, fa in ((lambda x: x, a), (lambda x: x**2, a @ a)):
    quad = 12 * np.sum(weights * f(nodes), 1)
    np.testing.assert_allclose(quad, np.einsum("pi,ij,pj->p", vs, fa, vs), rtol=1e-10)
  np.testing.assert_allclose(np.trapezoid(dens, grid), 1.0, atol=1e-6)


def test_top_ritz_by_step_increases_to_the_top_eigenvalue():
  lam = np.linspace(0.0, 2.0, 25)
  a, _ = _sym(lam, seed=10)
  with jax.enable_x64(True):
    am = jnp.asarray(a)
    res = spectral.lanczos(lambda x: am @ x, jnp.asarray(_start(25)), 25, keep_basis=False)
  assert res.basis is None
  top = spectral.top_ritz_by_step(res.alphas, res.betas)
  assert np.all(np.diff(top) >= -1e-12)  # Cauchy interlacing: the top Ritz value never drops
  np.testing.assert_allclose(top[-1], 2.0, rtol=1e-12)
