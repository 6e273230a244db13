"""Per-example gradients and their moments, without materialising N×d when a moment will do.

Conventions (DESIGN.md): gₙ = ∇_θ ℓ(θ, xₙ, yₙ) is the gradient of the per-example
loss (not scaled by 1/N); the loss is L = (1/N) Σₙ ℓₙ, so ḡ = ∇L. Moments:

    mean      ḡ = (1/N) Σₙ gₙ                       (pytree like params)
    sq_mean   diag C = (1/N) Σₙ gₙ ⊙ gₙ              (C: uncentered second moment)
    variance  diag Σ = N/(N − ddof) · (diag C − ḡ ⊙ ḡ)
    sq_norms  ‖gₙ‖²  (N,),  Tr C = mean ‖gₙ‖²,  Tr Σ = N/(N − ddof) · (Tr C − ‖ḡ‖²)

`grad_moments` streams chunks of `vmap(grad)` through a scan, so memory is
chunk×d, never N×d. For flax models `noisecurv.curvature.taps.factored_moments`
gives the same `GradMoments` with factored rules for dense and conv layers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from noisecurv.curvature.precision import highest

PyTree = Any


class GradMoments(NamedTuple):
  """Moments of N per-example gradients (see module docstring). N = sq_norms.shape[0]."""

  mean: PyTree
  sq_mean: PyTree
  sq_norms: jax.Array

  @property
  def count(self) -> int:
    return self.sq_norms.shape[0]

  def _scale(self, ddof: int) -> float:
    n = self.count
    return n / (n - ddof)

  def variance(self, ddof: int = 0) -> PyTree:
    """diag Σ per parameter; ddof=1 gives the unbiased per-example variance."""
    s = self._scale(ddof)
    return jax.tree.map(lambda q, m: s * jnp.maximum(q - m * m, 0.0), self.sq_mean, self.mean)

  def layer_variance(self, ddof: int = 0) -> PyTree:
    """Mean over the entries of each leaf of diag Σ (wen2019 §2.9: per-layer variance)."""
    return jax.tree.map(jnp.mean, self.variance(ddof))

  def trace_c(self) -> jax.Array:
    return jnp.mean(self.sq_norms)

  def trace_sigma(self, ddof: int = 0) -> jax.Array:
    return self._scale(ddof) * (self.trace_c() - tree_sq_norm(self.mean))

  def mean_sq_norm(self) -> jax.Array:
    return tree_sq_norm(self.mean)


def tree_sq_norm(tree: PyTree) -> jax.Array:
  return sum(jnp.sum(jnp.square(x)) for x in jax.tree.leaves(tree))


def per_example_grads(loss_single: Callable, params: PyTree, xs: jax.Array, ys: jax.Array,
                      chunk_size: int = 0) -> PyTree:
  """gₙ for every example: a pytree like params with a leading axis of size B.

  loss_single(params, x, y) -> scalar is the loss of ONE example (x without batch
  axis). chunk_size > 0 evaluates `vmap(grad)` on chunks of that many examples
  one after another (`lax.map`), bounding the live activation memory.
  """
  grad_fn = jax.grad(loss_single)

  def one(xy):
    return grad_fn(params, xy[0], xy[1])

  with highest():
    if chunk_size <= 0 or chunk_size >= xs.shape[0]:
      return jax.vmap(one)((xs, ys))
    return jax.lax.map(one, (xs, ys), batch_size=chunk_size)


def chunked_sum(fn: Callable, xs: PyTree, chunk_size: int) -> tuple[PyTree, PyTree]:
  """Runs fn over chunks of the leading axis of xs; sums its first output, concatenates its second.

  fn(chunk) -> (sums, per_example) where per_example has the chunk's leading axis.
  A scan covers the whole chunks and one extra call the remainder, so the result
  is exact for any N and memory stays bounded by one chunk.
  """
  n = jax.tree.leaves(xs)[0].shape[0]
  c = n if chunk_size <= 0 else min(chunk_size, n)
  full, rest = divmod(n, c)
  head = jax.tree.map(lambda a: a[:full * c].reshape((full, c) + a.shape[1:]), xs)
  if full == 1:
    sums, per = fn(jax.tree.map(lambda a: a[0], head))
  else:
    first_sums, _ = jax.eval_shape(fn, jax.tree.map(lambda a: a[0], head))
    zeros = jax.tree.map(lambda s: jnp.zeros(s.shape, s.dtype), first_sums)

    def body(acc, chunk):
      s, p = fn(chunk)
      return jax.tree.map(jnp.add, acc, s), p

    sums, per = jax.lax.scan(body, zeros, head)
    per = jax.tree.map(lambda a: a.reshape((full * c,) + a.shape[2:]), per)
  if rest:
    s, p = fn(jax.tree.map(lambda a: a[full * c:], xs))
    sums = jax.tree.map(jnp.add, sums, s)
    per = jax.tree.map(lambda a, b: jnp.concatenate([a, b]), per, p)
  return sums, per


def grad_moments(loss_single: Callable, params: PyTree, xs: jax.Array, ys: jax.Array,
                 chunk_size: int = 0) -> GradMoments:
  """Mean, diagonal second moment and squared norms of per-example gradients (chunked vmap)."""
  grad_fn = jax.grad(loss_single)
  n = xs.shape[0]

  def chunk_fn(xy):
    with highest():
      g = jax.vmap(grad_fn, in_axes=(None, 0, 0))(params, xy[0], xy[1])
    sums = (jax.tree.map(lambda a: jnp.sum(a, 0), g),
            jax.tree.map(lambda a: jnp.sum(jnp.square(a), 0), g))
    norms = sum(jnp.sum(jnp.square(a).reshape(a.shape[0], -1), 1) for a in jax.tree.leaves(g))
    return sums, norms

  (s1, s2), norms = chunked_sum(chunk_fn, (xs, ys), chunk_size)
  return GradMoments(jax.tree.map(lambda a: a / n, s1), jax.tree.map(lambda a: a / n, s2), norms)


def flat_per_example_grads(loss_single: Callable, params: PyTree, xs: jax.Array, ys: jax.Array,
                           chunk_size: int = 0) -> jax.Array:
  """G ∈ ℝ^{B×d}: per-example gradients raveled in `ravel_pytree(params)` order."""
  g = per_example_grads(loss_single, params, xs, ys, chunk_size)
  return jnp.concatenate([a.reshape(a.shape[0], -1) for a in jax.tree.leaves(g)], axis=1)
