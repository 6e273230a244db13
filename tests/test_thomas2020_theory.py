"""thomas2020 Prop. 1 toy and Examples 1–2 against float64 brute force.

The χ² toy's H, F, C are rebuilt by other routes: H as one `jax.hessian` of the expected loss,
F as Σₓ p(x) Jᵀ(diag q − qqᵀ)J with the logits' Jacobian, C as a Python loop of `jax.grad`, and
both divergences by explicit loops.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.flatten_util import ravel_pytree

from noisecurv.papers.thomas2020 import chi2, examples


@functools.lru_cache(maxsize=1)
def toy_and_matrices():
  x, teacher, p_t, p_pert = chi2.toy(3, n_points=6)
  theta = chi2.init_mlp(np.random.default_rng(5))
  with jax.enable_x64(True):
    m = jax.device_get(jax.jit(chi2.matrices)(theta, x, p_pert))
    at_t = jax.device_get(jax.jit(chi2.matrices)(teacher, x, p_t))
  return x, theta, p_pert, m, at_t


def test_matrices_match_independent_routes():
  x, theta, p, m, _ = toy_and_matrices()
  n, k = p.shape
  with jax.enable_x64(True):
    flat, unravel = ravel_pytree(jax.tree.map(jnp.asarray, theta))
    xs = jnp.asarray(x)
    logq = lambda t: jax.nn.log_softmax(chi2.logits(unravel(t), xs), -1)
    # Each route jitted once (op-by-op dispatch of the loop would dominate the test's time).
    h_ref = np.asarray(jax.jit(jax.hessian(lambda t: -jnp.sum(jnp.asarray(p) * logq(t)) / n))(
        flat))
    jac = np.asarray(jax.jit(jax.jacobian(lambda t: chi2.logits(unravel(t), xs)))(flat))
    q = np.exp(np.asarray(logq(flat)))
    grad_iy = jax.jit(jax.grad(lambda t, i, y: -logq(t)[i, y]))
    c_ref = np.zeros((flat.size, flat.size))
    for i in range(n):
      for y in range(k):
        g = np.asarray(grad_iy(flat, i, y))
        c_ref += p[i, y] * np.outer(g, g) / n
  f_ref = sum(jac[i].T @ (np.diag(q[i]) - np.outer(q[i], q[i])) @ jac[i] for i in range(n)) / n
  np.testing.assert_allclose(m["H"], h_ref, rtol=1e-10, atol=1e-12)
  np.testing.assert_allclose(m["F"], f_ref, rtol=1e-10, atol=1e-12)
  np.testing.assert_allclose(m["F_hess"], f_ref, rtol=1e-10, atol=1e-12)  # E_q[∇²ℓ] = F
  np.testing.assert_allclose(m["C"], c_ref, rtol=1e-10, atol=1e-12)
  fwd = sum((p[i, y] - q[i, y]) ** 2 / q[i, y] for i in range(n) for y in range(k)) / n
  bwd = sum((p[i, y] - q[i, y]) ** 2 / p[i, y] for i in range(n) for y in range(k)) / n
  np.testing.assert_allclose(float(m["chi2_fwd"]), fwd, rtol=1e-12)
  np.testing.assert_allclose(float(m["chi2_bwd"]), bwd, rtol=1e-12)


def test_bounds_hold_and_teacher_agrees():
  *_, m, at_t = toy_and_matrices()
  b = chi2.bound_checks(m)
  assert b["chi2_fwd"] > 0.01  # a real divergence, not a vacuous check
  for k, v in b.items():
    if "margin" in k and "stated" not in k:
      assert v >= 0, (k, v)
  assert max(np.max(np.abs(at_t[a] - at_t[c])) for a, c in (("F", "H"), ("F", "C"))) < 1e-12
  assert float(at_t["chi2_fwd"]) < 1e-24


def test_prop1_program_values_small():
  res = chi2.prop1(0, n_random=3, n_trained=3, max_steps=20)
  assert len(res["rows"]) == 12
  assert {r["steps"] for r in res["rows"]} == {0, 3, 7, 20}
  assert res["teacher_max_abs_diff"] < 1e-10


def test_example1_exact_and_not_converging_to_identity():
  rows = examples.example1(sizes=(50, 20_000))
  for r in rows:
    assert r["c_minus_cov"] < 1e-12 and r["h_minus_i"] < 1e-12 and r["f_minus_i"] < 1e-12
  # ‖C − I‖_F → √284 = 16.85 (σ² = 1, 2, 4, 8, 16); at N = 2·10⁴ the sampling error of Σ̂₅₅ is
  # 16·√(2/N) ≈ 0.16, so 2% is about 2 standard errors.
  np.testing.assert_allclose(rows[-1]["limit"], np.sqrt(284.0))
  assert abs(rows[-1]["c_minus_i_fro"] - np.sqrt(284.0)) / np.sqrt(284.0) < 0.02


@pytest.mark.parametrize("n", [40_000])
def test_example2_h_equals_f_and_similarity(n):
  rows = {r["sigma"]: r for r in examples.example2(n=n)}
  for r in rows.values():
    assert r["h_minus_f"] < 1e-12
  # Sampling error of C at N = 4·10⁴ is ~1%: tolerances a few times that.
  assert rows["isotropic"]["c_minus_s2h_rel"] < 0.05
  np.testing.assert_allclose(rows["anisotropic"]["s_ch_theory"],
                             11.1 / (np.sqrt(3) * np.sqrt(101.01)), rtol=1e-12)
  assert abs(rows["anisotropic"]["s_ch"] - rows["anisotropic"]["s_ch_theory"]) < 0.03
