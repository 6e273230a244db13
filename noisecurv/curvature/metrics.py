"""Paper metrics built on the kernels (dense for small d, matrix-free where noted).

thomas2020 (spec §2.4–2.10): TIC = Tr(H⁺_τ C)/N with τ = 1e-3 and N the
training-set size, H and C on a held-out sample; TIC_F = Tr(F⁺_τ C)/N; the trace
ratio Tr(C)/Tr(F) (also /N and ·d/N); AIC = d/N; input sensitivity; scale and
angle similarities r(A, B) = Tr A/Tr B and s(A, B) = ⟨A, B⟩_F/(‖A‖_F‖B‖_F);
‖F − C‖²_F with its relative and trace-normalised versions.

zhu2019 (spec §2.5): Tr(HΣ), Tr(HΣ̄) with Σ̄ = (Tr Σ/D)·I, the projection
coefficient â = u₁ᵀΣu₁ · Tr H/(λ₁ Tr Σ), and the expected sharpness
(1/M) Σⱼ L(θ + νⱼ) − L(θ), νⱼ ~ N(0, δ²I) (signed, and the mean |ΔL|).

jastrzebski2017 (spec §2.6): 1-D interpolation θ_α = (1 − α)θ_A + αθ_B.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree

from noisecurv.curvature.dense import eigh_descending
from noisecurv.curvature.precision import highest
from noisecurv.curvature.solve import cutoff_mask, trace_pinv_gram, trace_pinv_product
from noisecurv.curvature.trace import Estimate

PyTree = Any

TIC_TAU = 1e-3  # thomas2020 App. B.1


# -- thomas2020 -----------------------------------------------------------------


def tic(h: jax.Array, c: jax.Array, n_train: int, tau: float = TIC_TAU) -> dict[str, jax.Array]:
  """TIC = Tr(H⁺_τ C)/N (dense H, C); also the raw trace and k = |𝒦|."""
  w, u = eigh_descending(h)
  tr, k = trace_pinv_product(w, u, c, tau)
  return {"tic": tr / n_train, "trace": tr, "k": k}


def tic_from_grads(h: jax.Array, grads: jax.Array, n_train: int, tau: float = TIC_TAU
                   ) -> dict[str, jax.Array]:
  """TIC with C = GᵀG/M given the per-example gradients G (M×d) (spec §2.4, second form)."""
  w, u = eigh_descending(h)
  tr, k = trace_pinv_gram(w, u, grads, tau)
  return {"tic": tr / n_train, "trace": tr, "k": k}


def tic_fisher(f: jax.Array, c: jax.Array, n_train: int, tau: float = TIC_TAU
               ) -> dict[str, jax.Array]:
  """TIC_F = Tr(F⁺_τ C)/N, the same cutoff applied to F (spec §2.8)."""
  return tic(f, c, n_train, tau)


def trace_ratio(tr_c: jax.Array, tr_f: jax.Array, n_train: int, d: int) -> dict[str, jax.Array]:
  """Tr(C)/Tr(F), and the /N and d/N scalings the spec logs beside it (§2.8)."""
  r = tr_c / tr_f
  return {"ratio": r, "ratio_over_n": r / n_train, "d_ratio_over_n": d * r / n_train}


def aic(d: int, n_train: int) -> float:
  """AIC = d/N (thomas2020 §4.1; d counts trainable parameters)."""
  return d / n_train


def frob_inner(a: jax.Array, b: jax.Array) -> jax.Array:
  return jnp.sum(a * b)


def scale_similarity(a: jax.Array, b: jax.Array) -> jax.Array:
  """r(A, B) = Tr A / Tr B."""
  return jnp.trace(a) / jnp.trace(b)


def angle_similarity(a: jax.Array, b: jax.Array) -> jax.Array:
  """s(A, B) = ⟨A, B⟩_F / (‖A‖_F ‖B‖_F), the cosine between matrices."""
  return frob_inner(a, b) / (jnp.linalg.norm(a) * jnp.linalg.norm(b))


def fc_discrepancy(f: jax.Array, c: jax.Array) -> dict[str, jax.Array]:
  """‖F − C‖²_F, ‖F − C‖²_F/‖F‖²_F and ‖F/Tr F − C/Tr C‖²_F (spec §2.10)."""
  diff = jnp.sum(jnp.square(f - c))
  return {"abs": diff, "rel": diff / jnp.sum(jnp.square(f)),
          "trace_normalized": jnp.sum(jnp.square(f / jnp.trace(f) - c / jnp.trace(c)))}


def second_moment_norms(g: jax.Array) -> dict[str, jax.Array]:
  """wen2019 §2.9 from per-example gradients G (n×d), through the n×n Gram matrix only.

  ‖C‖²_F = ‖GGᵀ‖²_F/n² and ‖diag C‖²_F = Σ_p ((1/n) Σᵢ G²ᵢₚ)², each with its U-statistic
  (i ≠ j) version, which removes the O(1/n) self-term bias:
  Σ_{i≠j} (gᵢᵀgⱼ)²/(n(n − 1)) and (‖s‖² − Σ_p q_p)/(n(n − 1)), s = Σᵢ gᵢ⊙gᵢ, q = Σᵢ (gᵢ⊙gᵢ)².
  """
  n = g.shape[0]
  with highest():
    k = g @ g.T
  sq = jnp.square(g)
  s, q = jnp.sum(sq, 0), jnp.sum(jnp.square(sq), 0)
  k2, kd2 = jnp.sum(jnp.square(k)), jnp.sum(jnp.square(jnp.diagonal(k)))
  return {"c_fro_sq": k2 / n**2, "c_fro_sq_u": (k2 - kd2) / (n * (n - 1)),
          "diag_c_fro_sq": jnp.sum(jnp.square(s / n)),
          "diag_c_fro_sq_u": (jnp.sum(jnp.square(s)) - jnp.sum(q)) / (n * (n - 1))}


def numerical_rank(eigvals: jax.Array, tau: float = TIC_TAU) -> jax.Array:
  """|{i : λᵢ > τ λ_max}|."""
  return jnp.sum(cutoff_mask(eigvals, tau))


def random_lowrank_similarity(key: jax.Array, d: int, k: int) -> jax.Array:
  """s(W₁W₁ᵀ, W₂W₂ᵀ) for Gaussian Wᵢ ∈ ℝ^{d×k} (the spec's baseline, ≈ k/(d + k)).

  Uses k×k Gram matrices: ⟨W₁W₁ᵀ, W₂W₂ᵀ⟩ = ‖W₁ᵀW₂‖²_F and ‖WWᵀ‖_F = ‖WᵀW‖_F.
  """
  w1, w2 = jax.random.normal(key, (2, d, k))
  with highest():
    inner = jnp.sum(jnp.square(w1.T @ w2))
    return inner / (jnp.linalg.norm(w1.T @ w1) * jnp.linalg.norm(w2.T @ w2))


def loss_input_sensitivity(per_example_loss_of_x: Callable[[jax.Array], jax.Array],
                           xs: jax.Array) -> jax.Array:
  """(1/M) Σₘ ‖∇ₓ ℓ(θ, xₘ, yₘ)‖² (spec §2.6, sens_loss).

  per_example_loss_of_x(x (M, ...)) -> (M,). Examples must be independent (eval
  BN), so one backward pass of Σₘ ℓₘ gives every ∇_{xₘ} ℓₘ.
  """
  with highest():
    gx = jax.grad(lambda x: jnp.sum(per_example_loss_of_x(x)))(xs)
  return jnp.mean(jnp.sum(jnp.square(gx).reshape(xs.shape[0], -1), 1))


def jacobian_input_sensitivity(outputs_of_x: Callable[[jax.Array], jax.Array],
                               xs: jax.Array) -> jax.Array:
  """(1/M) Σₘ ‖∂oₘ/∂xₘ‖_F for outputs o (M, K), e.g. softmax(f(x)) (Novak et al.; sens_jac).

  K backward passes (one per output), each giving the row k of every example's Jacobian.
  """
  with highest():
    o, vjp_fn = jax.vjp(outputs_of_x, xs)
    k = o.shape[-1]
    rows = jax.vmap(lambda e: vjp_fn(jnp.broadcast_to(e, o.shape))[0])(jnp.eye(k, dtype=o.dtype))
  sq = jnp.sum(jnp.square(rows).reshape(k, xs.shape[0], -1), axis=(0, 2))
  return jnp.mean(jnp.sqrt(sq))


# -- zhu2019 --------------------------------------------------------------------


def tr_h_sigma(h: jax.Array, sigma: jax.Array) -> jax.Array:
  """Tr(HΣ) = Σᵢⱼ Hᵢⱼ Σᵢⱼ for symmetric dense H, Σ."""
  return jnp.sum(h * sigma)


def tr_h_sigma_iso(tr_h: jax.Array, tr_sigma: jax.Array, d: int) -> jax.Array:
  """Tr(HΣ̄) with Σ̄ = (Tr Σ/d)·I: Tr H · Tr Σ / d."""
  return tr_h * tr_sigma / d


def projection_coefficient(lam1: jax.Array, u1_sigma_u1: jax.Array, tr_h: jax.Array,
                           tr_sigma: jax.Array) -> jax.Array:
  """â = u₁ᵀΣu₁ · Tr H / (λ₁ Tr Σ); isotropic noise gives Tr H/(λ₁ d)."""
  return u1_sigma_u1 * tr_h / (lam1 * tr_sigma)


def centered_rows(g: jax.Array) -> jax.Array:
  """A = G − 𝟙ḡᵀ for sample rows G (B×d): Σ̂ = AᵀA/(B − 1)."""
  return g - jnp.mean(g, 0, keepdims=True)


def tr_h_sigma_from_rows(matvec_h: Callable[[jax.Array], jax.Array], a: jax.Array,
                         ddof: int = 1, batch_size: int | None = None) -> jax.Array:
  """Tr(HΣ̂) with Σ̂ = AᵀA/(B − ddof): (1/(B − ddof)) Σ_b a_bᵀHa_b, B H-products (zhu2019 §2.5)."""
  with highest():
    q = jax.lax.map(lambda r: jnp.vdot(r, matvec_h(r)), a, batch_size=batch_size or a.shape[0])
  return jnp.sum(q) / (a.shape[0] - ddof)


def expected_sharpness(loss_fn: Callable[[PyTree], jax.Array], params: PyTree, key: jax.Array,
                       delta: float, num_samples: int, *, batch_size: int | None = None
                       ) -> dict[str, jax.Array]:
  """E_ν[L(θ + ν)] − L(θ), ν ~ N(0, δ²I): signed mean, mean |ΔL| and their standard errors.

  The same key gives the same ν draws for every run (common random numbers).
  """
  theta, unravel = ravel_pytree(params)
  base = loss_fn(params)

  def one(k):  # one flat draw per sample: memory d, one PRNG call
    return loss_fn(unravel(theta + delta * jax.random.normal(k, theta.shape, theta.dtype))) - base

  with highest():
    diffs = jax.lax.map(one, jax.random.split(key, num_samples),
                        batch_size=batch_size or num_samples)
  se = lambda x: jnp.std(x, ddof=1) / jnp.sqrt(num_samples)
  return {"sharpness": jnp.mean(diffs), "sharpness_se": se(diffs),
          "abs_sharpness": jnp.mean(jnp.abs(diffs)), "abs_sharpness_se": se(jnp.abs(diffs)),
          "loss": base}


def interpolate(fn: Callable[[PyTree], Any], params_a: PyTree, params_b: PyTree,
                alphas: jax.Array, *, batch_size: int | None = None) -> Any:
  """fn(θ_α) for θ_α = (1 − α)θ_A + αθ_B at every α (outputs stacked along a leading axis).

  α = 0 is θ_A and α = 1 is θ_B. Only what is passed is interpolated: pass
  `params`, never BN statistics (fn recalibrates them if it needs to).
  """

  def at(alpha):
    p = jax.tree.map(lambda a, b: (1 - alpha) * a + alpha * b, params_a, params_b)
    return fn(p)

  return jax.lax.map(at, alphas, batch_size=batch_size or alphas.shape[0])


def estimate_dict(prefix: str, est: Estimate) -> dict[str, jax.Array]:
  """{prefix: value, prefix_se: stderr} for probe outputs."""
  return {prefix: est.value, f"{prefix}_se": est.stderr}
