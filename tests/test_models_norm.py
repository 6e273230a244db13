"""Ghost Batch Norm against per-ghost-batch loops, running statistics, and the BN policies
of `Model.apply_policy` ('eval', 'batch', 'ghost') and dropout handling."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from noisecurv import registry
from noisecurv.models import build
from noisecurv.models.norm import BatchNorm, ghost_batches

EPS = 1e-5


def bn_reference(x, scale, bias):
  """Plain BN of one batch in float64: normalise by its own mean and biased variance."""
  x = np.asarray(x, np.float64)
  axes = tuple(range(x.ndim - 1))
  mean, var = x.mean(axes), x.var(axes)
  return (x - mean) / np.sqrt(var + EPS) * scale + bias, mean, var


def normal(seed, shape, scale=1.0, loc=0.0):
  """Test data from numpy: a jax.random call would compile once per shape."""
  z = np.random.default_rng(seed).standard_normal(shape)
  return jnp.asarray(loc + scale * z, jnp.float32)


def filled(model, x_shape, seed):
  """(params, state) of the model's layout from numpy: kernels N(0, 1/fan_in), biases
  N(0, 0.1²), BN scales 1 + N(0, 0.1²), running means 0.1·N(0, 1), variances U[0.5, 1.5]."""
  rng = np.random.default_rng(seed)

  def fill(path, s):
    last = path[-1].key
    if last == "var":
      return jnp.asarray(rng.uniform(0.5, 1.5, s.shape), jnp.float32)
    z = rng.standard_normal(s.shape)
    z = z / np.sqrt(np.prod(s.shape[:-1])) if len(s.shape) >= 2 else (last == "scale") + 0.1 * z
    return jnp.asarray(z, jnp.float32)

  return tuple(jax.tree_util.tree_map_with_path(fill, t) for t in model.init_shapes(x_shape))


@pytest.fixture(scope="module")
def images():
  return normal(0, (12, 3, 3, 4), 2.0, 0.5)


def _bn_vars(seed, c):
  return {"params": {"scale": normal(seed, (c,), 0.3, 1.0), "bias": normal(seed + 1, (c,), 0.3)},
          "batch_stats": {"mean": jnp.full((c,), 0.2), "var": jnp.full((c,), 1.5)}}


@pytest.mark.parametrize("ghost_size", [0, 3, 4, 12, 16])
def test_ghost_bn_normalises_each_ghost_batch_by_its_own_statistics(images, ghost_size):
  bn = BatchNorm(ghost_size=ghost_size, momentum=0.9)
  v = _bn_vars(1, 4)
  y, upd = bn.apply(v, images, True, mutable=["batch_stats"])
  scale, bias = (np.asarray(v["params"][k], np.float64) for k in ("scale", "bias"))
  k = ghost_batches(images.shape[0], ghost_size)
  g = images.shape[0] // k
  outs, means, vars_ = [], [], []
  for j in range(k):  # brute force: each ghost batch on its own
    o, m, s = bn_reference(images[j * g:(j + 1) * g], scale, bias)
    outs.append(o), means.append(m), vars_.append(s)
  np.testing.assert_allclose(y, np.concatenate(outs), atol=2e-5)
  # One update with retention 0.9^K towards the mean of the ghost statistics.
  r = 0.9**k
  np.testing.assert_allclose(upd["batch_stats"]["mean"], r * 0.2 + (1 - r) * np.mean(means, 0),
                             atol=1e-5)
  np.testing.assert_allclose(upd["batch_stats"]["var"], r * 1.5 + (1 - r) * np.mean(vars_, 0),
                             rtol=1e-5)


def test_ghost_update_equals_sequential_updates_when_ghost_statistics_agree(images):
  # K identical ghost batches: one update with m^K == K sequential per-ghost updates with m
  # (the Hoffer-code schedule wen2019 §2.5 describes).
  x = jnp.tile(images[:3], (4, 1, 1, 1))
  v = _bn_vars(2, 4)
  _, upd = BatchNorm(ghost_size=3).apply(v, x, True, mutable=["batch_stats"])
  mean, var = np.asarray(v["batch_stats"]["mean"]), np.asarray(v["batch_stats"]["var"])
  _, m1, s1 = bn_reference(images[:3], 1.0, 0.0)
  for _ in range(4):
    mean, var = 0.9 * mean + 0.1 * m1, 0.9 * var + 0.1 * s1
  np.testing.assert_allclose(upd["batch_stats"]["mean"], mean, atol=1e-5)
  np.testing.assert_allclose(upd["batch_stats"]["var"], var, rtol=1e-5)


def test_eval_mode_uses_running_statistics_and_vectors_work():
  x = normal(3, (5, 6))
  v = _bn_vars(4, 6)
  y = BatchNorm().apply(v, x, False)
  want = (np.asarray(x) - 0.2) / np.sqrt(1.5 + EPS) * np.asarray(v["params"]["scale"]) \
      + np.asarray(v["params"]["bias"])
  np.testing.assert_allclose(y, want, atol=1e-5)


def test_ghost_batches_splits_and_rejects_ragged_batches():
  assert ghost_batches(4096, 128) == 32
  assert ghost_batches(100, 0) == 1
  assert ghost_batches(64, 128) == 1  # a batch smaller than a ghost batch is one batch
  with pytest.raises(ValueError, match="multiple"):
    ghost_batches(100, 32)


def _model(name, ghost_size=0, **over):
  cfg = registry.MODELS.get(name).schema()
  cfg.name = name
  cfg.ghost_size = ghost_size
  cfg.update(over)
  return build(cfg, num_classes=3, input_shape=(4, 4, 1))


@pytest.fixture(scope="module")
def ghost_mlp():
  model = _model("mlp", ghost_size=4, hidden=(8, 8), bn=True)
  x = normal(5, (12, 4, 4, 1))
  params, state = filled(model, x.shape, 6)
  return model, params, state, x


def test_running_statistics_update_in_training_only(ghost_mlp):
  model, params, state, x = ghost_mlp
  _, new = model.apply(params, state, x, train=True)
  changed = jax.tree.map(lambda a, b: bool(jnp.any(a != b)), state, new)
  assert all(jax.tree.leaves(changed))
  _, same = model.apply(params, state, x, train=False)
  assert jax.tree.all(jax.tree.map(lambda a, b: bool(jnp.all(a == b)), state, same))


def test_policy_eval_is_running_statistics(ghost_mlp):
  model, params, state, x = ghost_mlp
  out, _ = model.apply(params, state, x, train=False)
  np.testing.assert_array_equal(model.apply_policy(params, state, x, "eval"), out)
  # Per-example: under 'eval' an example's output does not depend on the rest of the batch.
  np.testing.assert_allclose(model.apply_policy(params, state, x[:1], "eval"), out[:1], atol=1e-6)


def test_policy_ghost_is_batch_policy_per_ghost_batch(ghost_mlp):
  model, params, state, x = ghost_mlp
  ghost = model.apply_policy(params, state, x, "ghost")
  loop = jnp.concatenate([model.apply_policy(params, state, x[i:i + 4], "batch")
                          for i in range(0, 12, 4)])
  np.testing.assert_allclose(ghost, loop, atol=1e-5)
  train_out, _ = model.apply(params, state, x, train=True)  # the training forward pass
  np.testing.assert_allclose(ghost, train_out, atol=1e-6)


def test_policy_batch_ignores_ghost_size(ghost_mlp):
  model, params, state, x = ghost_mlp
  plain = _model("mlp", ghost_size=0, hidden=(8, 8), bn=True)
  want, _ = plain.apply(params, state, x, train=True)
  batch = model.apply_policy(params, state, x, "batch")
  np.testing.assert_allclose(batch, want, atol=1e-6)
  assert not np.allclose(batch, model.apply_policy(params, state, x, "ghost"), atol=1e-3)
  assert not np.allclose(batch, model.apply_policy(params, state, x, "eval"), atol=1e-3)


def test_policy_errors_and_stateless_models(ghost_mlp):
  model, params, state, x = ghost_mlp
  with pytest.raises(ValueError, match="policy"):
    model.apply_policy(params, state, x, "train")
  plain = _model("mlp", ghost_size=0, hidden=(8, 8), bn=True)
  with pytest.raises(ValueError, match="ghost_size"):
    plain.apply_policy(params, state, x, "ghost")
  nobn = _model("mlp", hidden=(8,))
  p, s = filled(nobn, x.shape, 0)
  assert s == {}
  for pol in ("eval", "batch", "ghost"):  # no BN: every policy is the same function
    np.testing.assert_array_equal(nobn.apply_policy(p, s, x, pol), nobn.apply(p, s, x,
                                                                                 train=False)[0])


def test_apply_policy_is_differentiable_and_jittable(ghost_mlp):
  model, params, state, x = ghost_mlp
  loss = lambda p, pol: jnp.sum(model.apply_policy(p, state, x, pol) ** 2)
  grads = jax.jit(lambda p: [jax.grad(loss)(p, pol) for pol in ("eval", "batch", "ghost")])(
      params)
  for g in grads:
    assert all(bool(jnp.all(jnp.isfinite(leaf))) for leaf in jax.tree.leaves(g))
  # Under 'eval' BN is per-example affine: the gradient is that of a fixed function.
  assert not np.allclose(grads[0]["Dense_0"]["kernel"], grads[1]["Dense_0"]["kernel"])


@pytest.fixture(scope="module")
def dropout_net():
  cfg = registry.MODELS.get("alexnet_cifar").schema()
  cfg.update(name="alexnet_cifar", channels=(4, 4), hidden=(16, 8), dropout=0.5, ghost_size=2)
  model = build(cfg, num_classes=3, input_shape=(12, 12, 2))
  x = normal(7, (4, 12, 12, 2))
  params, state = filled(model, x.shape, 8)
  return model, params, state, x


def test_dropout_needs_an_rng_in_training(dropout_net):
  model, params, state, x = dropout_net
  assert model.needs_rng and model.dropout_rate == 0.5
  with pytest.raises(ValueError, match="rng"):
    model.apply(params, state, x, train=True)
  train = jax.jit(lambda k: model.apply(params, state, x, train=True, rng=k)[0])
  a, b, c = train(jax.random.key(1)), train(jax.random.key(1)), train(jax.random.key(2))
  np.testing.assert_array_equal(a, b)
  assert not np.allclose(a, c)
  evaluate = jax.jit(lambda k: model.apply(params, state, x, train=False, rng=k)[0])
  np.testing.assert_array_equal(evaluate(jax.random.key(3)), evaluate(jax.random.key(4)))


def test_probes_never_see_dropout(dropout_net):
  model, params, state, x = dropout_net
  no_drop = model.module.clone(dropout=0.0)

  @jax.jit
  def run(params, state):
    out = []
    for pol, ghost in (("batch", 0), ("ghost", 2)):
      want, _ = no_drop.clone(ghost_size=ghost).apply({"params": params, **state}, x,
                                                       train=True, mutable=["batch_stats"])
      out.append((model.apply_policy(params, state, x, pol), want))
    return out

  for got, want in run(params, state):
    np.testing.assert_allclose(got, want, atol=1e-6)
