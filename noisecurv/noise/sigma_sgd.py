"""Estimators of Σ_sgd, the covariance of a size-m minibatch gradient (zhu2019 §2.3–2.4).

'minibatch' (zhu2019 code): B minibatches of m examples from the training split
  (one permutation cut into B disjoint minibatches when B·m ≤ N, else B independent
  draws without replacement); g_b = ∇ of minibatch b's mean loss; rows A_b = g_b − ḡ;
  Σ̂ = AᵀA/(B−1) (rank ≤ B−1; for FMNIST 60 minibatches of 20).
'per_example' (zhu2019 Eq. 5): per-example gradients gᵢ of the current batch (size B);
  rows A_i = gᵢ − ḡ; Σ̂ = AᵀA/((B−1)m), the covariance of the mean of m examples drawn
  with replacement.

Σ̂ is never formed: callers get (A, w) with Σ̂ = w·AᵀA, the streamed diagonal, or an
exact sample N(0, Σ̂) = Aᵀz·√w from one backward pass (no B×d matrix).
"""

from __future__ import annotations

import dataclasses
import math

import jax
import jax.numpy as jnp

from noisecurv.noise.context import NoiseContext
from noisecurv.noise.transform import flat

METHODS = ("minibatch", "per_example")

# Keys of the kinds that estimate Σ_sgd (zhu2019 FMNIST defaults).
SIGMA_KEYS = dict(
    estimator="minibatch",  # 'minibatch' | 'per_example' (see noisecurv.noise.sigma_sgd)
    num_minibatches=60,  # B of the 'minibatch' estimator
    minibatch_size=20,  # m: the SGD batch size whose noise is estimated
    chunk_size=0,  # minibatches (or examples) vectorised at once; 0 = all at once
)


def minibatch_indices(key: jax.Array, n: int, num: int, size: int) -> jax.Array:
  """(num, size) int32 indices into n examples; disjoint when num·size ≤ n."""
  if num * size <= n:
    return jax.random.permutation(key, n)[: num * size].reshape(num, size).astype(jnp.int32)
  keys = jax.random.split(key, num)
  return jax.vmap(lambda k: jax.random.permutation(k, n)[:size])(keys).astype(jnp.int32)


def per_example_rows(params, ctx: NoiseContext, x: jax.Array, y: jax.Array,
                     chunk_size: int = 0) -> jax.Array:
  """(B, d) flat per-example gradients of ctx.per_example_loss_fn on (x, y)."""
  from noisecurv.curvature.pergrad import per_example_grads

  def loss_single(p, xi, yi):
    return ctx.per_example_loss_fn(p, xi[None], yi[None])[0]

  grads = per_example_grads(loss_single, params, x, y, chunk_size=chunk_size)
  return jax.vmap(lambda t: flat(t)[0])(grads)


def _welford_merge(a, b):
  """Chan et al.'s pairwise merge of (count, mean, M2)."""
  na, ma, sa = a
  nb, mb, sb = b
  n = na + nb
  delta = mb - ma
  return n, ma + delta * (nb / n), sa + sb + delta**2 * (na * nb / n)


@dataclasses.dataclass(frozen=True)
class SigmaEstimator:
  method: str = "minibatch"
  num_minibatches: int = 60
  minibatch_size: int = 20
  chunk_size: int = 0

  def __post_init__(self):
    if self.method not in METHODS:
      raise ValueError(f"noise.estimator {self.method!r} not in {METHODS}")
    if self.minibatch_size < 1:
      raise ValueError("noise.minibatch_size must be >= 1")
    if self.method == "minibatch":
      if self.num_minibatches < 2:
        raise ValueError("noise.num_minibatches must be >= 2")
      if self.chunk_size and self.num_minibatches % self.chunk_size:
        raise ValueError(f"noise.chunk_size {self.chunk_size} must divide num_minibatches "
                         f"{self.num_minibatches}")

  @classmethod
  def from_cfg(cls, cfg) -> SigmaEstimator:
    return cls(cfg.estimator, int(cfg.num_minibatches), int(cfg.minibatch_size),
               int(cfg.chunk_size))

  # -- data ------------------------------------------------------------------------------

  def _minibatches(self, ctx: NoiseContext, key: jax.Array):
    x, y = ctx.train_data
    idx = minibatch_indices(key, x.shape[0], self.num_minibatches, self.minibatch_size)
    return x[idx], y[idx]  # (B, m, ...)

  def _chunks(self, tree):
    c = self.chunk_size or self.num_minibatches
    return jax.tree.map(lambda a: a.reshape((a.shape[0] // c, c) + a.shape[1:]), tree)

  def _weight(self, rows: int) -> float:
    w = 1.0 / (rows - 1)
    return w / self.minibatch_size if self.method == "per_example" else w

  # -- estimates -------------------------------------------------------------------------

  def rows(self, params, ctx: NoiseContext, key: jax.Array) -> tuple[jax.Array, float]:
    """(A, w): centred gradient rows (R, d) and w with Σ̂ = w·AᵀA."""
    if self.method == "per_example":
      x, y = ctx.batch
      g = per_example_rows(params, ctx, x, y, self.chunk_size)
    else:
      xb, yb = self._minibatches(ctx, key)

      def grad_b(xy):
        return flat(jax.grad(ctx.loss_fn)(params, xy[0], xy[1]))[0]

      g = jax.lax.map(grad_b, (xb, yb), batch_size=self.chunk_size or None)
    return g - jnp.mean(g, axis=0), self._weight(g.shape[0])

  def moments(self, params, ctx: NoiseContext, key: jax.Array) -> tuple[jax.Array, jax.Array]:
    """(ḡ, diag Σ̂), both (d,); the 'minibatch' method streams over chunks (Welford/Chan),
    holding only chunk_size gradients at a time."""
    if self.method == "per_example":
      a, w = self.rows(params, ctx, key)
      x, y = ctx.batch
      return flat(jax.grad(ctx.loss_fn)(params, x, y))[0], w * jnp.sum(a * a, axis=0)
    xb, yb = self._chunks(self._minibatches(ctx, key))

    def chunk_stats(xy):
      g = jax.vmap(lambda xi, yi: flat(jax.grad(ctx.loss_fn)(params, xi, yi))[0])(*xy)
      m = jnp.mean(g, axis=0)
      return jnp.asarray(g.shape[0], g.dtype), m, jnp.sum((g - m) ** 2, axis=0)

    first = chunk_stats((xb[0], yb[0]))
    if xb.shape[0] > 1:
      first, _ = jax.lax.scan(lambda acc, xy: (_welford_merge(acc, chunk_stats(xy)), None), first,
                              (xb[1:], yb[1:]))
    _, mean, m2 = first
    return mean, m2 * self._weight(self.num_minibatches)

  def sample(self, params, ctx: NoiseContext, key: jax.Array) -> jax.Array:
    """One exact draw ε ~ N(0, Σ̂) (d,), with Σ̂ estimated afresh from `key`'s minibatches.

    ε = Aᵀc with c = √w·(z − z̄), z ~ N(0, I_R): since 1ᵀA = 0, Cov(ε) = w·AᵀA, and
    Aᵀc = ∇_θ Σ_r c_r L_r(θ) is one backward pass of a weighted loss."""
    k_idx, k_z = jax.random.split(key)
    if self.method == "per_example":
      x, y = ctx.batch
      z = jax.random.normal(k_z, (x.shape[0],), jnp.float32)
      c = (z - jnp.mean(z)) * math.sqrt(self._weight(x.shape[0]))
      g = jax.grad(lambda p: jnp.sum(c * ctx.per_example_loss_fn(p, x, y)))(params)
      return flat(g)[0]
    xb, yb = self._minibatches(ctx, k_idx)
    b = self.num_minibatches
    z = jax.random.normal(k_z, (b,), jnp.float32)
    c = (z - jnp.mean(z)) * math.sqrt(self._weight(b))
    xc, yc, cc = self._chunks((xb, yb, c))

    def chunk_grad(xyc):
      xs, ys, cs = xyc
      g = jax.grad(lambda p: jnp.sum(cs * jax.vmap(ctx.loss_fn, (None, 0, 0))(p, xs, ys)))(params)
      return flat(g)[0]

    if xc.shape[0] == 1:
      return chunk_grad((xc[0], yc[0], cc[0]))
    return jax.lax.scan(lambda acc, xyc: (acc + chunk_grad(xyc), None),
                        jnp.zeros_like(flat(params)[0]), (xc, yc, cc))[0]
