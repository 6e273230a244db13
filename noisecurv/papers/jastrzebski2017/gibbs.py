"""E0d: the Gibbs law of the isotropic SDE and the Laplace ratio of two minima (paper §2.3).

For C = σ²I the SDE dθ = −∇L dt + √T dW with T = ησ²/S (Eq. 10–11) has the stationary
density ∝ exp(−2L/T). The paper writes exp(−L/(2T)), a factor 4 off in the exponent
(spec §6 #1); only exp(−2L/T) gives Var z = η/(2S) for L = ½λz² with σ² = λ, as Eq. 9
needs. Both are available here as `exponent='corrected' | 'paper'`.

The landscape is a 1-D pair of quadratic wells, L(θ) = min(½k_A(θ − a)² + L_A,
½k_B(θ − b)² + L_B), with A at a = −0.5 and B at b = +0.5. Basin A is θ < θ_b, where θ_b
is the point between the minima at which the two branches are equal (a cusp, the
barrier). Occupancies come from quadrature on a fine grid; the small-T Laplace
approximation of the basin masses gives (Eq. 12, corrected exponent)

    p_A/p_B = √(k_B/k_A) · exp(2(L_B − L_A)/T)      (paper: exp((L_B − L_A)/(2T))).

Simulations (`occupancy_chains`) run Euler–Maruyama chains of the SDE, or discrete SGD
θ ← θ − η(L′(θ) + ε̄), where ε̄ is the mean of S per-example noises σ·rₙ with Rademacher
rₙ (so only the minibatch average is near-Gaussian, as for real gradient noise); SGD is
the Euler–Maruyama scheme with dt = η and T = ησ²/S.
"""

from __future__ import annotations

import dataclasses
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

EXPONENTS = {"corrected": 2.0, "paper": 0.5}  # density ∝ exp(−c·L/T)


@dataclasses.dataclass(frozen=True)
class DoubleWell:
  """min(½k_a(θ − a)² + l_a, ½k_b(θ − b)² + l_b); A (at a) is the left well."""

  k_a: float
  k_b: float
  l_b: float
  l_a: float = 0.0
  a: float = -0.5
  b: float = 0.5

  def loss(self, th, xp=np):
    return xp.minimum(0.5 * self.k_a * (th - self.a) ** 2 + self.l_a,
                      0.5 * self.k_b * (th - self.b) ** 2 + self.l_b)

  def grad(self, th, xp=jnp):
    la = 0.5 * self.k_a * (th - self.a) ** 2 + self.l_a
    lb = 0.5 * self.k_b * (th - self.b) ** 2 + self.l_b
    return xp.where(la <= lb, self.k_a * (th - self.a), self.k_b * (th - self.b))

  def barrier(self) -> float:
    """The θ in (a, b) where the two branches are equal."""
    # ½k_a(θ−a)² + l_a = ½k_b(θ−b)² + l_b  ⇔  pθ² + qθ + r = 0
    p = 0.5 * (self.k_a - self.k_b)
    q = -self.k_a * self.a + self.k_b * self.b
    r = 0.5 * self.k_a * self.a**2 - 0.5 * self.k_b * self.b**2 + self.l_a - self.l_b
    roots = np.roots([p, q, r]) if abs(p) > 0 else np.array([-r / q])
    inside = [float(t.real) for t in np.atleast_1d(roots)
              if abs(t.imag) < 1e-12 and self.a < t.real < self.b]
    if len(inside) != 1:
      raise ValueError(f"no unique barrier between the wells: roots {roots}")
    return inside[0]


def _grid(well: DoubleWell, t: float, exponent: str, lo=-8.0, hi=8.0, n=400_001):
  th = np.linspace(lo, hi, n)
  c = EXPONENTS[exponent]
  ell = well.loss(th)
  return th, np.exp(-c * (ell - ell.min()) / t)


def basin_masses(well: DoubleWell, t: float, exponent: str = "corrected") -> tuple[float, float]:
  """(p_A, p_B): quadrature of the normalised density over θ < θ_b and θ > θ_b."""
  th, dens = _grid(well, t, exponent)
  z = np.trapezoid(dens, th)
  left = th < well.barrier()
  pa = np.trapezoid(dens * left, th) / z
  return float(pa), float(1.0 - pa)


def laplace_ratio(well: DoubleWell, t: float, exponent: str = "corrected") -> float:
  """p_A/p_B ≈ √(k_B/k_A)·exp(c(L_B − L_A)/T), c = 2 (corrected) or ½ (paper)."""
  c = EXPONENTS[exponent]
  return float(np.sqrt(well.k_b / well.k_a) * np.exp(c * (well.l_b - well.l_a) / t))


@partial(jax.jit, static_argnames=("well", "n_chains", "batch_size"))
def occupancy_chains(key: jax.Array, well: DoubleWell, dt, noise_sd, n_steps, n_discard,
                     theta0, *, n_chains: int, batch_size: int = 0) -> jax.Array:
  """Per-chain fraction of the steps after n_discard spent in basin A (θ < θ_b).

  batch_size = 0: Euler–Maruyama θ ← θ − L′dt + noise_sd·ξ, ξ ~ N(0, 1), with
  noise_sd = √(T·dt). batch_size = S > 0: SGD with dt = η and noise η·ε̄, ε̄ the mean of S
  Rademacher per-example noises times σ, so pass noise_sd = η·σ (T = ησ²/S).
  Chains start at theta0. Returns (n_chains,) float32.
  """
  thb = well.barrier()

  def step(t, carry):
    th, count = carry
    k = jax.random.fold_in(key, t)
    if batch_size:
      r = jax.random.rademacher(k, (n_chains, batch_size), jnp.float32)
      noise = noise_sd * jnp.mean(r, axis=1)
    else:
      noise = noise_sd * jax.random.normal(k, (n_chains,), jnp.float32)
    th = th - dt * well.grad(th) + noise
    count = count + jnp.where(t >= n_discard, (th < thb).astype(jnp.float32), 0.0)
    return th, count

  th0 = jnp.full((n_chains,), theta0, jnp.float32)
  _, count = jax.lax.fori_loop(0, n_steps, step, (th0, jnp.zeros((n_chains,), jnp.float32)))
  return count / (n_steps - n_discard)
