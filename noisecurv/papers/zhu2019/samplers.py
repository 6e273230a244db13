"""E0 (Table 1): every sampler of the noise transforms against its target covariance.

A tiny problem: a 2–3–3 tanh MLP (D = 21) with softmax cross-entropy on N = 24 points of
three Gaussian blobs, trained by full-batch GD close to a minimum (so that H is nearly PSD
and power iteration finds λ₁). Σ̂_sgd uses the 'minibatch' estimator with B = N minibatches
of m = 1, so it is the sample covariance S = (1/(N − 1)) Σ(g_i − ḡ)(g_i − ḡ)ᵀ whichever
permutation the key draws. Targets (float64, brute force: a Python loop of jax.grad and a
dense jax.hessian):

| sampler        | Cov ε target                              |
|----------------|-------------------------------------------|
| gld_const      | σ²I                                       |
| gld_dynamic    | (Tr S/D)·I                                |
| gld_diag       | diag S                                    |
| gld_leading    | top-k(S) scaled to trace Tr S             |
| gld_hessian    | top-k(H)⁺ scaled to trace Tr S            |
| gld_first_eig  | Tr S·u₁u₁ᵀ                                |
| sgd_covariance | S                                         |
| sgd            | g_B − ḡ, |B| = m without replacement: S·(N − m)/(mN) |

Each sampler draws `n_draws` ε with its structure computed once (refreshed at step 0 only);
the program logs the relative Frobenius error of E[εεᵀ] (spec: < 5%) and E‖ε‖²/Tr S (spec:
within 3% for the trace-matched kinds).
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
from jax.flatten_util import ravel_pytree

from noisecurv import losses
from noisecurv.noise import set_key
from noisecurv.noise.context import NoiseContext
from noisecurv.noise.transform import make_config
from noisecurv.registry import NOISES

SAMPLER_DEFAULTS = dict(n_draws=20000, n_points=24, hidden=3, k=3, sigma=0.3, sgd_batch=4,
                        power_steps=500, gd_steps=300, gd_lr=0.5, draw_batch=2000)
TRACE_MATCHED = ("gld_dynamic", "gld_diag", "gld_leading", "gld_hessian", "gld_first_eig")
BIG = 10**9  # refresh_every that never comes due after step 0
CE = losses.get("softmax_cross_entropy")


def problem(seed: int, n: int, hidden: int):
  """(x (n, 2), y (n,), params): three blobs and a 2–hidden–3 tanh MLP."""
  rng = np.random.default_rng(seed)
  centres = np.array([[1.0, 0.0], [-0.5, 0.8], [-0.5, -0.8]])
  y = np.arange(n) % 3
  x = centres[y] + 0.6 * rng.standard_normal((n, 2))
  params = {"w1": 0.5 * rng.standard_normal((2, hidden)), "b1": np.zeros(hidden),
            "w2": 0.5 * rng.standard_normal((hidden, 3)), "b2": np.zeros(3)}
  return (jnp.asarray(x, jnp.float32), jnp.asarray(y, jnp.int32),
          jax.tree.map(lambda a: jnp.asarray(a, jnp.float32), params))


def forward(p, x):
  return jnp.tanh(x @ p["w1"] + p["b1"]) @ p["w2"] + p["b2"]


def per_example_loss(p, x, y):
  return CE.loss(forward(p, x), y)


def mean_loss(p, x, y):
  return jnp.mean(per_example_loss(p, x, y))


def context(x, y) -> NoiseContext:
  return NoiseContext(loss_fn=mean_loss, per_example_loss_fn=per_example_loss, apply_fn=forward,
                      likelihood=CE, batch=(x, y), train_data=(x, y),
                      lr=jnp.float32(0.1), step=jnp.int32(0))


def targets64(params, x, y, e) -> dict[str, np.ndarray]:
  """Every target covariance in float64 (a loop of per-example gradients; dense Hessian)."""
  with jax.enable_x64(True):
    p64 = jax.tree.map(lambda a: jnp.asarray(a, jnp.float64), params)
    flat, unravel = ravel_pytree(p64)
    x64, n = jnp.asarray(x, jnp.float64), x.shape[0]
    grad = jax.jit(lambda xi, yi: ravel_pytree(jax.grad(mean_loss)(p64, xi, yi))[0])
    g = np.stack([np.asarray(grad(x64[i:i + 1], y[i:i + 1])) for i in range(n)])
    h = np.asarray(jax.jit(jax.hessian(lambda t: mean_loss(unravel(t), x64, y)))(flat))
  a = g - g.mean(0)
  s = a.T @ a / (n - 1)
  d = s.shape[0]
  tr = np.trace(s)

  def top(mat, k):
    lam, vecs = np.linalg.eigh(0.5 * (mat + mat.T))
    lam, vecs = lam[::-1][:k], vecs[:, ::-1][:, :k]
    out = (vecs * np.maximum(lam, 0.0)) @ vecs.T
    return out * (tr / np.trace(out))

  m = int(e.sgd_batch)
  return {"gld_const": e.sigma**2 * np.eye(d), "gld_dynamic": tr / d * np.eye(d),
          "gld_diag": np.diag(np.diag(s)), "gld_leading": top(s, e.k),
          "gld_hessian": top(h, e.k), "gld_first_eig": top(h, 1), "sgd_covariance": s,
          "sgd": s * (n - m) / (m * n), "_tr_sigma": np.array(tr)}


def _noise_cfg(name: str, e, d: int):
  mb = dict(estimator="minibatch", num_minibatches=int(e.n_points), minibatch_size=1)
  if name == "gld_const":
    return make_config("isotropic", sigma=float(e.sigma))
  if name == "sgd_covariance":
    return make_config(name, **mb)
  extra = {"gld_leading": dict(k=int(e.k)), "gld_hessian": dict(k=int(e.k), lanczos_steps=d),
           "gld_first_eig": dict(power_steps=int(e.power_steps))}.get(name, {})
  return make_config(name, refresh_every=BIG, **mb, **extra)


def draws(name: str, e, params, x, y, key) -> np.ndarray:
  """(n_draws, D) noise draws ε of sampler `name` (gradient level)."""
  flat, unravel = ravel_pytree(params)
  keys = jax.random.split(key, int(e.n_draws))
  if name == "sgd":
    n, m = x.shape[0], int(e.sgd_batch)
    full = ravel_pytree(jax.grad(mean_loss)(params, x, y))[0]

    def one(k):
      idx = jax.lax.top_k(jax.random.uniform(k, (n,)), m)[1]
      return ravel_pytree(jax.grad(mean_loss)(params, x[idx], y[idx]))[0] - full
  else:
    cfg = _noise_cfg(name, e, flat.shape[0])
    tx = NOISES.get(cfg.kind).fn(cfg, seed=0)
    ctx = context(x, y)
    zero = jax.tree.map(jnp.zeros_like, params)
    _, state = tx.update(zero, tx.init(params), params, noise_ctx=ctx)  # structure at step 0

    def one(k):
      return ravel_pytree(tx.update(zero, set_key(state, k), params, noise_ctx=ctx)[0])[0]
  with jax.default_matmul_precision("highest"):
    out = jax.jit(lambda ks: jax.lax.map(one, ks, batch_size=int(e.draw_batch)))(keys)
  return np.asarray(out, np.float64)


def fit(params, x, y, steps: int, lr: float):
  """Full-batch GD close to a minimum."""

  @jax.jit
  def run(p):
    def body(p, _):
      g = jax.grad(mean_loss)(p, x, y)
      return jax.tree.map(lambda a, b: a - lr * b, p, g), None

    return jax.lax.scan(body, p, None, length=steps)[0]

  return run(params)


def check_noise_samplers(config, run) -> None:
  """E0: rel. Frobenius error of E[εεᵀ] and E‖ε‖²/Tr S for every sampler (one metrics row)."""
  e = config.experiment
  x, y, params = problem(int(config.seed), int(e.n_points), int(e.hidden))
  params = fit(params, x, y, int(e.gd_steps), float(e.gd_lr))
  tgt = targets64(params, x, y, e)
  tr_s = float(tgt.pop("_tr_sigma"))
  row = {"step": 0, "D": int(ravel_pytree(params)[0].shape[0]), "tr_sigma": tr_s,
         "grad_norm": float(jnp.linalg.norm(ravel_pytree(jax.grad(mean_loss)(params, x, y))[0])),
         "wishart_rel_fro_isotropic": math.sqrt((tgt["gld_const"].shape[0] + 1) / e.n_draws)}
  for i, (name, target) in enumerate(tgt.items()):
    eps = draws(name, e, params, x, y, jax.random.fold_in(jax.random.key(config.seed), i))
    emp = eps.T @ eps / eps.shape[0]
    row[f"{name}/rel_fro"] = float(np.linalg.norm(emp - target) / np.linalg.norm(target))
    row[f"{name}/trace_ratio"] = float(np.mean(np.sum(eps**2, 1)) / np.trace(target))
    row[f"{name}/trace_vs_tr_sigma"] = float(np.mean(np.sum(eps**2, 1)) / tr_s)
  run.log(row)
