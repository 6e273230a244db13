"""Dense decompositions one matrix at a time: values, derivatives, no batched CPU LAPACK call."""

from __future__ import annotations

import pathlib
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from noisecurv.curvature import lapack

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "noisecurv"
DECOMPOSITIONS = r"jnp\.linalg\.(eig|eigh|eigvals|eigvalsh|qr|svd|solve|slogdet|det|inv|pinv|" \
                 r"cholesky|lstsq|matrix_rank|matrix_power|cond|tensorsolve|tensorinv)\("


def _all(a, b):
  return {"eigh": lapack.eigh(a), "eigvalsh": lapack.eigvalsh(a), "qr": lapack.qr(a[:, :3]),
          "svdvals": lapack.svdvals(a), "solve": lapack.solve(a + 6 * jnp.eye(a.shape[0]), b),
          "slogdet": lapack.slogdet(a + 6 * jnp.eye(a.shape[0]))}


_batched = jax.jit(jax.vmap(jax.vmap(_all)))


def _reference(a, b):
  """numpy float64, one matrix at a time."""
  w, v = np.linalg.eigh(0.5 * (a + a.T))
  q, r = np.linalg.qr(a[:, :3])
  shifted = a + 6 * np.eye(a.shape[0])
  return {"eigh": (w, v), "eigvalsh": w, "qr": (q, r),
          "svdvals": np.linalg.svd(a, compute_uv=False), "solve": np.linalg.solve(shifted, b),
          "slogdet": np.linalg.slogdet(shifted)}


def _lapack_operands(fn, *args) -> list[tuple[str, str]]:
  """(kernel, operand types) of every LAPACK custom call in fn's lowered CPU program."""
  txt = jax.jit(fn).lower(*args).as_text()
  return re.findall(r"custom_call @(lapack_\w+)\([^)]*\).*?: \(([^)]*)\) ->", txt)


def _max_rank(types: str) -> int:
  return max(t.count("x") for t in re.findall(r"tensor<([^>]*)>", types))


def test_batched_values_match_float64_reference():
  with jax.enable_x64(True):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 3, 5, 5)), rng.standard_normal((2, 3, 5))
    out = _batched(a, b)
    for i in range(2):
      for j in range(3):
        ref = _reference(a[i, j], b[i, j])
        got = jax.tree.map(lambda x, i=i, j=j: np.asarray(x[i, j]), out)
        np.testing.assert_allclose(got["eigh"][0], ref["eigh"][0], atol=1e-12)
        np.testing.assert_allclose(np.abs(got["eigh"][1]), np.abs(ref["eigh"][1]), atol=1e-10)
        np.testing.assert_allclose(got["eigvalsh"], ref["eigvalsh"], atol=1e-12)
        np.testing.assert_allclose(got["qr"][0] @ got["qr"][1], a[i, j][:, :3], atol=1e-12)
        np.testing.assert_allclose(np.abs(got["qr"][1]), np.abs(ref["qr"][1]), atol=1e-12)
        np.testing.assert_allclose(got["svdvals"], ref["svdvals"], atol=1e-12)
        np.testing.assert_allclose(got["solve"], ref["solve"], atol=1e-12)
        np.testing.assert_allclose(got["slogdet"], ref["slogdet"], atol=1e-12)


def test_cpu_program_has_no_batched_lapack_call():
  """Under two vmaps every LAPACK kernel still sees one matrix (rank ≤ 2 operands); the
  jnp.linalg route batches them (rank 4), which is what deadlocked the CPU thread pool."""
  a, b = jnp.ones((2, 3, 5, 5)), jnp.ones((2, 3, 5))
  ours = _lapack_operands(jax.vmap(jax.vmap(_all)), a, b)
  kernels = {k for k, _ in ours}
  assert {"lapack_ssyevd_ffi", "lapack_sgeqrf_ffi", "lapack_sgesdd_ffi",
          "lapack_sgetrf_ffi"} <= kernels, kernels
  assert all(_max_rank(t) <= 2 for _, t in ours), ours
  plain = _lapack_operands(jax.vmap(jax.vmap(jnp.linalg.eigh)), a)
  assert plain and all(_max_rank(t) == 4 for _, t in plain), plain


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_eigh_derivatives_match_jnp(mode):
  with jax.enable_x64(True):
    a = np.random.default_rng(1).standard_normal((3, 4, 4))

    def loss(eig):
      return lambda m: (eig(m)[0] ** 3).sum() + (eig(m)[1][:, -1] ** 4).sum()

    ours, ref = loss(lapack.eigh), loss(jnp.linalg.eigh)
    ours_w = lambda m: (lapack.eigvalsh(m) ** 3).sum()  # noqa: E731
    ref_w = lambda m: (jnp.linalg.eigvalsh(m) ** 3).sum()  # noqa: E731
    if mode == "grad":
      np.testing.assert_allclose(jax.vmap(jax.grad(ours_w))(a), jax.vmap(jax.grad(ref_w))(a),
                                 rtol=1e-10, atol=1e-10)
    if mode == "grad":
      got, want = jax.vmap(jax.grad(ours))(a), jax.vmap(jax.grad(ref))(a)
    else:
      t = np.ones_like(a)
      got = jax.vmap(lambda m, t: jax.jvp(ours, (m,), (t,))[1])(a, t)
      want = jax.vmap(lambda m, t: jax.jvp(ref, (m,), (t,))[1])(a, t)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)


def test_rejects_a_batch_without_vmap():
  with pytest.raises(ValueError, match="vmap it"):
    lapack.eigh(jnp.ones((2, 3, 3)))


def test_package_calls_decompositions_only_through_lapack():
  offenders = [f"{p.relative_to(PACKAGE.parent)}:{i}" for p in sorted(PACKAGE.rglob("*.py"))
               if p.name != "lapack.py"
               for i, line in enumerate(p.read_text().splitlines(), 1)
               if re.search(DECOMPOSITIONS, line)]
  assert not offenders, f"use noisecurv.curvature.lapack instead of jnp.linalg at {offenders}"
