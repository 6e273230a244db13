"""The two-basin 2-D toy of zhu2019 (App. D.1, spec E1–E2): escaping a sharp minimum.

Loss (θ = π/4, N = 100 points x ∈ ℝ², s = w − 1 − x):

    ℓ(w; x) = min{ 10(s₁cosθ − s₂sinθ)² + 100(s₁cosθ + s₂sinθ)²,  ‖w − x + 1‖² },
    L(w) = (1/N) Σ_k ℓ(w; x_k),

a sharp minimum near (1, 1) with H = [[110, 90], [90, 110]] (eigenvalues 200 along (1,1),
20 along (1,−1)) and a flat one near (−1, −1) with H = 2I. Data (zhu2019 code, spec §6 #1):
x = 0.01·(z ⊙ (√10, 1))·K, z ~ N(0, I₂), K the rotation by θ, so Cov x = 0.02·H_sharp⁻¹.

`escape_runs` starts every dynamic at (1, 1) and runs w ← w − η∇L(w) + ξ for `steps` steps
with E‖ξ‖² = `noise_trace` (parameter placement, spec §2.1), the noise from the same optax
transforms as training (`noisecurv.noise` kinds, refreshed every step from all 100 points).
Runs are vmapped, steps scanned, all dynamics in one jit; each run draws its own data, shared
by the dynamics, and every dynamic its own noise.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import jax
import jax.numpy as jnp
import optax

from noisecurv.losses import Likelihood
from noisecurv.noise import gld
from noisecurv.noise.context import NoiseContext
from noisecurv.noise.transform import make_config, set_key
from noisecurv.registry import NOISES

THETA = math.pi / 4
N_POINTS = 100
START = (1.0, 1.0)
H_SHARP = ((110.0, 90.0), (90.0, 110.0))
DYNAMICS = ("gd", "gld_const", "gld_diag", "gld_leading", "gld_hessian", "gld_first_eig")


def sample_data(key: jax.Array, n: int = N_POINTS) -> jax.Array:
  """(n, 2) points x = 0.01·(z ⊙ (√10, 1))·K (row vectors), K = [[cos, −sin], [sin, cos]]."""
  c, s = math.cos(THETA), math.sin(THETA)
  k = jnp.array([[c, -s], [s, c]], jnp.float32)
  z = jax.random.normal(key, (n, 2), jnp.float32)
  return 0.01 * (z * jnp.array([math.sqrt(10.0), 1.0], jnp.float32)) @ k


def _branches(w: jax.Array, x: jax.Array) -> tuple[jax.Array, jax.Array]:
  c, s = math.cos(THETA), math.sin(THETA)
  s1 = w[0] - 1.0 - x[:, 0]
  s2 = w[1] - 1.0 - x[:, 1]
  sharp = 10.0 * (s1 * c - s2 * s) ** 2 + 100.0 * (s1 * c + s2 * s) ** 2
  flat = (w[0] - x[:, 0] + 1.0) ** 2 + (w[1] - x[:, 1] + 1.0) ** 2
  return sharp, flat


def example_loss(w: jax.Array, x: jax.Array) -> jax.Array:
  """ℓ(w; x_k) for every row of x (n, 2) -> (n,)."""
  return jnp.minimum(*_branches(w, x))


def in_sharp_basin(w: jax.Array, x: jax.Array) -> jax.Array:
  """True where every point's loss is on its sharp branch, so H(w) = H_SHARP exactly."""
  sharp, flat = _branches(w, x)
  return jnp.all(sharp < flat)


def loss(w: jax.Array, x: jax.Array) -> jax.Array:
  return jnp.mean(example_loss(w, x))


# The toy loss is not the likelihood of a model output: kinds that sample labels from the model
# (lb_full with matrix 'F') do not apply here.
TOY_LIKELIHOOD = Likelihood("toy2d", loss=lambda f, y: f[:, 0], sample=None, output_hvp=None,
                            correct=None)


def context(x: jax.Array, lr: float, step: jax.Array) -> NoiseContext:
  """Full-batch context: the batch and the training split are the run's 100 points."""
  y = jnp.zeros((x.shape[0],), jnp.int32)
  return NoiseContext(
      loss_fn=lambda w, xb, yb: loss(w, xb),
      per_example_loss_fn=lambda w, xb, yb: example_loss(w, xb),
      apply_fn=lambda w, xb: example_loss(w, xb)[:, None],
      likelihood=TOY_LIKELIHOOD, batch=(x, y), train_data=(x, y),
      lr=jnp.asarray(lr, jnp.float32), step=step)


def noise_config(dynamic: str, noise_trace: float):
  """The noise section of a toy dynamic (spec E2): every noisy one has E‖ξ‖² = noise_trace at
  parameter placement; Σ_sgd structures use the centred per-example covariance of all points."""
  par = dict(placement="parameter", trace=noise_trace, refresh_every=1)
  pe = dict(estimator="per_example", minibatch_size=1)
  if dynamic == "gd":
    return make_config("none")
  if dynamic == "gld_const":
    return make_config("isotropic", sigma=math.sqrt(noise_trace / 2), placement="parameter")
  if dynamic == "gld_diag":
    return make_config("gld_diag", **par, **pe)
  if dynamic == "gld_leading":
    return make_config("gld_leading", k=2, **par, **pe)
  if dynamic == "gld_hessian":
    return make_config("gld_hessian", k=2, lanczos_steps=2, warm_start=False, **par)
  if dynamic == "gld_first_eig":
    return make_config("gld_first_eig", power_steps=30, **par)
  raise ValueError(f"unknown toy dynamic {dynamic!r}; known: {DYNAMICS}")


def _noise_covariance(cfg, state, lr: float) -> jax.Array:
  """Cov ξ_t (2, 2) of the step's parameter-level noise."""
  if cfg.kind == "none":
    return jnp.zeros((2, 2), jnp.float32)
  if cfg.kind == "isotropic":
    return jnp.eye(2, dtype=jnp.float32) * cfg.sigma**2
  s = gld.structure_of(cfg)
  return s.covariance(state.cache, jnp.asarray(lr, jnp.float32)) * lr**2


def _runs(cfg, xs: jax.Array, keys: jax.Array, lr: float, steps: int):
  """All runs of one dynamic: a scan over steps of the update vmapped over runs."""
  tx = optax.chain(NOISES.get(cfg.kind).fn(cfg, seed=0), optax.sgd(lr))
  w0 = jnp.broadcast_to(jnp.array(START, jnp.float32), (xs.shape[0], 2))
  state = jax.vmap(tx.init)(w0)
  if cfg.kind != "none":
    state = jax.vmap(set_key)(state, keys)
  hess = jax.hessian(loss)

  def one(w, s, x, t):
    g = jax.grad(loss)(w, x)
    u, s = tx.update(g, s, w, noise_ctx=context(x, lr, t))
    tr_h_sigma = jnp.sum(hess(w, x) * _noise_covariance(cfg, s[0], lr))
    return w + u, s, tr_h_sigma

  def step(carry, t):
    w, s = carry
    w_new, s, tr = jax.vmap(one, in_axes=(0, 0, 0, None))(w, s, xs, t)
    return (w_new, s), (w[0], tr[0])

  (w, _), (traj, tr) = jax.lax.scan(step, (w0, state), jnp.arange(steps))
  return w, jnp.concatenate([traj, w[:1]]), tr


def in_flat_basin(w: jax.Array) -> jax.Array:
  """Success of a run (zhu2019 code): w₁ < −0.5 and w₂ < −0.5."""
  return (w[..., 0] < -0.5) & (w[..., 1] < -0.5)


@functools.partial(jax.jit, static_argnames=("n_runs", "dynamics", "lr", "steps", "noise_trace"))
def _escape(key, n_runs: int, dynamics: tuple[str, ...], lr: float, steps: int,
            noise_trace: float):
  k_data, k_noise = jax.random.split(key)
  xs = jax.vmap(sample_data)(jax.random.split(k_data, n_runs))
  out = {}
  for j, name in enumerate(dynamics):
    cfg = noise_config(name, noise_trace)
    keys = jax.random.split(jax.random.fold_in(k_noise, j), n_runs)
    w, traj, tr = _runs(cfg, xs, keys, lr, steps)
    out[name] = dict(final=w, success=in_flat_basin(w), trajectory=traj, tr_h_sigma=tr)
  return out, xs[0]


def escape_runs(key: jax.Array, n_runs: int, dynamics: Sequence[str] = DYNAMICS,
                lr: float = 0.005, steps: int = 500, noise_trace: float = 0.01) -> dict:
  """zhu2019 Fig. 2 dynamics from (1, 1): {dynamic: {final (R, 2), success (R,) bool,
  trajectory (steps+1, 2) of run 0, tr_h_sigma (steps,) Tr(H_tΣ_t) of run 0 with Σ_t = Cov ξ_t}}
  plus 'data' (100, 2), the points of run 0."""
  out, x0 = _escape(key, int(n_runs), tuple(dynamics), float(lr), int(steps), float(noise_trace))
  out = dict(out)
  out["data"] = x0
  return out
