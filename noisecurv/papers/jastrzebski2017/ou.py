"""E0a/E0b: the stationary loss of SGD near a quadratic minimum (paper §2.2, Eq. 8–9).

Near a minimum L(θ) = ½(θ − θ*)ᵀH(θ − θ*) with gradient-noise covariance C = H, the SDE
dθ = −g dt + √(η/S) R dW (Eq. 5) is an Ornstein–Uhlenbeck process whose stationary
law is z ~ N(0, (η/2S)·I) in H's eigenbasis, so E[L] = (η/4S)·Tr H (Eq. 9; the paper's
quadratic omits the ½ that Eq. 9 uses).

Discrete SGD has exact stationary values that tend to Eq. 9 as η·λ_max → 0:

* Gaussian noise ε ~ N(0, H/S) (E0a): Var zᵢ = η/(S(2 − ηλᵢ)), so
  E[L] = Σᵢ ηλᵢ / (2S(2 − ηλᵢ))                                     (`ou_loss_exact`).
* Online least squares ½(y − wᵀx)², x ~ N(0, diag h), y = w*ᵀx + ξ, ξ ~ N(0, σ²) (E0b;
  C = σ²H at w*, so C = H for σ = 1): with δ = w − w* and P = E[δδᵀ], Isserlis' theorem
  gives E[ggᵀ] = (1 + 1/S)·HPH + (Tr(HP) + σ²)·H/S, and the fixed point of
  P ← P − η(HP + PH) + η²E[ggᵀ] is diagonal with pᵢ = η(T + σ²)/(S(2 − η(1 + 1/S)hᵢ)),
  T = Tr(HP). Solving for T: the excess loss E[L − L*] = T/2 = σ²A/(2(1 − A)) with
  A = (η/S) Σᵢ hᵢ/(2 − η(1 + 1/S)hᵢ)                              (`linreg_excess_exact`).
  The 1/(1 − A) factor is the multiplicative part of the noise, O(η Tr H/S).

Simulations run many independent chains (vmapped state, one `lax.fori_loop` over
steps) and return each chain's time average of the loss after a burn-in, so the
standard error of the ensemble mean is the chains' standard deviation over √chains.
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np


def log_spectrum(d: int, low: float = 0.1, high: float = 1.0) -> np.ndarray:
  """(d,) eigenvalues log-spaced in [low, high] (E0a's H and E0b's input variances)."""
  return np.logspace(np.log10(low), np.log10(high), d)


def ou_loss_exact(lam: np.ndarray, eta: float, s: float) -> float:
  """Σᵢ ηλᵢ/(2S(2 − ηλᵢ)): stationary E[L] of SGD with N(0, H/S) noise on ½θᵀHθ."""
  lam = np.asarray(lam, np.float64)
  if np.any(eta * lam >= 2):
    raise ValueError("unstable: η·λ_max must be < 2")
  return float(np.sum(eta * lam / (2 * s * (2 - eta * lam))))


def ou_loss_continuous(lam: np.ndarray, eta: float, s: float) -> float:
  """(η/4S)·Tr H, Eq. 9."""
  return float(eta / (4 * s) * np.sum(lam))


def linreg_excess_exact(h: np.ndarray, eta: float, s: int, sigma2: float = 1.0) -> float:
  """Stationary E[L − L*] of online SGD on least squares with x ~ N(0, diag h) (module doc)."""
  h = np.asarray(h, np.float64)
  denom = 2 - eta * (1 + 1 / s) * h
  if np.any(denom <= 0):
    raise ValueError("unstable: 2 − η(1 + 1/S)hᵢ must be > 0")
  a = eta / s * np.sum(h / denom)
  if a >= 1:
    raise ValueError(f"unstable: A = {a:.3g} >= 1")
  return float(sigma2 * a / (2 * (1 - a)))


def _time_average(step, loss, state0, key, n_burn, n_avg):
  """Runs `step(state, key_t)` n_burn + n_avg times; returns the mean of loss(state) over the
  last n_avg states (per chain: loss returns (chains,))."""

  def burn(t, st):
    return step(st, jax.random.fold_in(key, t))

  def avg(t, carry):
    st, acc = carry
    st = step(st, jax.random.fold_in(key, t))
    return st, acc + loss(st)

  state = jax.lax.fori_loop(0, n_burn, burn, state0)
  _, acc = jax.lax.fori_loop(n_burn, n_burn + n_avg, avg,
                             (state, jnp.zeros(loss(state0).shape, jnp.float32)))
  return acc / n_avg


@partial(jax.jit, static_argnames=("n_chains",))
def ou_chain_losses(key: jax.Array, lam: jax.Array, eta, s, n_burn, n_avg, *,
                    n_chains: int) -> jax.Array:
  """E0a: per-chain time-averaged L = ½Σλᵢzᵢ² of SGD z ← z − η(Λz + ε), ε ~ N(0, Λ/S).

  Works in H's eigenbasis (H = diag(lam)), where the H-shaped noise is independent per
  coordinate: the law is that of any H with this spectrum. Chains start at the minimum.
  lam: (D,); eta, s, n_burn, n_avg: scalars (traced). Returns (n_chains,) float32.
  """
  lam = jnp.asarray(lam, jnp.float32)
  noise_sd = jnp.sqrt(lam / s)

  def step(z, k):
    eps = noise_sd * jax.random.normal(k, z.shape, z.dtype)
    return z - eta * (lam * z + eps)

  def loss(z):
    return 0.5 * jnp.sum(lam * z * z, axis=-1)

  z0 = jnp.zeros((n_chains, lam.shape[0]), jnp.float32)
  return _time_average(step, loss, z0, key, n_burn, n_avg)


@partial(jax.jit, static_argnames=("n_chains", "batch_size"))
def linreg_chain_excess(key: jax.Array, h: jax.Array, eta, n_burn, n_avg, sigma, *,
                        n_chains: int, batch_size: int) -> jax.Array:
  """E0b: per-chain time-averaged excess loss ½δᵀHδ of online minibatch SGD on ½(y − wᵀx)².

  Each step draws a fresh batch x ~ N(0, diag h) (batch_size, d), ξ ~ N(0, σ²), and
  updates δ ← δ − (η/S) Σ x(xᵀδ − ξ) (δ = w − w*, so y − wᵀx = ξ − xᵀδ). Chains start
  at w*. Returns (n_chains,) float32.
  """
  h = jnp.asarray(h, jnp.float32)
  sd = jnp.sqrt(h)

  def step(delta, k):
    kx, ke = jax.random.split(k)
    x = sd * jax.random.normal(kx, (n_chains, batch_size, h.shape[0]), jnp.float32)
    xi = sigma * jax.random.normal(ke, (n_chains, batch_size), jnp.float32)
    with jax.default_matmul_precision("highest"):  # no TF32 in the gradient
      r = jnp.einsum("cbd,cd->cb", x, delta) - xi
      g = jnp.einsum("cbd,cb->cd", x, r) / batch_size
    return delta - eta * g

  def loss(delta):
    return 0.5 * jnp.sum(h * delta * delta, axis=-1)

  d0 = jnp.zeros((n_chains, h.shape[0]), jnp.float32)
  return _time_average(step, loss, d0, key, n_burn, n_avg)


def mean_se(x) -> tuple[float, float]:
  """Mean and standard error (ddof = 1) of independent per-chain values."""
  x = np.asarray(x, np.float64)
  return float(x.mean()), float(x.std(ddof=1) / np.sqrt(x.size))
