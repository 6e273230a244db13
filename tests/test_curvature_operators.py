"""H, GGN, F, F̂, C and Σ products against dense float64 references on a 31-parameter MLP."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.flatten_util import ravel_pytree

from noisecurv import losses
from noisecurv.curvature import dense, operators

CE = losses.get("softmax_cross_entropy")
SIGMOID = losses.get("sigmoid_cross_entropy")
N, K = 7, 3


def _mlp(p, x):
  return jnp.tanh(x @ p["w1"] + p["b1"]) @ p["w2"] + p["b2"]


@pytest.fixture(scope="module")
def mlp():
  """Params, data, per-example/mean losses and dense float64 references (brute-force twins)."""
  rng = np.random.default_rng(0)
  with jax.enable_x64(True):
    shapes = {"w1": (3, 4), "b1": (4,), "w2": (4, K), "b2": (K,)}
    params = {k: jnp.asarray(rng.standard_normal(s)) for k, s in shapes.items()}
    xs, ys = jnp.asarray(rng.standard_normal((N, 3))), jnp.asarray(rng.integers(0, K, N))
    theta, unravel = ravel_pytree(params)
    model = lambda p: _mlp(p, xs)
    per_ex = lambda p: CE.loss(model(p), ys)
    loss = lambda p: jnp.mean(per_ex(p))

    @jax.jit
    def autodiff_refs(t):
      jac = jax.jacobian(lambda t: model(unravel(t)))(t)  # (N, K, d)
      lam = jax.vmap(jax.hessian(lambda f, y: CE.loss(f[None], y[None])[0]))(model(params), ys)
      return (jax.hessian(lambda t: loss(unravel(t)))(t), jnp.einsum(
          "nkd,nkl,nle->de", jac, lam, jac) / N, jax.nn.softmax(model(unravel(t))))

    h, ggn, probs = autodiff_refs(theta)
    grad1 = jax.jit(jax.grad(lambda t, x, y: CE.loss(_mlp(unravel(t), x[None]), y[None])[0]))
    g = np.stack([grad1(theta, xs[i], ys[i]) for i in range(N)])
    # Thomas et al. eq. 8: F = (1/N) Σₙ Σₖ pₙₖ gₙₖ gₙₖᵀ with gₙₖ the gradient at label k.
    gk = np.stack([[grad1(theta, xs[i], k) for k in range(K)] for i in range(N)])
    ref = {"H": h, "GGN": ggn, "C": g.T @ g / N,
           "Sigma": g.T @ g / N - np.outer(g.mean(0), g.mean(0)),
           "F": np.einsum("nk,nkd,nke->de", np.asarray(probs), gk, gk) / N}
    ref = {k: np.asarray(a, np.float64) for k, a in ref.items()}
  return dict(params=params, xs=xs, ys=ys, model=model, per_ex=per_ex, loss=loss,
              theta=theta, unravel=unravel, ref=ref, d=theta.shape[0])


def _dense(op, params, d):
  return jax.jit(lambda: dense.materialize(operators.flat(op(), params)[0], d, batch_size=8,
                                           dtype=jnp.float64))()


@pytest.fixture(scope="module")
def dense_ops(mlp):
  """All five linearized operators materialised over the identity, in one program."""
  p, ys = mlp["params"], mlp["ys"]
  ops = {"H": lambda: operators.hessian_op(mlp["loss"], p),
         "GGN": lambda: operators.ggn_op(mlp["model"], lambda f: CE.loss(f, ys), p),
         "F": lambda: operators.fisher_op(mlp["model"], CE.output_hvp, p),
         "C": lambda: operators.second_moment_op(mlp["per_ex"], p),
         "Sigma": lambda: operators.covariance_op(mlp["per_ex"], p)}
  with jax.enable_x64(True):
    out = jax.jit(lambda: {k: dense.materialize(operators.flat(op(), p)[0], mlp["d"],
                                                batch_size=8, dtype=jnp.float64)
                           for k, op in ops.items()})()
  return {k: np.asarray(a) for k, a in out.items()}


@pytest.mark.parametrize("name", ["H", "GGN", "F", "C", "Sigma"])
def test_linearized_operator_matches_dense(mlp, dense_ops, name):
  np.testing.assert_allclose(dense_ops[name], mlp["ref"][name], rtol=1e-10, atol=1e-12)
  np.testing.assert_array_equal(dense_ops[name], dense_ops[name].T)  # symmetrised


def test_one_off_products_match_dense(mlp):
  p, d, ref = mlp["params"], mlp["d"], mlp["ref"]
  rng = np.random.default_rng(1)
  with jax.enable_x64(True):
    v = jnp.asarray(rng.standard_normal(d))
    vt = mlp["unravel"](v)
    rav = lambda t: ravel_pytree(t)[0]
    out = jax.jit(lambda vt: {
        "H": rav(operators.hvp(mlp["loss"], p, vt)),
        "GGN": rav(operators.ggn_vp(mlp["model"], lambda f: CE.loss(f, mlp["ys"]), p, vt)),
        "F": rav(operators.fisher_vp(mlp["model"], CE.output_hvp, p, vt)),
        "C": rav(operators.second_moment_vp(mlp["per_ex"], p, vt)),
        "Sigma": rav(operators.covariance_vp(mlp["per_ex"], p, vt))})(vt)
  for name, w in out.items():
    np.testing.assert_allclose(w, ref[name] @ np.asarray(v), rtol=1e-10, atol=1e-12, err_msg=name)
  # Softmax cross-entropy has a canonical link: the GGN and the true Fisher coincide.
  np.testing.assert_allclose(ref["GGN"], ref["F"], rtol=1e-10, atol=1e-12)


def test_logistic_regression_hessian_equals_fisher():
  """A GLM with canonical link: H = F exactly at every θ (thomas2020 §2.1's unit test)."""
  rng = np.random.default_rng(2)
  with jax.enable_x64(True):
    x = jnp.asarray(rng.standard_normal((20, 5)))
    y = jnp.asarray(rng.integers(0, 2, 20))
    params = {"w": jnp.asarray(rng.standard_normal((5, 1))), "b": jnp.asarray([0.3])}
    model = lambda p: x @ p["w"] + p["b"]
    loss = lambda p: jnp.mean(SIGMOID.loss(model(p), y))
    theta, unravel = ravel_pytree(params)

    @jax.jit
    def run():
      mat = lambda op: dense.materialize(operators.flat(op, params)[0], 6, dtype=jnp.float64)
      return (jax.hessian(lambda t: loss(unravel(t)))(theta),
              mat(operators.fisher_op(model, SIGMOID.output_hvp, params)),
              mat(operators.hessian_op(loss, params)))

    h_ref, f, h = run()
  np.testing.assert_allclose(f, h_ref, rtol=1e-12, atol=1e-14)
  np.testing.assert_allclose(h, h_ref, rtol=1e-12, atol=1e-14)


def test_fisher_mc_is_second_moment_at_sampled_labels(mlp):
  """F̂ with one label draw per example is exactly C evaluated at the drawn labels."""
  p = mlp["params"]
  with jax.enable_x64(True):

    @jax.jit
    def run():
      labels = operators.sample_labels(CE.sample, jax.random.PRNGKey(3), mlp["model"](p), 1)
      mat = lambda op: dense.materialize(operators.flat(op, p)[0], mlp["d"], dtype=jnp.float64)
      per_ex_sampled = lambda q: CE.loss(mlp["model"](q), labels[0])
      return (mat(operators.fisher_mc_op(mlp["model"], CE.loss, p, labels)),
              mat(operators.second_moment_op(per_ex_sampled, p)))

    fmc, c = run()
  np.testing.assert_allclose(fmc, c, rtol=1e-10, atol=1e-12)


def test_fisher_mc_is_unbiased(mlp):
  """20 groups of 100 label draws: every coordinate of mean(F̂v) lies within 5 SE of Fv.

  The group means are i.i.d. with finite variance, so (mean − Fv)/SE is ~t₁₉; 5 SE
  bounds each of the 31 coordinates with failure probability < 1e-4 in total, and
  the fixed key makes the test deterministic.
  """
  p, d = mlp["params"], mlp["d"]
  with jax.enable_x64(True):
    v = jnp.asarray(np.random.default_rng(4).standard_normal(d))

    @jax.jit
    def run():
      labels = operators.sample_labels(CE.sample, jax.random.PRNGKey(5), mlp["model"](p), 2000)

      def group(lab):
        return operators.flat(operators.fisher_mc_op(mlp["model"], CE.loss, p, lab), p)[0](v)

      return jax.vmap(group)(labels.reshape(20, 100, N))

    est = np.asarray(run())
  mean, se = est.mean(0), est.std(0, ddof=1) / np.sqrt(20)
  exact = mlp["ref"]["F"] @ np.asarray(v)
  assert np.all(np.abs(mean - exact) <= 5 * se + 1e-12)
  # And the estimate is informative: its error is small relative to the product itself.
  assert np.linalg.norm(mean - exact) < 0.1 * np.linalg.norm(exact)


def test_flat_helper_and_chunked_hessian(mlp):
  p, d = mlp["params"], mlp["d"]
  with jax.enable_x64(True):
    v = jnp.asarray(np.random.default_rng(6).standard_normal(d))
    hv = jax.jit(lambda v: operators.flat(operators.hessian_op_chunked(  # 7 = 2·3 + 1 examples
        lambda q, x, y: CE.loss(_mlp(q, x), y), p, mlp["xs"], mlp["ys"], chunk_size=3), p)[0](v))(v)
    matvec, unravel = operators.flat(lambda t: t, p)
    w = jnp.arange(d, dtype=jnp.float64)
    np.testing.assert_array_equal(matvec(w), w)
    assert jax.tree.structure(unravel(w)) == jax.tree.structure(p)
  np.testing.assert_allclose(hv, mlp["ref"]["H"] @ np.asarray(v), rtol=1e-10, atol=1e-12)
  assert operators.num_params(p) == d == 31


def test_products_use_full_precision_matmuls(mlp):
  """Every dot in the traced products carries precision HIGHEST (TF32 would move eigenvalues)."""
  p = mlp["params"]
  ops = [lambda q: operators.hessian_op(mlp["loss"], q)(q),
         lambda q: operators.second_moment_op(mlp["per_ex"], q)(q),
         lambda q: operators.fisher_op(mlp["model"], CE.output_hvp, q)(q)]
  with jax.enable_x64(True):  # tracing only: nothing is compiled
    texts = [str(jax.make_jaxpr(op)(p)) for op in ops]
  for text in texts:
    assert "dot_general" in text
    assert text.count("dot_general") == text.count("precision=(Precision.HIGHEST")
