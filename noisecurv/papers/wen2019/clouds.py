"""W1 (Fig. 1): one-step noise clouds on a 2-D linear-regression toy.

Loss ℓᵢ(w) = ½(yᵢ − wᵀxᵢ)², L = (1/N)Σᵢℓᵢ, so H = XᵀX/N and the per-example gradients are
gᵢ = −(yᵢ − wᵀxᵢ)xᵢ with uncentred second moment C = (1/N)Σᵢgᵢgᵢᵀ (the paper's "empirical
Fisher"). From one point θ_k, R one-step updates θ_k − α·d for four update directions d:

  sgd    the mean gradient of a minibatch of M_S examples drawn without replacement
  iso    ∇L + ε, ε ~ N(0, σ²I)                                   (`isotropic`, σ = 0.1)
  full   ∇L + ε, Cov ε = c²·C, c² = 1/M_S − 1/M_L (Eq. 5)         (`lb_full`, Rademacher)
  diag   ∇L + ε, ε = c·√diag C ⊙ ξ (Algorithm 1)                  (`lb_diag`, per example)

with M_L = N (the "large batch" is the whole set). The noise comes from the same optax
transforms as training (`noisecurv.noise`), so the toy also checks them. The SGD cloud has
covariance α²(1/M_S − 1/N)·N/(N − 1)·Σ with Σ = C − ∇L∇Lᵀ, which is α²c²C up to the finite-
population factor and ‖∇L‖²/Tr C (tiny near the minimum).
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from noisecurv import losses
from noisecurv.noise import NoiseContext, set_key
from noisecurv.noise.transform import make_config
from noisecurv.registry import NOISES

REGIMES = ("sgd", "iso", "full", "diag")


def per_example_loss(w: jax.Array, x: jax.Array, y: jax.Array) -> jax.Array:
  """ℓᵢ = ½(yᵢ − wᵀxᵢ)², x (B, 2), y (B, 1) or (B,) -> (B,)."""
  return 0.5 * jnp.square(y.reshape(-1) - x @ w)


def mean_loss(w, x, y):
  return jnp.mean(per_example_loss(w, x, y))


def context(x: jax.Array, y: jax.Array, lr: float) -> NoiseContext:
  """The full-batch NoiseContext of the toy (batch = training set, M_L = N)."""
  return NoiseContext(
      loss_fn=mean_loss, per_example_loss_fn=per_example_loss,
      apply_fn=lambda w, xb: (xb @ w)[:, None], likelihood=losses.get("mse"),
      batch=(x, y), train_data=(x, y), lr=jnp.asarray(lr, jnp.float32),
      step=jnp.zeros([], jnp.int32))


def noise_configs(small_batch: int, sigma: float) -> dict:
  return {
      "iso": make_config("isotropic", sigma=sigma),
      "full": make_config("lb_full", small_batch=small_batch, matrix="C"),
      "diag": make_config("lb_diag", small_batch=small_batch, estimator="per_example"),
  }


@functools.partial(jax.jit, static_argnames=("small_batch", "sigma", "num_draws", "lr"))
def one_step_clouds(key: jax.Array, x: jax.Array, y: jax.Array, theta: jax.Array, *, lr: float,
                    small_batch: int, sigma: float, num_draws: int) -> jax.Array:
  """(4, R, 2): R one-step updates from theta per regime, in the order of REGIMES."""
  n = x.shape[0]
  ctx = context(x, y, lr)
  g = jax.grad(mean_loss)(theta, x, y)
  keys = jax.random.split(key, len(REGIMES))

  def sgd(k):
    idx = jax.random.permutation(k, n)[:small_batch]
    return theta - lr * jax.grad(mean_loss)(theta, x[idx], y[idx])

  out = [jax.vmap(sgd)(jax.random.split(keys[0], num_draws))]
  for i, (_, cfg) in enumerate(noise_configs(small_batch, sigma).items(), start=1):
    tx = NOISES.get(cfg.kind).fn(cfg, seed=0)

    def noisy(k, tx=tx):
      state = set_key(tx.init(theta), k)
      u, _ = tx.update(g, state, theta, noise_ctx=ctx)
      return theta - lr * u

    out.append(jax.vmap(noisy)(jax.random.split(keys[i], num_draws)))
  return jnp.stack(out)


def start_point(x: np.ndarray, y: np.ndarray, offset=(0.1, -0.1)) -> tuple[np.ndarray, np.ndarray]:
  """(w_LS, θ_k = w_LS + offset), least squares in float64."""
  w_ls = np.linalg.lstsq(np.asarray(x, np.float64), np.asarray(y, np.float64).reshape(-1),
                         rcond=None)[0]
  return w_ls, w_ls + np.asarray(offset, np.float64)


def moments(x: np.ndarray, y: np.ndarray, theta: np.ndarray) -> dict[str, np.ndarray]:
  """H, C, Σ, ∇L at theta (float64 numpy, the toy's exact matrices)."""
  x = np.asarray(x, np.float64)
  r = np.asarray(y, np.float64).reshape(-1) - x @ theta
  g = -r[:, None] * x
  c = g.T @ g / x.shape[0]
  gbar = g.mean(0)
  return {"H": x.T @ x / x.shape[0], "C": c, "Sigma": c - np.outer(gbar, gbar), "grad": gbar}


def cloud_stats(cloud: np.ndarray) -> dict[str, np.ndarray]:
  """Covariance (2, 2), correlation and top principal axis (unit, sign-fixed) of (R, 2) points."""
  cov = np.cov(np.asarray(cloud, np.float64).T)
  corr = cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1])
  w, v = np.linalg.eigh(cov)
  axis = v[:, -1] * np.sign(v[:, -1].sum() or 1.0)
  return {"cov": cov, "corr": float(corr), "axis": axis}


def summary(clouds: np.ndarray, mom: dict[str, np.ndarray], *, lr: float, small_batch: int,
            sigma: float) -> dict[str, float]:
  """The W1 measurements (spec pass criteria (a)–(d) and the reference values)."""
  st = {r: cloud_stats(c) for r, c in zip(REGIMES, clouds)}
  h_w, h_v = np.linalg.eigh(mom["H"])
  h_top = h_v[:, -1]
  sgd, full, diag, iso = (st[r]["cov"] for r in ("sgd", "full", "diag", "iso"))
  row = {
      "rel_fro_sgd_full": float(np.linalg.norm(sgd - full) / np.linalg.norm(sgd)),
      "cos_full_axis_h": float(abs(st["full"]["axis"] @ h_top)),
      "cos_sgd_axis_h": float(abs(st["sgd"]["axis"] @ h_top)),
      "corr_diag": st["diag"]["corr"],
      "diag_var_ratio_max": float(np.max(np.abs(np.diag(diag) / np.diag(full) - 1.0))),
      "iso_rel_err": float(np.max(np.abs(iso / (lr**2 * sigma**2) - np.eye(2)))),
      "h_eig_min": float(h_w[0]), "h_eig_max": float(h_w[1]),
      "grad_sq_over_tr_c": float(mom["grad"] @ mom["grad"] / np.trace(mom["C"])),
  }
  for r in REGIMES:
    c = st[r]["cov"]
    row.update({f"{r}/cov00": c[0, 0], f"{r}/cov01": c[0, 1], f"{r}/cov11": c[1, 1],
                f"{r}/corr": st[r]["corr"], f"{r}/axis0": st[r]["axis"][0],
                f"{r}/axis1": st[r]["axis"][1]})
  return {k: float(v) for k, v in row.items()}


def loss_grid(x: np.ndarray, y: np.ndarray, center: np.ndarray, half_width: float, n: int = 81
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
  """(w1 (n,), w2 (n,), L (n, n) with L[i, j] = L(w1[j], w2[i])) around `center`, for contours."""
  w1 = np.linspace(center[0] - half_width, center[0] + half_width, n)
  w2 = np.linspace(center[1] - half_width, center[1] + half_width, n)
  ww = np.stack(np.meshgrid(w1, w2), -1).reshape(-1, 2)
  x = np.asarray(x, np.float64)
  r = np.asarray(y, np.float64).reshape(1, -1) - ww @ x.T
  return w1, w2, (0.5 * np.mean(r * r, axis=1)).reshape(n, n)
