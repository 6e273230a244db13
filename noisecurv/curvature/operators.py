"""Matrix-free curvature products over pytrees: H, GGN, F (exact and Monte-Carlo), C, Σ.

Names follow DESIGN.md (Thomas et al. 2020): on a fixed sample of B examples with
per-example losses ℓₙ, outputs fₙ and Jacobians Jₙ = ∂fₙ/∂θ,

    H   = ∇²L,  L = (1/B) Σₙ ℓₙ                               (Hessian)
    GGN = (1/B) Σₙ Jₙᵀ (∂²ℓₙ/∂fₙ²) Jₙ                          (generalised Gauss-Newton)
    F   = (1/B) Σₙ Jₙᵀ Λₙ Jₙ,  Λₙ = E_{y~p(·|fₙ)}[∇_f ℓ ∇_f ℓᵀ] (true Fisher; for softmax and
          Gaussian likelihoods Λₙ = ∂²ℓₙ/∂fₙ², `Likelihood.output_hvp`)
    F̂   = the same with Λₙ = (1/S) Σₛ rₙₛ rₙₛᵀ, rₙₛ = ∇_f ℓ(fₙ, ỹₙₛ), ỹ ~ p(·|fₙ) (Monte-Carlo)
    C   = (1/B) Σₙ gₙ gₙᵀ = GᵀG/B                               (uncentered second moment)
    Σ   = C − ḡḡᵀ = Gᵀ(I − 𝟙𝟙ᵀ/B)G/B                            (centered covariance)

`*_vp(…, v)` computes one product. `*_op(…)` linearizes once (`jax.linearize`)
and returns a linear function of v: the primal forward/backward pass is paid
once and every later product only runs the tangent and transpose passes, which
is what a Krylov loop needs. C·v and Σ·v are one JVP and one VJP of the
per-example loss vector: no per-example gradient is ever formed. All products
trace under `jax.default_matmul_precision("highest")`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree

from noisecurv.curvature.precision import highest

PyTree = Any
LinearOp = Callable[[PyTree], PyTree]


def _scale(tree: PyTree, s) -> PyTree:
  return jax.tree.map(lambda a: a * s, tree)


# -- Hessian ----------------------------------------------------------------


def hvp(loss_fn: Callable[[PyTree], jax.Array], params: PyTree, v: PyTree) -> PyTree:
  """H·v by forward-over-reverse: jvp of grad(loss_fn) at params along v."""
  with highest():
    return jax.jvp(jax.grad(loss_fn), (params,), (v,))[1]


def hessian_op(loss_fn: Callable[[PyTree], jax.Array], params: PyTree) -> LinearOp:
  """v ↦ H·v with the gradient linearized once at params."""
  with highest():
    _, lin = jax.linearize(jax.grad(loss_fn), params)
  return _precise(lin)


def hessian_op_chunked(per_example_loss: Callable, params: PyTree, xs: jax.Array, ys: jax.Array,
                       chunk_size: int) -> LinearOp:
  """v ↦ H·v of L = (1/N) Σₙ ℓₙ, summing one-off HVPs over chunks of examples (bounded memory).

  per_example_loss(params, x, y) -> (b,) for a batch. Unlike `hessian_op`, nothing
  is stored between products: each product re-runs the forward pass per chunk.
  """
  n = xs.shape[0]
  c = min(chunk_size, n) if chunk_size > 0 else n
  full = n // c
  head = [a[:full * c].reshape((full, c) + a.shape[1:]) for a in (xs, ys)]

  def part(x, y, v):
    return hvp(lambda p: jnp.sum(per_example_loss(p, x, y)) / n, params, v)

  def op(v):
    def body(acc, xy):
      return jax.tree.map(jnp.add, acc, part(xy[0], xy[1], v)), None

    acc, _ = jax.lax.scan(body, jax.tree.map(jnp.zeros_like, v), head)
    if n % c:
      acc = jax.tree.map(jnp.add, acc, part(xs[full * c:], ys[full * c:], v))
    return acc

  return op


def _precise(fn: Callable) -> Callable:
  def wrapped(*args):
    with highest():
      return fn(*args)

  return wrapped


# -- Jᵀ Λ J products (GGN, exact Fisher, Monte-Carlo Fisher) ---------------


def jtlj_op(model_fn: Callable[[PyTree], jax.Array], output_op: Callable, params: PyTree,
            ) -> LinearOp:
  """v ↦ (1/B) Σₙ Jₙᵀ Λₙ Jₙ v; output_op(f, u) = (Λₙ uₙ)ₙ for outputs f and u of shape (B, ...)."""
  with highest():
    f, jvp_lin = jax.linearize(model_fn, params)
    vjp_lin = jax.linear_transpose(jvp_lin, params)
  b = f.shape[0]

  def op(v):
    with highest():
      u = jvp_lin(v)
      (w,) = vjp_lin(output_op(f, u))
    return _scale(w, 1.0 / b)

  return op


def output_hessian(per_example_loss_of_outputs: Callable[[jax.Array], jax.Array]) -> Callable:
  """(f, u) ↦ (∂²ℓₙ/∂fₙ² uₙ)ₙ by autodiff; per_example_loss_of_outputs(f) -> (B,)."""

  def op(f, u):
    return jax.jvp(jax.grad(lambda g: jnp.sum(per_example_loss_of_outputs(g))), (f,), (u,))[1]

  return op


def ggn_op(model_fn: Callable, per_example_loss_of_outputs: Callable, params: PyTree) -> LinearOp:
  """v ↦ GGN·v; model_fn(params) -> (B, k) outputs, per_example_loss_of_outputs(f) -> (B,)."""
  return jtlj_op(model_fn, output_hessian(per_example_loss_of_outputs), params)


def ggn_vp(model_fn: Callable, per_example_loss_of_outputs: Callable, params: PyTree,
           v: PyTree) -> PyTree:
  return ggn_op(model_fn, per_example_loss_of_outputs, params)(v)


def fisher_op(model_fn: Callable, output_fisher: Callable, params: PyTree) -> LinearOp:
  """v ↦ F·v (exact true Fisher); output_fisher(f, u) = Λ(f)u, e.g. `Likelihood.output_hvp`."""
  return jtlj_op(model_fn, output_fisher, params)


def fisher_vp(model_fn: Callable, output_fisher: Callable, params: PyTree, v: PyTree) -> PyTree:
  return fisher_op(model_fn, output_fisher, params)(v)


def sample_labels(sample: Callable, key: jax.Array, outputs: jax.Array,
                  num_samples: int = 1) -> jax.Array:
  """ỹ ~ p(·|f): (num_samples, B, ...) labels from the model's predictive distribution.

  sample(key, f) is `Likelihood.sample`. Draw them once per probe, outside any
  Krylov loop, so that every product sees the same matrix F̂.
  """
  keys = jax.random.split(key, num_samples)
  return jax.vmap(lambda k: sample(k, jax.lax.stop_gradient(outputs)))(keys)


def fisher_mc_op(model_fn: Callable, per_example_loss: Callable, params: PyTree,
                 labels: jax.Array) -> LinearOp:
  """v ↦ F̂·v with Λₙ = (1/S) Σₛ rₙₛrₙₛᵀ and rₙₛ = ∇_f ℓ(fₙ, ỹₙₛ).

  labels (S, B, ...) come from `sample_labels`; per_example_loss(f, y) -> (B,) is
  `Likelihood.loss`.
  """

  def output_op(f, u):
    def one(y):
      r = jax.grad(lambda g: jnp.sum(per_example_loss(g, y)))(f)
      dot = jnp.sum((r * u).reshape(r.shape[0], -1), 1)
      return r * dot.reshape((-1,) + (1,) * (r.ndim - 1))

    return jnp.mean(jax.vmap(one)(labels), 0)

  return jtlj_op(model_fn, output_op, params)


# -- C and Σ: one JVP and one VJP of the per-example loss vector --------------


def _loss_vector_op(per_example_loss_fn: Callable[[PyTree], jax.Array], params: PyTree,
                    centered: bool) -> LinearOp:
  with highest():
    ell, jvp_lin = jax.linearize(per_example_loss_fn, params)
    vjp_lin = jax.linear_transpose(jvp_lin, params)
  b = ell.shape[0]

  def op(v):
    with highest():
      u = jvp_lin(v)  # G v, (B,)
      if centered:  # Σv = Gᵀ(Gv − 𝟙 ḡᵀv)/B with ḡᵀv = mean(Gv)
        u = u - jnp.mean(u)
      (w,) = vjp_lin(u)
    return _scale(w, 1.0 / b)

  return op


def second_moment_op(per_example_loss_fn: Callable[[PyTree], jax.Array], params: PyTree,
                     ) -> LinearOp:
  """v ↦ C·v = Gᵀ(Gv)/B; per_example_loss_fn(params) -> (B,) per-example losses."""
  return _loss_vector_op(per_example_loss_fn, params, centered=False)


def second_moment_vp(per_example_loss_fn: Callable, params: PyTree, v: PyTree) -> PyTree:
  return second_moment_op(per_example_loss_fn, params)(v)


def covariance_op(per_example_loss_fn: Callable[[PyTree], jax.Array], params: PyTree) -> LinearOp:
  """v ↦ Σ·v = C·v − ḡ(ḡᵀv), in the same single JVP + VJP as C·v (normalised by B)."""
  return _loss_vector_op(per_example_loss_fn, params, centered=True)


def covariance_vp(per_example_loss_fn: Callable, params: PyTree, v: PyTree) -> PyTree:
  return covariance_op(per_example_loss_fn, params)(v)


# -- flat vectors --------------------------------------------------------------


def flat(op: LinearOp, params: PyTree) -> tuple[Callable[[jax.Array], jax.Array], Callable]:
  """(matvec, unravel): matvec maps a flat (d,) vector to (d,) through the pytree operator.

  The ordering is `jax.flatten_util.ravel_pytree(params)`; the input is cast to
  the parameters' dtype, so a float64 Krylov vector enters a float32 operator as
  float32, and the output has that dtype too.
  """
  theta, unravel = ravel_pytree(params)

  def matvec(v: jax.Array) -> jax.Array:
    out = op(unravel(v.astype(theta.dtype)))
    return ravel_pytree(out)[0].astype(theta.dtype)

  return matvec, unravel


def num_params(params: PyTree) -> int:
  return int(sum(x.size for x in jax.tree.leaves(params)))
