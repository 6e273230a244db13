"""Large-batch SGD with covariance noise (wen2019 Eq. 2, Eq. 5, Algorithm 1, App. E–F).

θ ← θ − α(∇L_{M_L}(θ) + ε), with ε shaped so that the large-batch (LB) gradient plus ε has the
covariance of a small-batch (SB) gradient: c² = (M_L − M_S)/(M_L M_S) = 1/M_S − 1/M_L
(wen2019 Eq. 5). The paper's "Fisher" is the uncentred second moment C of per-example gradients
(project convention; its App. F "exact Fisher" with sampled labels is the true Fisher F).

  lb_diag            ε = c·√diag(Ĉ_B) ⊙ ξ (estimators below)            Alg. 1, "LB + diag"
  lb_full            Cov ε = c²·C (Rademacher VJP), c²·F (labels         Eq. 5, App. F
                     sampled from the model) or ≈ c²·Σ (ghost twin)
  lb_trace           ε = c·√(Tr Ĉ_B / d)·ξ (the diag estimate's mean)    App. E "Fisher Trace"
  lb_multiplicative  ε = σ_m·g ⊙ ξ, i.e. g̃ = g ⊙ (1 + σ_m ξ)             App. E "Multiplicative"
  lb_kfac            per layer c·A^{1/2} Z G^{1/2} (noise.kfac)          App. D–E "K-FAC"

Diagonal estimators (`estimator`, wen2019 spec §2.3):
  'ghost_variance': split the batch into K = M_L/M_S ghost batches, g_j their gradients,
      ε = √(1 − M_S/M_L)·s ⊙ ξ with s² the unbiased variance of g_j; E[εε] = c²·diag Σ.
  'per_example': c²·diag Ĉ_B from per-example gradients (paper-literal; no BN coupling).
  'rademacher': v = (1/√M_L)·∇Σᵢσᵢℓᵢ (one extra backward), ε = c·v ⊙ ξ; E[εεᵀ] = c²·diag Ĉ_B.
M_L is the batch's size unless `large_batch` says otherwise. The noise stops at `stop_step`
(wen2019: the first quarter of training, stop_fraction = 0.25).
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
from ml_collections.config_dict import placeholder

from noisecurv.noise.context import NoiseContext
from noisecurv.noise.sigma_sgd import per_example_rows
from noisecurv.noise.transform import (
  COMMON,
  flat,
  noise_transform,
  normal_like,
  register,
  stop_step_of,
)

DIAG_ESTIMATORS = ("ghost_variance", "per_example", "rademacher")
FULL_MATRICES = ("C", "F", "Sigma")

LB_KEYS = dict(
    COMMON,
    large_batch=placeholder(int),  # M_L; None = the size of the batch the step sees
    small_batch=128,  # M_S, also the ghost-batch size
    chunk_size=0,  # examples per vectorised chunk of per-example gradients (0 = all)
)


def batch_sizes(cfg, ctx: NoiseContext) -> tuple[int, int]:
  """(M_L, M_S), static: M_L from the config or the batch's shape."""
  m_l = int(cfg.large_batch) if cfg.large_batch is not None else int(ctx.batch[0].shape[0])
  m_s = int(cfg.small_batch)
  if not 1 <= m_s <= m_l:
    raise ValueError(f"wen2019 noise needs 1 <= small_batch ({m_s}) <= large_batch ({m_l})")
  return m_l, m_s


def noise_factor(m_l: int, m_s: int) -> float:
  """c = √((M_L − M_S)/(M_L M_S)) (wen2019 Eq. 5); 0.0869963 for 4096/128."""
  return math.sqrt((m_l - m_s) / (m_l * m_s))


def ghost_gradients(params, ctx: NoiseContext, ghost: int) -> jax.Array:
  """(K, d) flat gradients of the K consecutive ghost batches of `ghost` examples (each with its
  own BN statistics), whose mean is the LB gradient under Ghost BN."""
  x, y = ctx.batch
  b = x.shape[0]
  if b % ghost or b // ghost < 2:
    raise ValueError(f"batch of {b} does not split into >= 2 ghost batches of {ghost}")
  xg = x.reshape((b // ghost, ghost) + x.shape[1:])
  yg = y.reshape((b // ghost, ghost) + y.shape[1:])
  return jax.vmap(lambda xi, yi: flat(jax.grad(ctx.loss_fn)(params, xi, yi))[0])(xg, yg)


def rademacher_gradient(params, ctx: NoiseContext, key: jax.Array) -> jax.Array:
  """v = (1/√M)·∇_θ Σᵢ σᵢ ℓᵢ(θ), σ Rademacher (d,): E[vvᵀ] = Ĉ_B (wen2019 App. F)."""
  x, y = ctx.batch
  m = x.shape[0]
  sig = jax.random.rademacher(key, (m,), jnp.float32) / math.sqrt(m)
  return flat(jax.grad(lambda p: jnp.sum(sig * ctx.per_example_loss_fn(p, x, y)))(params))[0]


def sampled_label_gradient(params, ctx: NoiseContext, key: jax.Array) -> jax.Array:
  """v = (1/√M)·∇_θ Σᵢ ℓ(f(xᵢ; θ), ŷᵢ), ŷᵢ ~ p(·|f(xᵢ)) (d,): E[v] = 0 and E[vvᵀ] = F̂_B, the
  true Fisher of the batch (= GGN for these likelihoods; wen2019 App. F, first paragraph)."""
  x, _ = ctx.batch
  m = x.shape[0]
  y_hat = jax.lax.stop_gradient(ctx.likelihood.sample(key, ctx.apply_fn(params, x)))
  g = jax.grad(lambda p: jnp.sum(ctx.per_example_loss_fn(p, x, y_hat)))(params)
  return flat(g)[0] / math.sqrt(m)


def diag_variance(estimator: str, params, ctx: NoiseContext, key: jax.Array, m_l: int, m_s: int,
                  chunk_size: int) -> jax.Array:
  """u² (d,) with E[u²] = the per-coordinate variance of the SB-minus-LB gradient noise."""
  c2 = noise_factor(m_l, m_s) ** 2
  if estimator == "ghost_variance":
    g = ghost_gradients(params, ctx, m_s)
    return (1.0 - m_s / m_l) * jnp.var(g, axis=0, ddof=1)
  if estimator == "per_example":
    x, y = ctx.batch
    g = per_example_rows(params, ctx, x, y, chunk_size)
    return c2 * jnp.mean(g * g, axis=0)
  if estimator == "rademacher":
    v = rademacher_gradient(params, ctx, key)
    return c2 * v * v
  raise ValueError(f"noise.estimator {estimator!r} not in {DIAG_ESTIMATORS}")


def _check(value: str, allowed: tuple[str, ...], key: str) -> str:
  if value not in allowed:
    raise ValueError(f"noise.{key} {value!r} not in {allowed}")
  return value


@register("lb_diag", **dict(LB_KEYS, estimator="ghost_variance"))
def lb_diag(cfg, *, seed: int):
  """LB + diag noise, wen2019 Algorithm 1: ε = c·√diag(Ĉ_B)·ξ, c² = 1/M_S − 1/M_L."""
  est = _check(cfg.estimator, DIAG_ESTIMATORS, "estimator")

  def draw(params, cache, ctx, key, grads):
    m_l, m_s = batch_sizes(cfg, ctx)
    k_est, k_xi = jax.random.split(key)
    u = jnp.sqrt(diag_variance(est, params, ctx, k_est, m_l, m_s, cfg.chunk_size))
    return flat(params)[1](u * jax.random.normal(k_xi, u.shape, u.dtype))

  return noise_transform(draw, seed=seed, scale=cfg.scale, stop_step=stop_step_of(cfg))


@register("lb_trace", **dict(LB_KEYS, estimator="ghost_variance", per_layer=False))
def lb_trace(cfg, *, seed: int):
  """wen2019 App. E "Fisher Trace": isotropic ε = c·√(Tr Ĉ_B/d)·ξ, the total energy of
  lb_diag (spec default; the literal √Tr(F) would be d times larger). per_layer: Tr_l/d_l per
  parameter array."""
  est = _check(cfg.estimator, DIAG_ESTIMATORS, "estimator")

  def draw(params, cache, ctx, key, grads):
    m_l, m_s = batch_sizes(cfg, ctx)
    k_est, k_xi = jax.random.split(key)
    var = diag_variance(est, params, ctx, k_est, m_l, m_s, cfg.chunk_size)
    _, unravel = flat(params)
    if cfg.per_layer:
      level = jax.tree.map(lambda v: jnp.full_like(v, jnp.sqrt(jnp.mean(v))), unravel(var))
    else:
      level = unravel(jnp.full_like(var, jnp.sqrt(jnp.mean(var))))
    return jax.tree.map(lambda s, z: s * z, level, normal_like(k_xi, level))

  return noise_transform(draw, seed=seed, scale=cfg.scale, stop_step=stop_step_of(cfg))


@register("lb_full", **dict(LB_KEYS, matrix="C"))
def lb_full(cfg, *, seed: int):
  """LB + full noise, wen2019 Eq. 5 / App. F, without any d×d matrix: Cov(ε) = c²·M with
  matrix 'C' (paper's empirical Fisher, Rademacher VJP), 'F' (true Fisher: gradients at labels
  sampled from the model) or 'Sigma' (ghost twin: ε = √((1 − M_S/M_L)/(K−1))·Σ_j z_j(g_j − ĝ),
  Cov = (1 − M_S/M_L)·Cov(g_SB) ≈ c²Σ, rank ≤ K−1)."""
  matrix = _check(cfg.matrix, FULL_MATRICES, "matrix")

  def draw(params, cache, ctx, key, grads):
    m_l, m_s = batch_sizes(cfg, ctx)
    c = noise_factor(m_l, m_s)
    if matrix == "C":
      v = c * rademacher_gradient(params, ctx, key)
    elif matrix == "F":
      v = c * sampled_label_gradient(params, ctx, key)
    else:
      g = ghost_gradients(params, ctx, m_s)
      k = g.shape[0]
      z = jax.random.normal(key, (k,), g.dtype)
      v = math.sqrt((1.0 - m_s / m_l) / (k - 1)) * ((g - jnp.mean(g, axis=0)).T @ z)
    return flat(params)[1](v)

  return noise_transform(draw, seed=seed, scale=cfg.scale, stop_step=stop_step_of(cfg))


@register("lb_multiplicative", **dict(LB_KEYS, sigma=placeholder(float)))
def lb_multiplicative(cfg, *, seed: int):
  """wen2019 App. E "Multiplicative" (after Hoffer et al. 2017): g̃ = g ⊙ (1 + σ_m ξ), so
  ε = σ_m·g ⊙ ξ with Cov = σ_m²·diag(g²); σ_m = `sigma`, default √(M_L/M_S − 1) (spec §2.8)."""

  def draw(params, cache, ctx, key, grads):
    if cfg.sigma is None:
      m_l, m_s = batch_sizes(cfg, ctx)
      sigma = math.sqrt(m_l / m_s - 1.0)
    else:
      sigma = float(cfg.sigma)
    return jax.tree.map(lambda g, z: sigma * g * z, grads, normal_like(key, grads))

  return noise_transform(draw, seed=seed, scale=cfg.scale, stop_step=stop_step_of(cfg))
