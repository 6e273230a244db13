"""Prop. 1 on a discrete toy: exact H, F, C and both χ² divergences by summation (spec T20-P1).

Data: a fixed set of inputs xₙ with p(x) uniform and a known conditional p(y|x) over K classes;
model q_θ(y|x) = softmax(f_θ(x)) of a small tanh MLP, so that H ≠ F away from p = q. With
ℓ(θ, x, y) = −log q_θ(y|x), gₓᵧ = ∇ℓ and Hₓᵧ = ∇²ℓ:

    H = Σₓ p(x) Σᵧ p(y|x) Hₓᵧ,   C = Σₓ p(x) Σᵧ p(y|x) gₓᵧgₓᵧᵀ,   F = Σₓ p(x) Σᵧ q(y|x) gₓᵧgₓᵧᵀ
    D_χ²(p‖q) = Σₓ p(x) Σᵧ (p(y|x) − q(y|x))²/q(y|x)    (forward; backward swaps p and q)

The proposition (App. A.1.2, forward form): ‖F − H‖² ≤ β₁D, ‖F − C‖² ≤ β₂D with
β₁ = E_q‖Hₓᵧ‖²_F and β₂ = E_q‖gₓᵧ‖⁴; A.1.1 is the same with D_χ²(q‖p) and moments under p.
For ‖C − H‖² we evaluate the stated (β₁ + β₂)D, the Cauchy–Schwarz form D·E[‖ggᵀ − H‖²] (C − H
is the difference of the two expectations of ggᵀ − ∇²ℓ, whose q-expectation is F − F = 0) and
2(β₁ + β₂)D. Everything is float64.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax.flatten_util import ravel_pytree


def init_mlp(rng: np.random.Generator, d_in: int = 3, hidden: int = 4, k: int = 3,
             scale: float = 1.0) -> dict[str, np.ndarray]:
  """Parameters of x → tanh(xW₁ + b₁)W₂ + b₂ (d = d_in·h + h + h·k + k; 31 for 3→4→3).

  Drawn with numpy: these checks need a few fixed draws, not jit-compiled random streams.
  """
  return {"w1": scale * rng.standard_normal((d_in, hidden)) / np.sqrt(d_in),
          "b1": scale * rng.standard_normal(hidden) * 0.5,
          "w2": scale * rng.standard_normal((hidden, k)) / np.sqrt(hidden),
          "b2": scale * rng.standard_normal(k) * 0.5}


def logits(params, x: jax.Array) -> jax.Array:
  return jnp.tanh(x @ params["w1"] + params["b1"]) @ params["w2"] + params["b2"]


def _per_xy(theta, unravel, x):
  """(g (n, K, d), Hess (n, K, d, d), q (n, K)) for every input and every label."""
  k = unravel(theta)["b2"].shape[0]

  def loss(t, x1, y):
    return -jax.nn.log_softmax(logits(unravel(t), x1[None])[0])[y]

  ys = jnp.arange(k)
  g = jax.vmap(lambda x1: jax.vmap(lambda y: jax.grad(loss)(theta, x1, y))(ys))(x)
  hess = jax.vmap(lambda x1: jax.vmap(lambda y: jax.hessian(loss)(theta, x1, y))(ys))(x)
  q = jax.nn.softmax(logits(unravel(theta), x), axis=-1)
  return g, hess, q


def matrices(params, x: jax.Array, p_cond: jax.Array) -> dict[str, jax.Array]:
  """H, C, F (also F as E_q[∇²ℓ]), χ² both ways and the β moments; p(x) uniform over x's rows.

  p_cond: (n, K) rows of p(y|x). Call under `jax.enable_x64(True)` with float64 inputs.
  """
  theta, unravel = ravel_pytree(params)
  g, hess, q = _per_xy(theta, unravel, x)
  n = x.shape[0]
  gg = jnp.einsum("nki,nkj->nkij", g, g)

  def expect(w, a):  # Σₓ p(x) Σᵧ w(y|x) a(x, y)
    return jnp.einsum("nk,nk...->...", w, a) / n

  h_mat, c_mat = expect(p_cond, hess), expect(p_cond, gg)
  f_mat, f_hess = expect(q, gg), expect(q, hess)
  hess_sq = jnp.sum(hess ** 2, axis=(-1, -2))
  g4 = jnp.sum(g ** 2, axis=-1) ** 2
  diff_sq = jnp.sum((gg - hess) ** 2, axis=(-1, -2))
  return dict(
      H=h_mat, C=c_mat, F=f_mat, F_hess=f_hess,
      chi2_fwd=jnp.sum((p_cond - q) ** 2 / q) / n,  # D(p‖q)
      chi2_bwd=jnp.sum((p_cond - q) ** 2 / p_cond) / n,  # D(q‖p)
      beta1_fwd=expect(q, hess_sq), beta2_fwd=expect(q, g4), cs_fwd=expect(q, diff_sq),
      beta1_bwd=expect(p_cond, hess_sq), beta2_bwd=expect(p_cond, g4),
      cs_bwd=expect(p_cond, diff_sq))


def bound_checks(m: dict) -> dict[str, float]:
  """Left sides, right sides and margins (rhs − lhs) of every inequality, both directions.

  m: the output of `matrices` as host (numpy) arrays.
  """
  fro2 = lambda a: float(np.sum(np.square(a)))
  fh, fc, ch = fro2(m["F"] - m["H"]), fro2(m["F"] - m["C"]), fro2(m["C"] - m["H"])
  out = dict(fh=fh, fc=fc, ch=ch, chi2_fwd=float(m["chi2_fwd"]), chi2_bwd=float(m["chi2_bwd"]),
             fisher_identity=fro2(m["F"] - m["F_hess"]) / max(fro2(m["F"]), 1e-300))
  for way in ("fwd", "bwd"):
    d, b1, b2 = (float(m[f"{k}_{way}"]) for k in ("chi2", "beta1", "beta2"))
    out[f"fh_margin_{way}"] = b1 * d - fh
    out[f"fc_margin_{way}"] = b2 * d - fc
    out[f"ch_stated_margin_{way}"] = (b1 + b2) * d - ch
    out[f"ch_cs_margin_{way}"] = float(m[f"cs_{way}"]) * d - ch
    out[f"ch_2x_margin_{way}"] = 2 * (b1 + b2) * d - ch
  return out


def train_expected(params, x, p_cond, steps: jax.Array, max_steps: int, lr: float = 0.5):
  """Full-batch gradient descent on E_p[ℓ] for `steps` (traced) ≤ max_steps iterations."""

  def loss(pr):
    return -jnp.mean(jnp.sum(p_cond * jax.nn.log_softmax(logits(pr, x), -1), -1))

  def body(pr, t):
    g = jax.grad(loss)(pr)
    return jax.tree.map(lambda a, b: jnp.where(t < steps, a - lr * b, a), pr, g), None

  return jax.lax.scan(body, params, jnp.arange(max_steps))[0]


def toy(seed: int, n_points: int = 32, d_in: int = 3, hidden: int = 4, k: int = 3,
        perturb: float = 0.5):
  """(x (n, d_in), teacher θ_T, p(y|x) of the teacher, p(y|x) of a perturbed teacher), float64."""
  rng = np.random.default_rng([seed, 0])
  x = rng.standard_normal((n_points, d_in))
  teacher = init_mlp(rng, d_in, hidden, k, scale=2.0)
  perturbed = {kk: v + perturb * rng.standard_normal(v.shape) for kk, v in teacher.items()}
  with jax.enable_x64(True):
    probs = lambda pr: np.asarray(jax.nn.softmax(logits(pr, jnp.asarray(x)), -1))
    return x, teacher, probs(teacher), probs(perturbed)


def prop1(seed: int, n_random: int = 20, n_trained: int = 20, max_steps: int = 400
          ) -> dict:
  """Every inequality at n_random random θ and n_trained θ trained on p for log-spaced
  1..max_steps steps, for p = the teacher (D = 0 only at θ_T) and p = a perturbed teacher;
  and the agreement of H, F, C at θ_T."""
  n = n_random + n_trained
  steps = [0] * n_random + [int(round(max_steps ** ((j + 1) / n_trained)))
                            for j in range(n_trained)]
  with jax.enable_x64(True):
    x, teacher, p_t, p_pert = toy(seed)
    rng = np.random.default_rng([seed, 1])
    inits = [init_mlp(rng) for _ in range(n)]
    inits = {k: np.stack([p[k] for p in inits]) for k in teacher}
    rows = []
    for name, p in (("teacher", p_t), ("perturbed", p_pert)):
      thetas = _train(inits, x, p, jnp.asarray(steps), max_steps)
      # θ_T rides along as the last θ, so one compiled program serves every evaluation.
      thetas = jax.tree.map(lambda a, b: jnp.concatenate([a, jnp.asarray(b)[None]]), thetas,
                            teacher)
      mats = jax.device_get(_matrices(thetas, x, p))
      for i in range(n):
        one = jax.tree.map(lambda a, i=i: a[i], mats)
        rows.append(dict(p=name, kind="trained" if steps[i] else "random", steps=steps[i],
                         **bound_checks(one)))
      if name == "teacher":
        at_t = jax.tree.map(lambda a: a[n], mats)
    agree = max(float(abs(at_t[a] - at_t[b]).max()) for a, b in
                (("F", "H"), ("F", "C"), ("C", "H")))
  return dict(rows=rows, teacher_max_abs_diff=agree, teacher_scale=float(abs(at_t["F"]).max()),
              teacher_chi2=float(at_t["chi2_fwd"]))


_train = jax.jit(jax.vmap(train_expected, in_axes=(0, None, None, 0, None)), static_argnums=4)
_matrices = jax.jit(jax.vmap(matrices, in_axes=(0, None, None)))
