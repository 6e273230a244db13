"""Dense d×d curvature matrices for small d (up to ~2·10⁴ parameters).

`materialize` applies a flat matvec to the rows of the identity in batches
(`lax.map` over `vmap`), so a linearized operator shares its primal pass across
all d products; the result is symmetrised, (A + Aᵀ)/2, because round-off makes
the columns of a symmetric operator slightly asymmetric. For C and Σ the
per-example-gradient route GᵀG/N is usually cheaper than d products
(`second_moment_dense`), and it streams chunks of examples.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from noisecurv.curvature.lapack import eigh
from noisecurv.curvature.pergrad import chunked_sum, flat_per_example_grads
from noisecurv.curvature.precision import float64_call, highest

PyTree = Any


def materialize(matvec: Callable[[jax.Array], jax.Array], d: int, *, batch_size: int = 256,
                dtype=jnp.float32, symmetrize: bool = True) -> jax.Array:
  """The d×d matrix A with A[:, i] = matvec(eᵢ); batch_size identity rows per vmapped call."""
  eye = jnp.eye(d, dtype=dtype)
  with highest():
    cols = jax.lax.map(matvec, eye, batch_size=min(batch_size, d))
  a = cols.T  # row i of `cols` is A eᵢ, the i-th column
  return 0.5 * (a + a.T) if symmetrize else a


def second_moment_dense(loss_single: Callable, params: PyTree, xs: jax.Array, ys: jax.Array,
                        chunk_size: int = 0) -> tuple[jax.Array, jax.Array]:
  """(C, ḡ): C = GᵀG/N (d×d) and ḡ = Gᵀ𝟙/N, accumulated over chunks of examples."""
  n = xs.shape[0]

  def chunk_fn(xy):
    g = flat_per_example_grads(loss_single, params, xy[0], xy[1])
    with highest():
      return (g.T @ g, jnp.sum(g, 0)), jnp.zeros((g.shape[0],), g.dtype)

  (s2, s1), _ = chunked_sum(chunk_fn, (xs, ys), chunk_size)
  c = s2 / n
  return 0.5 * (c + c.T), s1 / n


def covariance_dense(c: jax.Array, mean: jax.Array, ddof: int = 0, n: int | None = None
                     ) -> jax.Array:
  """Σ = C − ḡḡᵀ; with ddof = 1 and the sample size n, the unbiased n/(n−1)·Σ."""
  s = c - jnp.outer(mean, mean)
  if ddof:
    s = s * (n / (n - ddof))
  return s


def eigh_descending(a: jax.Array, *, in_float64: bool = True) -> tuple[jax.Array, jax.Array]:
  """Eigenvalues in descending order and eigenvectors as columns, in a's dtype.

  in_float64 runs the decomposition in float64 (then casts back), so eigenvalue
  cutoffs such as τ·λ_max with τ = 1e-3 see no float32 eigensolver error.
  """
  if not in_float64:
    w, u = eigh(a)
  else:
    def impl(_, a):
      w, u = eigh(a.astype(jnp.float64))
      return w.astype(a.dtype), u.astype(a.dtype)

    w, u = float64_call(impl, [], a)
  return w[::-1], u[:, ::-1]
