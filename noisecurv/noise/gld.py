"""Gradient Langevin dynamics with structured noise (zhu2019 Table 1, Eq. 7 and Eq. 14).

θ ← θ − η(∇L(θ) + ε),  ε ~ N(0, Σ_t), with Σ_t one of

| kind           | Σ_t (before the trace rule)                 | zhu2019 name        |
|----------------|---------------------------------------------|---------------------|
| isotropic      | σ² I (σ fixed)                              | GLD const, SGLD     |
| langevin       | (2T/η) I: ξ = −ηε ~ N(0, 2ηT·I)             | Langevin at temp. T |
| gld_dynamic    | (Tr Σ̂_sgd / D) I                            | GLD dynamic         |
| gld_diag       | diag Σ̂_sgd                                  | GLD diag            |
| gld_leading    | Σ_{i≤k} γ_i v_i v_iᵀ (top-k of Σ̂_sgd)       | GLD leading         |
| sgd_covariance | Σ̂_sgd itself: ε = Aᵀz/√(B−1)                | (GLD leading, k = B) |
| gld_hessian    | Σ_{i≤k} λ_i⁺ u_i u_iᵀ (top-k of H)          | GLD Hessian         |
| gld_first_eig  | λ_1⁺ u_1 u_1ᵀ                               | GLD 1st eigvec(H)   |

Trace rule (Eq. 14), in this order: `trace` set -> Tr Σ_t = trace, a constant at the
noise `placement` ('parameter': w ← w − η∇L + ξ with E‖ξ‖² = trace, entering the gradient
as ε = ξ/η; the zhu2019 toy uses trace = 0.01); else `trace_match` -> Tr Σ_t = Tr Σ̂_sgd(θ_t);
else the structure as it is (zhu2019 code's GLD leading with σ_t = 1). Σ̂_sgd comes from
`noisecurv.noise.sigma_sgd`. Structures are recomputed every `refresh_every` steps and
cached in the state as a unit-trace `shape` with the gradient-level `trace`; z is drawn
afresh every step.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import optax
from ml_collections.config_dict import placeholder

from noisecurv.curvature.lapack import eigh
from noisecurv.noise.context import NoiseContext
from noisecurv.noise.sigma_sgd import SIGMA_KEYS, SigmaEstimator
from noisecurv.noise.transform import (
  COMMON,
  check_placement,
  flat,
  noise_transform,
  normal_like,
  placement_factor,
  register,
  stop_step_of,
)

TRACE_KEYS = dict(
    placement="gradient",  # 'gradient' | 'parameter': where a fixed `trace` is measured
    trace=placeholder(float),  # fixed Tr Σ_t (E‖ε‖², or E‖ξ‖² at 'parameter' placement)
    trace_match=True,  # Tr Σ_t = Tr Σ̂_sgd(θ_t) (zhu2019 Eq. 14) unless `trace` is set
)


def _norm2(s: jax.Array) -> jax.Array:
  return jnp.sum(s * s)


def _unit(s: jax.Array) -> jax.Array:
  n2 = _norm2(s)
  return jnp.where(n2 > 0, s / jnp.sqrt(jnp.where(n2 > 0, n2, 1.0)), jnp.zeros_like(s))


# A refresh returns the unnormalised structure S (diag std (d,) or factor (r, d)) and Tr Σ̂_sgd
# when it was computed on the way (else None).
StructureFn = Callable[[Any, Any, NoiseContext, jax.Array], tuple[jax.Array, jax.Array | None]]


@dataclasses.dataclass(frozen=True)
class Structured:
  """A GLD kind: `family` 'diag' (ε = √T·u⊙z, ‖u‖ = 1) or 'lowrank' (ε = √T·Fᵀz, ‖F‖_F = 1)."""

  family: str
  rank: int  # r of the factor (lowrank), 0 for diag
  structure: StructureFn
  estimator: SigmaEstimator | None
  placement: str
  trace: float | None
  trace_match: bool

  def init_cache(self, params) -> dict[str, jax.Array]:
    d = flat(params)[0].shape[0]
    shape = jnp.zeros((d,) if self.family == "diag" else (self.rank, d), jnp.float32)
    return {"shape": shape, "trace": jnp.zeros([], jnp.float32)}

  def refresh(self, params, cache, ctx: NoiseContext, key: jax.Array) -> dict[str, jax.Array]:
    k_s, k_sigma = jax.random.split(key)
    with jax.default_matmul_precision("highest"):
      s, tr_sigma = self.structure(params, cache, ctx, k_s)
      if self.trace is not None:
        t = jnp.zeros([], jnp.float32)  # unused: the draw applies the fixed trace
      elif self.trace_match:
        if tr_sigma is None:
          tr_sigma = jnp.sum(self.estimator.moments(params, ctx, k_sigma)[1])
        t = tr_sigma
      else:
        t = _norm2(s)
    return {"shape": _unit(s).astype(jnp.float32), "trace": jnp.asarray(t, jnp.float32)}

  def gradient_trace(self, cache, lr: jax.Array) -> jax.Array:
    """Tr Cov(ε) of this step's draw."""
    if self.trace is None:
      return cache["trace"]
    return self.trace * placement_factor(self.placement, lr) ** 2

  def draw(self, params, cache, ctx: NoiseContext, key: jax.Array, grads=None):
    _, unravel = flat(params)
    shape = cache["shape"]
    z = jax.random.normal(key, (shape.shape[0],), shape.dtype)
    eps = shape * z if self.family == "diag" else shape.T @ z
    return unravel(jnp.sqrt(self.gradient_trace(cache, ctx.lr)) * eps)

  def covariance(self, cache, lr: jax.Array) -> jax.Array:
    """Dense Cov(ε) (d, d) of the cached structure: for small d (toys, tests)."""
    shape = cache["shape"]
    base = jnp.diag(shape * shape) if self.family == "diag" else shape.T @ shape
    return self.gradient_trace(cache, lr) * base

  def transform(self, *, seed: int, scale: float, refresh_every: int,
                stop_step: int | None) -> optax.GradientTransformationExtraArgs:
    return noise_transform(self.draw, seed=seed, scale=scale, init_cache=self.init_cache,
                           refresh=self.refresh, refresh_every=refresh_every, stop_step=stop_step)


def structured(cfg, family: str, rank: int, structure: StructureFn,
               needs_sigma: bool) -> Structured:
  est = SigmaEstimator.from_cfg(cfg) if (needs_sigma or (cfg.trace is None and cfg.trace_match)) \
      else None
  trace = None if cfg.trace is None else float(cfg.trace)
  if trace is not None and trace < 0:
    raise ValueError(f"noise.trace must be >= 0, got {trace}")
  return Structured(family, rank, structure, est, check_placement(cfg.placement), trace,
                    bool(cfg.trace_match))


# ---------------------------------------------------------------------------
# Structures built from Σ̂_sgd


def top_k_factor(a: jax.Array, w: float, k: int) -> tuple[jax.Array, jax.Array]:
  """Top-k eigenpairs of Σ̂ = w·AᵀA for rows A (R, d), as (γ (k,), F (k, d)) with FᵀF =
  Σ_{i≤k} γ_i v_i v_iᵀ (rows f_i = √γ_i v_i).

  R < d (zhu2019 §2.4): eigh of the R×R Gram matrix K = w·AAᵀ = WΓWᵀ, f_i = √w·Aᵀw_i, which
  never divides by a small γ_i. R ≥ d: eigh of the d×d matrix itself."""
  r, d = a.shape
  if k > min(r, d):
    raise ValueError(f"noise.k = {k} exceeds min(rows, d) = {min(r, d)} of the Σ_sgd estimate")
  if r >= d:
    gamma, vecs = eigh(w * (a.T @ a))
    gamma, vecs = gamma[::-1][:k], vecs[:, ::-1][:, :k]
    return gamma, jnp.sqrt(jnp.maximum(gamma, 0.0))[:, None] * vecs.T
  gram = w * (a @ a.T)
  gamma, vecs = eigh(0.5 * (gram + gram.T))
  wk = vecs[:, ::-1][:, :k]
  return gamma[::-1][:k], math.sqrt(w) * (wk.T @ a)


def _sigma_structure(kind: str, est: SigmaEstimator, k: int) -> StructureFn:
  def fn(params, cache, ctx, key):
    if kind in ("dynamic", "diag"):
      _, var = est.moments(params, ctx, key)
      tr = jnp.sum(var)
      if kind == "dynamic":
        return jnp.ones_like(var), tr
      return jnp.sqrt(jnp.maximum(var, 0.0)), tr
    a, w = est.rows(params, ctx, key)
    tr = w * _norm2(a)
    if kind == "full":
      return math.sqrt(w) * a, tr
    return top_k_factor(a, w, k)[1], tr

  return fn


GLD_SIGMA_KEYS = dict(COMMON, **TRACE_KEYS, **SIGMA_KEYS, refresh_every=1)

# kind -> cfg -> Structured, for the kinds whose noise is a cached structure (toys and tests read
# their exact covariance through it).
STRUCTURED: dict[str, Callable[[Any], Structured]] = {}


def register_structured(kind: str, **defaults):
  """Registers `build(cfg) -> Structured` as the noise kind `kind`."""

  def deco(build):
    def factory(cfg, *, seed: int):
      return build(cfg).transform(seed=seed, scale=cfg.scale, refresh_every=cfg.refresh_every,
                                  stop_step=stop_step_of(cfg))

    factory.__doc__ = build.__doc__
    STRUCTURED[kind] = build
    register(kind, **defaults)(factory)
    return build

  return deco


def structure_of(cfg) -> Structured | None:
  """The Structured behind `cfg.kind` (None for kinds drawn without a cached structure)."""
  build = STRUCTURED.get(cfg.kind)
  return None if build is None else build(cfg)


@register_structured("gld_dynamic", **GLD_SIGMA_KEYS)
def gld_dynamic(cfg) -> Structured:
  """GLD dynamic (zhu2019 Table 1): ε ~ N(0, σ_t²I), σ_t² = Tr Σ̂_sgd(θ_t)/D."""
  est = SigmaEstimator.from_cfg(cfg)
  return structured(cfg, "diag", 0, _sigma_structure("dynamic", est, 0), True)


@register_structured("gld_diag", **GLD_SIGMA_KEYS)
def gld_diag(cfg) -> Structured:
  """GLD diag (zhu2019 Table 1): ε ~ N(0, diag Σ̂_sgd(θ_t)); the trace matches by itself."""
  est = SigmaEstimator.from_cfg(cfg)
  return structured(cfg, "diag", 0, _sigma_structure("diag", est, 0), True)


@register_structured("gld_leading", **dict(GLD_SIGMA_KEYS, k=20))
def gld_leading(cfg) -> Structured:
  """GLD leading (zhu2019 Table 1): ε ~ N(0, σ_t Σ̃_t), Σ̃ = Σ_{i≤k} γ_i v_i v_iᵀ the top-k
  eigenpairs of Σ̂_sgd from the Gram matrix of its gradient rows (§2.4); σ_t = Tr Σ̂/Σγ_i
  with trace_match (default), σ_t = 1 without (zhu2019 code)."""
  est = SigmaEstimator.from_cfg(cfg)
  k = int(cfg.k)
  return structured(cfg, "lowrank", k, _sigma_structure("leading", est, k), True)


def _sgd_covariance_structure(cfg) -> Structured | None:
  est = SigmaEstimator.from_cfg(cfg)
  if cfg.refresh_every == 1 and cfg.trace is None:
    return None
  if est.method != "minibatch":
    raise ValueError("sgd_covariance with the 'per_example' estimator draws from the batch at "
                     "every step: use refresh_every = 1 without a fixed trace")
  return structured(cfg, "lowrank", est.num_minibatches, _sigma_structure("full", est, 0), True)


@register("sgd_covariance", **GLD_SIGMA_KEYS)
def sgd_covariance(cfg, *, seed: int):
  """Covariance-shaped noise ε ~ N(0, Σ̂_sgd): ε = Aᵀz/√(B−1) from minibatch gradients, or
  from the centred per-example gradients of the batch (ε = Aᵀz/√((B−1)m), estimator
  'per_example'). With refresh_every = 1 and no fixed trace each draw is one weighted backward
  pass (no B×d matrix); otherwise the rows are cached as the factor."""
  s = _sgd_covariance_structure(cfg)
  if s is not None:
    return s.transform(seed=seed, scale=cfg.scale, refresh_every=cfg.refresh_every,
                       stop_step=stop_step_of(cfg))
  check_placement(cfg.placement)
  est = SigmaEstimator.from_cfg(cfg)

  def draw(params, cache, ctx, key, grads):
    return flat(params)[1](est.sample(params, ctx, key))

  return noise_transform(draw, seed=seed, scale=cfg.scale, stop_step=stop_step_of(cfg))


STRUCTURED["sgd_covariance"] = _sgd_covariance_structure


# ---------------------------------------------------------------------------
# Isotropic noise with a fixed or learning-rate-tied variance


@register("isotropic", **dict(COMMON, sigma=1e-3, placement="gradient"))
def isotropic(cfg, *, seed: int):
  """GLD const / SGLD with fixed σ (zhu2019 Table 1): ε ~ N(0, σ²I); at 'parameter' placement
  ξ ~ N(0, σ²I) is added to the parameters (w ← w − η∇L + ξ), i.e. ε = ξ/η."""
  placement = check_placement(cfg.placement)
  sigma = float(cfg.sigma)

  def draw(params, cache, ctx, key, grads):
    f = sigma * placement_factor(placement, ctx.lr)
    return jax.tree.map(lambda z: (f * z).astype(z.dtype), normal_like(key, params))

  return noise_transform(draw, seed=seed, scale=cfg.scale, stop_step=stop_step_of(cfg))


@register("langevin", **dict(COMMON, temperature=1e-4))
def langevin(cfg, *, seed: int):
  """Langevin dynamics at temperature T: w ← w − η∇L + √(2ηT)·z, the Euler–Maruyama step of
  dθ = −∇L dt + √(2T) dW (stationary density ∝ exp(−L/T)); ε = √(2T/η)·z. SGLD on a mean
  loss over N examples is T = 1/N."""
  temperature = float(cfg.temperature)
  if temperature < 0:
    raise ValueError("noise.temperature must be >= 0")

  def draw(params, cache, ctx, key, grads):
    f = jnp.sqrt(2.0 * temperature / ctx.lr)
    return jax.tree.map(lambda z: (f * z).astype(z.dtype), normal_like(key, params))

  return noise_transform(draw, seed=seed, scale=cfg.scale, stop_step=stop_step_of(cfg))
