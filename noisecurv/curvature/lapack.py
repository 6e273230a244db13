"""Dense decompositions that never hand XLA:CPU a batch of matrices.

`eigh`, `eigvalsh`, `qr`, `svdvals`, `solve` and `slogdet` are their `jnp.linalg` namesakes on
one matrix. Under `vmap` (the runs of an ensemble, the probes of an estimator) they stay one
LAPACK call per matrix on the CPU, a `lax.map` over the batch, and are the usual batched
decompositions on other platforms. The package calls `jnp.linalg` decompositions only here
(`tests/test_curvature_lapack.py` checks).

Why: jaxlib's batched CPU LAPACK kernels (`ParallelBatchMap`) split a batch into tasks on
XLA's intra-op thread pool and then block the pool thread that called them until the tasks
finish. When a program holds several independent batched decompositions (a probe's H, F, C
and Σ, the K-FAC factors of every layer) the runtime may start as many of them at once as the
pool has threads, and then every pool thread waits for tasks only a pool thread could run: the
process hangs with no CPU use. On a 2-core machine this happened about once per full test
suite (`gdb -p <pid> -batch -ex "thread apply all bt"`: both pool threads in
`EigenvalueDecompositionSymmetric` → `ParallelBatchMap` → `BlockingCounter::Wait`). One
matrix at a time, a kernel runs its single task inline and never waits on the pool; the cost
is the kernel's own split of a batch over the CPU cores.

Derivatives: `eigh` and `eigvalsh` have those of `jnp.linalg.eigh` in both modes (distinct
eigenvalues assumed); the others support forward mode only.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import jax
import jax.numpy as jnp


def one_matrix_at_a_time(fn: Callable) -> Callable:
  """fn (arrays → pytree of arrays) whose vmap is a `lax.map` on the CPU, a vmap elsewhere."""
  wrapped = jax.custom_batching.custom_vmap(fn)

  @wrapped.def_vmap
  def rule(axis_size, in_batched, *args):
    args = tuple(a if b else jnp.broadcast_to(a, (axis_size,) + a.shape)
                 for a, b in zip(args, in_batched))
    out = jax.lax.platform_dependent(*args, cpu=lambda *a: jax.lax.map(lambda x: wrapped(*x), a),
                                     default=lambda *a: jax.vmap(fn)(*a))
    return out, jax.tree.map(lambda _: True, out)

  return wrapped


def _matrix(a: jax.Array, name: str) -> None:
  if a.ndim != 2:
    raise ValueError(f"{name} takes one matrix (vmap it for a batch), got shape {a.shape}")


@one_matrix_at_a_time
def _eigh(a):
  w, v = jnp.linalg.eigh(a)
  return w, v


@jax.custom_jvp
def eigh(a: jax.Array) -> tuple[jax.Array, jax.Array]:
  """(eigenvalues ascending (d,), eigenvectors as columns (d, d)) of (A + Aᵀ)/2."""
  _matrix(a, "eigh")
  return _eigh(a)


@eigh.defjvp
def _eigh_jvp(primals, tangents):
  (a,), (da,) = primals, tangents
  w, v = eigh(a)
  vt_da_v = v.T @ (0.5 * (da + da.T)) @ v
  eye = jnp.eye(w.shape[0], dtype=w.dtype)
  gaps = 1.0 / (eye + w[None, :] - w[:, None]) - eye  # 1/(w_j − w_i) off the diagonal
  return (w, v), (jnp.diagonal(vt_da_v), v @ (gaps * vt_da_v))


def eigvalsh(a: jax.Array) -> jax.Array:
  """Eigenvalues ascending of (A + Aᵀ)/2."""
  return eigh(a)[0]


def _matrix_op(fn: Callable) -> Callable:
  """fn(a, *rest) on one matrix a, batched one matrix at a time (`one_matrix_at_a_time`)."""
  batched = one_matrix_at_a_time(fn)

  @functools.wraps(fn)
  def call(a, *rest):
    _matrix(a, fn.__name__)
    return batched(a, *rest)

  return call


@_matrix_op
def qr(a: jax.Array) -> tuple[jax.Array, jax.Array]:
  """Reduced QR of an (m, n) matrix: Q (m, k), R (k, n), k = min(m, n)."""
  q, r = jnp.linalg.qr(a)
  return q, r


@_matrix_op
def svdvals(a: jax.Array) -> jax.Array:
  """Singular values, descending."""
  return jnp.linalg.svd(a, compute_uv=False)


@_matrix_op
def solve(a: jax.Array, b: jax.Array) -> jax.Array:
  """x with A x = b for a square A (b a vector or a matrix of right-hand sides)."""
  return jnp.linalg.solve(a, b)


@_matrix_op
def slogdet(a: jax.Array) -> tuple[jax.Array, jax.Array]:
  """(sign, log |det A|) of a square matrix."""
  sign, logdet = jnp.linalg.slogdet(a)
  return sign, logdet
