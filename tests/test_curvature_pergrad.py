"""Per-example gradients, their moments and the factored dense/conv rules vs loops of grad."""

from __future__ import annotations

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from noisecurv import registry
from noisecurv.curvature import dense, pergrad, taps
from noisecurv.models import build


def _mlp_params(rng):
  """A 3-4-3 tanh MLP: 31 parameters (float64 inside an x64 scope)."""
  shapes = {"w1": (3, 4), "b1": (4,), "w2": (4, 3), "b2": (3,)}
  return {k: jnp.asarray(rng.standard_normal(s)) for k, s in shapes.items()}


def _mlp(p, x):
  return jnp.tanh(x @ p["w1"] + p["b1"]) @ p["w2"] + p["b2"]


def _ce(f, y):
  return optax.softmax_cross_entropy_with_integer_labels(f, y)


def _single(p, x, y):
  return _ce(_mlp(p, x[None]), y[None])[0]


def _loop_grads(loss_single, params, xs, ys):
  """The brute-force twin: one jax.grad per example (a Python loop), stacked."""
  grad = jax.jit(jax.grad(loss_single))
  gs = [grad(params, xs[i], ys[i]) for i in range(xs.shape[0])]
  return jax.tree.map(lambda *a: jnp.stack(a), *gs)


@pytest.fixture(scope="module")
def problem():
  rng = np.random.default_rng(0)
  with jax.enable_x64(True):
    params = _mlp_params(rng)
    xs = jnp.asarray(rng.standard_normal((7, 3)))
    ys = jnp.asarray(rng.integers(0, 3, 7))
    ref = _loop_grads(_single, params, xs, ys)
  return params, xs, ys, ref


@pytest.mark.parametrize("chunk", [0, 3])
def test_per_example_grads_match_loop(problem, chunk):
  params, xs, ys, ref = problem
  with jax.enable_x64(True):
    g = jax.jit(lambda p: pergrad.per_example_grads(_single, p, xs, ys, chunk_size=chunk))(params)
    jax.tree.map(lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14), g, ref)


def test_grad_moments_match_loop(problem):
  params, xs, ys, ref = problem
  n = xs.shape[0]
  with jax.enable_x64(True):
    # chunk 3 on 7 examples: two scanned chunks and a remainder of one.
    m = jax.jit(lambda p: pergrad.grad_moments(_single, p, xs, ys, chunk_size=3))(params)
    close = lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    jax.tree.map(lambda a, g: close(a, jnp.mean(g, 0)), m.mean, ref)
    jax.tree.map(lambda a, g: close(a, jnp.mean(g * g, 0)), m.sq_mean, ref)
    flat = np.concatenate([np.asarray(a).reshape(n, -1) for a in jax.tree.leaves(ref)], 1)
    close(m.sq_norms, np.sum(flat**2, 1))
    for ddof in (0, 1):
      jax.tree.map(lambda a, g, dd=ddof: close(a, np.var(np.asarray(g), 0, ddof=dd)),
                   m.variance(ddof), ref)
      jax.tree.map(lambda a, g, dd=ddof: close(a, np.mean(np.var(np.asarray(g), 0, ddof=dd))),
                   m.layer_variance(ddof), ref)
      sigma = np.cov(flat.T, ddof=ddof)
      close(m.trace_sigma(ddof), np.trace(sigma))
    close(m.trace_c(), np.trace(flat.T @ flat / n))


def test_flat_grads_and_dense_second_moment(problem):
  params, xs, ys, ref = problem
  n = xs.shape[0]
  with jax.enable_x64(True):
    g = jax.jit(lambda p: pergrad.flat_per_example_grads(_single, p, xs, ys, chunk_size=2))(params)
    # Row n must be ravel_pytree of gₙ (the order every flat kernel uses).
    row = jax.flatten_util.ravel_pytree(jax.tree.map(lambda a: a[4], ref))[0]
    np.testing.assert_allclose(g[4], row, rtol=1e-12)
    c, mean = jax.jit(lambda p: dense.second_moment_dense(_single, p, xs, ys, chunk_size=3))(params)
    np.testing.assert_allclose(c, g.T @ g / n, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(mean, g.mean(0), rtol=1e-12, atol=1e-14)
    s = dense.covariance_dense(c, mean, ddof=1, n=n)
    np.testing.assert_allclose(s, np.cov(np.asarray(g).T, ddof=1), rtol=1e-10, atol=1e-13)


class _CNN(nn.Module):
  """A SAME conv with bias (36 positions: blocked path) and a strided, dilated, explicitly
  padded conv without bias (4 positions: Gram path), then a dense layer (factored rule)."""

  @nn.compact
  def __call__(self, x):
    x = jnp.tanh(nn.Conv(3, (3, 3), padding="SAME")(x))
    x = nn.Conv(4, (2, 2), strides=3, kernel_dilation=2, padding=((1, 0), (0, 1)),
                use_bias=False)(x)
    return nn.Dense(3)(jnp.tanh(x.reshape(x.shape[0], -1)))


def _numpy_init(module, x, seed):
  """Variables with the module's shapes, filled from numpy (no compiled initialiser needed)."""
  rng = np.random.default_rng(seed)
  shapes = jax.eval_shape(module.init, jax.random.PRNGKey(0), x)
  return jax.tree.map(lambda s: jnp.asarray(0.5 * rng.standard_normal(s.shape)), shapes)


@pytest.fixture(scope="module")
def cnn_problem():
  rng = np.random.default_rng(0)
  with jax.enable_x64(True):
    m = _CNN()
    xs = jnp.asarray(rng.standard_normal((9, 6, 6, 2)))
    ys = jnp.asarray(rng.integers(0, 3, 9))
    params = _numpy_init(m, xs, 1)["params"]
    apply = lambda p, x: m.apply({"params": p}, x)
    single = lambda p, x, y: _ce(apply(p, x[None]), y[None])[0]
    g = _loop_grads(single, params, xs, ys)
    flat = jnp.concatenate([a.reshape(a.shape[0], -1) for a in jax.tree.leaves(g)], 1)
    ref = pergrad.GradMoments(jax.tree.map(lambda a: a.mean(0), g),
                              jax.tree.map(lambda a: (a * a).mean(0), g), jnp.sum(flat**2, 1))
  return apply, params, xs, ys, ref


# The second case scans example chunks (9 = 2·4 + 1) and blocks of 2, with remainders.
@pytest.mark.parametrize("kw", [{}, {"chunk_size": 4, "block": 2}], ids=["default", "chunked"])
def test_factored_moments_match_vmap(cnn_problem, kw):
  apply, params, xs, ys, ref = cnn_problem
  with jax.enable_x64(True):
    assert set(taps.discover_taps(apply, params, xs[:1])) == {"Conv_0", "Conv_1", "Dense_0"}
    m = jax.jit(lambda p: taps.factored_moments(apply, _ce, p, xs, ys, **kw))(params)
    jax.tree.map(lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14), m, ref)


def test_factored_dense_never_forms_per_example_kernels():
  """The dense rule is (x²)ᵀ(δ²): no (B, in, out) array may appear in the program."""
  m = nn.Sequential([nn.Dense(6), nn.relu, nn.Dense(5)])
  xs, ys = jnp.ones((11, 4)), jnp.zeros((11,), jnp.int32)
  params = jax.eval_shape(m.init, jax.random.PRNGKey(0), xs)["params"]  # tracing needs shapes only
  jaxpr = jax.make_jaxpr(lambda p: taps.factored_moments(
      lambda q, x: m.apply({"params": q}, x), _ce, p, xs, ys))(params)
  shapes = {tuple(v.aval.shape) for eqn in jaxpr.eqns for v in eqn.outvars}
  assert (11, 4, 6) not in shapes and (11, 6, 5) not in shapes


def test_factored_moments_project_mlp_with_bn():
  """noisecurv's MLP with BN in eval mode: Dense kernels factored, BN scale/bias by fallback."""
  cfg = registry.MODELS.get("mlp").schema()
  cfg.name, cfg.hidden, cfg.bn = "mlp", (5,), True
  model = build(cfg, num_classes=3, input_shape=(4,))
  with jax.enable_x64(True):
    xs = jnp.asarray(np.random.default_rng(0).standard_normal((6, 4)))
    ys = jnp.arange(6) % 3
    variables = _numpy_init(model.module, xs, 1)
    params = variables["params"]
    state = {"batch_stats": jax.tree.map(lambda a: jnp.abs(a) + 0.3, variables["batch_stats"])}
    apply = lambda p, x: model.apply_policy(p, state, x, "eval")
    single = lambda p, x, y: _ce(apply(p, x[None]), y[None])[0]
    m = jax.jit(lambda p: taps.factored_moments(apply, _ce, p, xs, ys))(params)
    ref = jax.jit(lambda p: pergrad.grad_moments(single, p, xs, ys))(params)
    jax.tree.map(lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14), m, ref)
