"""The tiny problem the noise tests share, and checks of its float64 brute-force references.

Softmax regression on 4 features and 3 classes with an extra logit shift (a parameter
outside any dense layer), d = 18, N = 48 training points, a batch of the first 32.
References run in float64 with Python loops of `jax.grad` and a dense `jax.hessian`.
"""

from __future__ import annotations

import dataclasses
import functools

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
from jax.flatten_util import ravel_pytree

from noisecurv.losses import get as get_likelihood
from noisecurv.noise import NoiseContext, NoiseState

N, BATCH, D_IN, K = 48, 32, 4, 3
LR = 0.1

# XLA's backend optimisation level 0 compiles these tiny programs 2-3x faster; their run time
# is negligible either way.
FAST = {"xla_backend_optimization_level": 0}


def fast_jit(fn, **kw):
  return jax.jit(fn, compiler_options=FAST, **kw)


class Tiny(nn.Module):
  @nn.compact
  def __call__(self, x):
    shift = self.param("shift", nn.initializers.normal(0.5), (K,))
    return nn.Dense(K, kernel_init=nn.initializers.normal(1.0))(x) + shift


LIK = get_likelihood("softmax_cross_entropy")


def apply(p, x):
  return Tiny().apply({"params": p}, x)


def per_example_loss(p, x, y):
  return LIK.loss(apply(p, x), y)


def loss(p, x, y):
  return jnp.mean(per_example_loss(p, x, y))


@dataclasses.dataclass(frozen=True)
class Problem:
  params: dict
  x: jax.Array
  y: jax.Array

  @property
  def batch(self):
    return self.x[:BATCH], self.y[:BATCH]

  def context(self, lr=LR, step=0) -> NoiseContext:
    """The step's context; build it inside the traced function (closures are not pytrees)."""
    return NoiseContext(loss, per_example_loss, apply, LIK, self.batch, (self.x, self.y),
                        jnp.asarray(lr, jnp.float32), jnp.asarray(step, jnp.int32))

  def grads(self):
    return jax.grad(loss)(self.params, *self.batch)

  @property
  def d(self) -> int:
    return ravel_pytree(self.params)[0].shape[0]


@functools.lru_cache(maxsize=1)
def problem() -> Problem:
  rng = np.random.default_rng(42)
  x = rng.standard_normal((N, D_IN)).astype(np.float32)
  logits = 2.0 * x @ rng.standard_normal((D_IN, K))
  y = (logits + rng.gumbel(size=logits.shape)).argmax(1).astype(np.int32)  # softmax sample
  params = fast_jit(Tiny().init)(jax.random.PRNGKey(42), x[:1])["params"]
  return Problem(params, jnp.asarray(x), jnp.asarray(y))


# ---------------------------------------------------------------------------
# float64 references


def _f64(tree):
  return jax.tree.map(lambda a: np.asarray(a, np.float64), tree)


def per_example_grads64(x, y) -> np.ndarray:
  """(n, d) per-example gradients, a Python loop of jax.grad in float64."""
  pr = problem()
  with jax.enable_x64(True):
    p = _f64(pr.params)
    g = fast_jit(jax.grad(lambda q, xi, yi: per_example_loss(q, xi[None], yi[None])[0]))
    return np.stack([np.asarray(ravel_pytree(g(p, np.float64(x[i]), y[i]))[0])
                     for i in range(x.shape[0])])


@functools.cache
def sigma_hat64(m: int = 1) -> np.ndarray:
  """Σ̂_sgd of the 'minibatch' estimator with minibatches of one example covering the training
  set (any order gives the same estimate): unbiased per-example covariance over N, / m."""
  pr = problem()
  g = per_example_grads64(np.asarray(pr.x), np.asarray(pr.y))
  return np.cov(g, rowvar=False, ddof=1) / m


@functools.cache
def batch_grads64() -> np.ndarray:
  pr = problem()
  x, y = pr.batch
  return per_example_grads64(np.asarray(x), np.asarray(y))


@functools.cache
def hessian64() -> np.ndarray:
  """Dense Hessian of the full training loss, float64."""
  pr = problem()
  with jax.enable_x64(True):
    theta, unravel = ravel_pytree(_f64(pr.params))
    x, y = np.asarray(pr.x, np.float64), np.asarray(pr.y)
    return np.asarray(fast_jit(jax.hessian(lambda t: loss(unravel(t), x, y)))(theta))


@functools.cache
def fisher64() -> np.ndarray:
  """True Fisher of the batch: (1/M) Σᵢ Σ_c p(c|xᵢ) g(xᵢ, c) g(xᵢ, c)ᵀ, labels enumerated."""
  pr = problem()
  x, _ = pr.batch
  x = np.asarray(x)
  with jax.enable_x64(True):
    probs = np.asarray(jax.nn.softmax(apply(_f64(pr.params), np.float64(x))))
  out = np.zeros((pr.d, pr.d))
  for c in range(K):
    g = per_example_grads64(x, np.full(x.shape[0], c, np.int32))
    out += (g * probs[:, c:c + 1]).T @ g
  return out / x.shape[0]


def ghost_grads64(ghost: int) -> np.ndarray:
  """(K, d) gradients of consecutive ghost batches of the batch (mean of their rows)."""
  g = batch_grads64()
  return g.reshape(g.shape[0] // ghost, ghost, -1).mean(axis=1)


# ---------------------------------------------------------------------------
# Sampling the injected noise


def noise_samples(tx, state, keys: jax.Array, *, lr: float = LR) -> jax.Array:
  """(n, d) draws ε = update(g) − g, one per key, all from `state` (traceable, vmapped)."""
  pr = problem()
  grads = pr.grads()
  g_flat = ravel_pytree(grads)[0]

  def one(key):
    s = state._replace(key=key) if isinstance(state, NoiseState) else state
    out, _ = tx.update(grads, s, pr.params, noise_ctx=pr.context(lr))
    return ravel_pytree(out)[0] - g_flat

  return jax.vmap(one)(keys)


def covariance_error(samples: np.ndarray, target: np.ndarray) -> tuple[float, float]:
  """(relative Frobenius error of the second moment, its expected RMS under the samples' own
  fourth moments). E‖Ŝ − S‖²_F = Σ_ij Var(εᵢεⱼ)/n, so err/rms ~ 1 when the target is right;
  for Gaussian ε the RMS is √((Tr S)² + ‖S‖²_F)/√n/‖S‖_F (Wishart)."""
  n = samples.shape[0]
  emp = samples.T @ samples / n
  sq = samples * samples
  # Σ_ij Var(εᵢεⱼ) = Σ_ij mean(εᵢ²εⱼ²) − Σ_ij mean(εᵢεⱼ)², without the n×d×d products.
  rms = np.sqrt(max(np.sum(sq.T @ sq) / n - np.sum(emp * emp), 0.0) / n)
  norm = np.linalg.norm(target)
  return float(np.linalg.norm(emp - target) / norm), float(rms / norm)


# ---------------------------------------------------------------------------
# Checks of the references themselves


def test_per_example_grads_closed_form():
  """Softmax regression: ∂ℓ/∂W = x(p − e_y)ᵀ, ∂ℓ/∂b = ∂ℓ/∂shift = p − e_y."""
  pr = problem()
  x, y = (np.asarray(a) for a in pr.batch)
  g = batch_grads64()
  with jax.enable_x64(True):
    p = np.asarray(jax.nn.softmax(apply(_f64(pr.params), np.float64(x))))
  r = p - np.eye(K)[y]
  kernel = (x[:, :, None] * r[:, None, :]).reshape(x.shape[0], -1)
  # ravel order: Dense_0/bias, Dense_0/kernel, shift
  np.testing.assert_allclose(g, np.concatenate([r, kernel, r], axis=1), atol=1e-12)


def test_fisher_is_ggn_and_hessian_of_batch():
  """For softmax cross-entropy F = GGN = H (canonical link, linear model)."""
  pr = problem()
  x, y = (np.asarray(a) for a in pr.batch)
  with jax.enable_x64(True):
    theta, unravel = ravel_pytree(_f64(pr.params))
    h = np.asarray(fast_jit(jax.hessian(lambda t: loss(unravel(t), np.float64(x), y)))(theta))
  np.testing.assert_allclose(fisher64(), h, atol=1e-12)


def test_covariance_error_rms_matches_wishart():
  rng = np.random.default_rng(0)
  d, n = 6, 20000
  s = rng.standard_normal((n, d))
  err, rms = covariance_error(s, np.eye(d))
  assert abs(rms - np.sqrt((d * d + d) / n) / np.sqrt(d)) < 0.05 * rms
  assert 0.5 * rms < err < 2 * rms
