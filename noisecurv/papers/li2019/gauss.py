"""Gauss-k data and the 50-10-30-k ReLU net of li2019 on flat parameter vectors (spec §2.3).

The net is written on a flat θ ∈ ℝᵖ so that dense Hessians (p ≤ 1,150), layer blocks
(G_h = H[I_h, I_h]) and ensembles (vmap over a leading run axis) need no pytree plumbing.
Layout: layer h = (W_h row-major, b_h), contiguous, layers in order; "layer h" includes its bias.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import ml_collections
import numpy as np

from noisecurv.data.synthetic import gauss_k as _gauss_k_draw


@dataclasses.dataclass(frozen=True)
class Net:
  """Sizes (input, hidden..., classes) of a ReLU MLP with biases on a flat θ."""

  sizes: tuple[int, ...]

  @property
  def layer_sizes(self) -> tuple[int, ...]:
    return tuple((a + 1) * b for a, b in zip(self.sizes[:-1], self.sizes[1:]))

  @property
  def p(self) -> int:
    return int(sum(self.layer_sizes))

  @property
  def layer_slices(self) -> tuple[slice, ...]:
    out, s = [], 0
    for n in self.layer_sizes:
      out.append(slice(s, s + n))
      s += n
    return tuple(out)

  def unflatten(self, theta: jax.Array) -> list[tuple[jax.Array, jax.Array]]:
    out = []
    for (a, b), sl in zip(zip(self.sizes[:-1], self.sizes[1:]), self.layer_slices):
      blk = theta[sl]
      out.append((blk[: a * b].reshape(a, b), blk[a * b:]))
    return out

  def logits(self, theta: jax.Array, x: jax.Array) -> jax.Array:
    """(N, k) logits of inputs x (N, d)."""
    layers = self.unflatten(theta)
    h = x
    for i, (w, b) in enumerate(layers):
      h = h @ w + b
      if i < len(layers) - 1:
        h = jax.nn.relu(h)
    return h

  def losses(self, theta: jax.Array, x: jax.Array, y: jax.Array) -> jax.Array:
    """(N,) per-example softmax cross-entropy −log p(y | x, θ)."""
    z = self.logits(theta, x)
    return jax.nn.logsumexp(z, -1) - jnp.take_along_axis(z, y[:, None], -1)[:, 0]

  def loss(self, theta: jax.Array, x: jax.Array, y: jax.Array) -> jax.Array:
    return jnp.mean(self.losses(theta, x, y))

  def error(self, theta: jax.Array, x: jax.Array, y: jax.Array) -> jax.Array:
    return jnp.mean(jnp.argmax(self.logits(theta, x), -1) != y)


def gauss_net(k: int, dim: int = 50, hidden: tuple[int, ...] = (10, 30)) -> Net:
  """50 → 10 → 30 → k: p = 1,150 (k = 10) and 902 (k = 2), Table 2."""
  return Net((dim, *hidden, k))


@dataclasses.dataclass
class GaussData:
  x: np.ndarray  # (n, d) training inputs (standardised unless raw)
  y: np.ndarray  # (n,) training labels after corruption
  y_clean: np.ndarray
  noisy: np.ndarray  # (n,) bool: index chosen for corruption
  x_test: np.ndarray
  y_test: np.ndarray  # test labels corrupted at the same rate (the distribution D)
  y_test_clean: np.ndarray
  k: int


def stratified_corruption(y: np.ndarray, rate: float, k: int, rng: np.random.Generator,
                          force_wrong: bool = False) -> tuple[np.ndarray, np.ndarray]:
  """Per-class corruption of round(rate·n) labels (spec §2.3, §7 #6).

  Each class gives floor(rate·n/k) indices; the remainder goes to randomly chosen classes (one
  extra each). New labels are uniform over all k classes (may equal the old one) unless
  `force_wrong`. Returns (new labels, mask of chosen indices).
  """
  n = y.shape[0]
  total = int(round(rate * n))
  classes = np.unique(y)
  base = total // len(classes)
  extra = rng.choice(len(classes), total - base * len(classes), replace=False)
  chosen = []
  for ci, c in enumerate(classes):
    members = np.flatnonzero(y == c)
    cnt = min(base + int(ci in extra), members.size)
    chosen.append(rng.choice(members, cnt, replace=False))
  idx = np.sort(np.concatenate(chosen)) if chosen else np.zeros(0, int)
  out = y.copy()
  if force_wrong:
    out[idx] = (y[idx] + rng.integers(1, k, idx.size)) % k
  else:
    out[idx] = rng.integers(0, k, idx.size)
  mask = np.zeros(n, bool)
  mask[idx] = True
  return out.astype(np.int32), mask


def gauss_data(k: int, rate: float, *, seed: int = 0, n: int = 100, dim: int = 50,
               n_test: int = 10_000, standardize: bool = True, force_wrong: bool = False
               ) -> GaussData:
  """Gauss-k (the library's make_blobs draw), stratified corruption, test set at the same rate."""
  cfg = ml_collections.ConfigDict(dict(num_classes=k, dim=dim, n=n, n_test_synthetic=n_test,
                                       cluster_std=1.0, center_box=10.0, seed=seed))
  d = _gauss_k_draw(cfg, 0)
  rng = np.random.default_rng([seed, 2019])
  y, mask = stratified_corruption(d.y_train, rate, k, rng, force_wrong)
  yt, _ = stratified_corruption(d.y_test, rate, k, rng, force_wrong)
  x, xt = d.x_train.astype(np.float64), d.x_test.astype(np.float64)
  if standardize:
    mu, sd = x.mean(0), x.std(0)
    x, xt = (x - mu) / sd, (xt - mu) / sd
  return GaussData(x.astype(np.float32), y, d.y_train, mask, xt.astype(np.float32), yt, d.y_test, k)


def quantile_index(values: jax.Array, q: jax.Array) -> jax.Array:
  """Nearest-rank run index at quantiles q of `values` (R,): order[round(q(R − 1))]."""
  order = jnp.argsort(values)
  r = values.shape[0]
  return order[jnp.round(q * (r - 1)).astype(jnp.int32)]


def table2(k: int, rate: float) -> dict[str, float]:
  """Table 2 settings: T and η per (k, r), and the phase boundary t_mid of Fig. 9 (spec §7 #8)."""
  if k == 2:
    return {"steps": 100, "lr": 0.1, "t_mid": 25} if rate == 0 else \
        {"steps": 3000, "lr": 0.05, "t_mid": 300}
  return {"steps": 400, "lr": 0.1, "t_mid": 25} if rate == 0 else \
      {"steps": 10_000, "lr": 0.1, "t_mid": 200}
