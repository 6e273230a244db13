"""Forward passes: every registered model under jit and vmap over a stacked parameter axis
(as the runner's ensembles), full-size output shapes via eval_shape, and brute-force twins
(numpy float64 forward passes, lax convolutions, closed forms).

Compile time dominates on CPU: test data and parameters come from numpy (a jax.random call
compiles once per shape) and each model compiles one jitted program.
"""

from __future__ import annotations

import math

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from noisecurv import registry
from noisecurv.models import build
from noisecurv.models.layers import Im2ColConv
from noisecurv.models.resnet import _pad_shortcut

MNIST, CIFAR, SEVEN = (28, 28, 1), (32, 32, 3), (7, 7, 1)

# Per-example input shape each model is used with in the papers.
PAPER_INPUTS = {
    "linear": (8, 8, 1), "mlp": (8, 8, 1), "logreg": SEVEN, "mlp70": SEVEN, "big_mlp": SEVEN,
    "cnn": SEVEN, "cnn_bn": SEVEN, "mlp_f1": MNIST, "bn_mlp4": MNIST, "mlp256": MNIST,
    "lenet5": MNIST, "lenet5_bn": MNIST, "lenet_small": MNIST, "li_gauss_mlp": (50,),
    "li_mnist_mlp": (784,), "li_cifar_mlp": (3072,), "fixed_output_relu": (2,),
}
# Tiny widths and inputs with the same code paths, so each model compiles in about a second.
SMALL_KEYS = {"vgg": dict(depth=11, width_mult=1 / 16), "resnet": dict(depth=8, width_mult=0.25),
              "alexnet_cifar": dict(channels=(4, 4), hidden=(8, 6))}
SMALL_INPUTS = {"lenet5": (16, 16, 1), "mlp": (3, 4, 1), "vgg": CIFAR, "resnet": (8, 8, 3),
                "alexnet_cifar": (12, 12, 2)}


def make(name, input_shape, num_classes=10, **over):
  cfg = registry.MODELS.get(name).schema()
  cfg.name = name
  cfg.update(over)
  return build(cfg, num_classes=num_classes, input_shape=input_shape)


FAMILIES = ("linear", "mlp", "cnn", "lenet5", "alexnet_cifar", "vgg", "resnet",
            "fixed_output_relu")


def family(name):
  """The family whose schema `name` shares (a preset keeps its family's keys)."""
  keys = set(registry.MODELS.get(name).defaults)
  return next(f for f in FAMILIES if set(registry.MODELS.get(f).defaults) == keys)


def small(name):
  """(model, input shape): `name` with tiny widths and inputs; BN nets use ghost size 2."""
  fam, defaults = family(name), registry.MODELS.get(name).defaults
  over, shape = dict(SMALL_KEYS.get(fam, {})), PAPER_INPUTS.get(name, CIFAR)
  if fam == "mlp":
    over = {"hidden": tuple(min(h, 8) for h in defaults["hidden"])}
  if fam in SMALL_INPUTS and (fam != "mlp" or math.prod(shape) > 64):
    shape = SMALL_INPUTS[fam]
  if "ghost_size" in defaults and (defaults.get("bn") or defaults.get("bn_layers")):
    over["ghost_size"] = 2
  return make(name, shape, num_classes=3, **over), shape


def random_variables(model, x_shape, seed):
  """(params, state) of the model's layout filled from numpy: kernels N(0, 1/fan_in), other
  parameters N(0, 0.1²) around 0 (BN scale around 1), running means N(0, 0.1²), running
  variances in [0.5, 1.5]."""
  rng = np.random.default_rng(seed)
  params, state = model.init_shapes(x_shape)

  def fill(path, s):
    last = path[-1].key
    if last == "var":
      return jnp.asarray(rng.uniform(0.5, 1.5, s.shape), jnp.float32)
    z = rng.standard_normal(s.shape)
    if len(s.shape) >= 2:
      z = z / math.sqrt(math.prod(s.shape[:-1]))
    else:
      z = (1.0 if last == "scale" else 0.0) + 0.1 * z
    return jnp.asarray(z, jnp.float32)

  return (jax.tree_util.tree_map_with_path(fill, params),
          jax.tree_util.tree_map_with_path(fill, state))


def stacked(trees):
  return jax.tree.map(lambda *a: jnp.stack(a), *trees)


def out_dim(name, num_classes):
  return 1 if name == "fixed_output_relu" else num_classes


# Small modules whose code paths are all exercised by the listed ones (a compile of a vmapped
# conv net costs seconds on a CPU): no BN / three-FC head / order variants of tested paths.
COVERED_BY = {"vgg11_bn": ("vgg", "vgg11"), "lenet5": ("lenet5_bn", "lenet_small"),
              "cnn": ("cnn_bn",)}


def _distinct():
  """One registered name per distinct small module (presets that shrink to the same module
  as their family share a compile), less the COVERED_BY combinations."""
  seen = {}
  for name in registry.MODELS.names():
    seen.setdefault(small(name)[0].module, name)
  return sorted(n for n in seen.values() if n not in COVERED_BY)


DISTINCT = _distinct()


def test_every_registered_model_is_covered_by_a_distinct_structure():
  tested = {small(n)[0].module for n in DISTINCT}
  for name in registry.MODELS.names():
    module = small(name)[0].module
    assert module in tested or all(c in DISTINCT for c in COVERED_BY[name]), name


@pytest.mark.parametrize("name", DISTINCT)
def test_jit_and_vmap_over_stacked_params(name):
  model, shape = small(name)
  x = jnp.asarray(np.random.default_rng(0).standard_normal((4, *shape)), jnp.float32)
  members = [random_variables(model, x.shape, seed) for seed in (1, 2)]
  params, state = stacked([m[0] for m in members]), stacked([m[1] for m in members])

  @jax.jit
  def run(params, state):
    train = jax.vmap(lambda p, s: model.apply(p, s, x, train=True))(params, state)
    # Without state (no BN) training and evaluation are one function: skip its compile.
    evals = jax.vmap(lambda p, s: model.apply_policy(p, s, x, "eval"))(params, state) \
        if state else train[0]
    p1, s1 = jax.tree.map(lambda a: a[1], (params, state))  # one member without vmap
    return train, evals, model.apply_policy(p1, s1, x, "eval")

  (out, new_state), evals, single = run(params, state)
  assert out.shape == evals.shape == (2, 4, out_dim(name, 3))
  assert bool(jnp.all(jnp.isfinite(out))) and bool(jnp.all(jnp.isfinite(evals)))
  np.testing.assert_allclose(evals[1], single, rtol=1e-4, atol=1e-5)
  assert not np.allclose(evals[0], evals[1])
  assert jax.tree.structure(new_state) == jax.tree.structure(state)
  if state:  # training moved every running statistic of every member
    assert all(bool(jnp.all(a != b)) for a, b in zip(jax.tree.leaves(state),
                                                     jax.tree.leaves(new_state)))
    assert not np.allclose(out, evals)


def test_vmapped_bn_training_pass_matches_each_member():
  # Train-mode BN reduces over the batch axis; under vmap over parameters that axis must
  # stay the examples' axis of each member.
  model, shape = small("mlp_f1")
  x = jnp.asarray(np.random.default_rng(0).standard_normal((4, *shape)), jnp.float32)
  members = [random_variables(model, x.shape, seed) for seed in (1, 2)]
  params, state = stacked([m[0] for m in members]), stacked([m[1] for m in members])
  apply = lambda p, s: model.apply(p, s, x, train=True)
  out, new = jax.jit(jax.vmap(apply))(params, state)
  for i, (p, s) in enumerate(members):
    o, n = jax.jit(apply)(p, s)
    np.testing.assert_allclose(out[i], o, rtol=1e-5, atol=1e-6)
    for a, b in zip(jax.tree.leaves(new), jax.tree.leaves(n)):
      np.testing.assert_allclose(a[i], b, rtol=1e-5, atol=1e-6)


def test_vmapped_init_gives_the_per_key_inits():
  # The runner vmaps model.init over run keys: member i must be the init of key i alone,
  # whatever the other members (swapping the keys swaps the members).
  model = make("mlp", (3,), num_classes=2, hidden=(4,), bn=True)
  x = jnp.zeros((2, 3))
  keys = jax.random.split(jax.random.key(3), 2)
  vinit = jax.jit(jax.vmap(lambda k: model.init(k, x)))
  ab, ba = vinit(keys), vinit(keys[::-1])
  single = jax.jit(model.init)(keys[1], x)
  assert jax.tree.structure(ab) == jax.tree.structure(single)
  for v, w, one in zip(jax.tree.leaves(ab), jax.tree.leaves(ba), jax.tree.leaves(single)):
    np.testing.assert_array_equal(v[1], one)
    np.testing.assert_array_equal(v[::-1], w)
  assert not np.array_equal(ab[0]["Dense_0"]["kernel"][0], ab[0]["Dense_0"]["kernel"][1])


def test_mlp_matches_numpy_forward_with_bn_in_eval_mode():
  model = make("mlp", (3, 2), hidden=(5, 4), bn=True, activation="tanh")
  rng = np.random.default_rng(4)
  x = rng.standard_normal((6, 3, 2)).astype(np.float32)
  params, state = random_variables(model, x.shape, 5)
  out, _ = jax.jit(lambda p, s: model.apply(p, s, x, train=False))(params, state)
  h = x.reshape(6, -1).astype(np.float64)
  for i in range(2):
    d, bn, st = params[f"Dense_{i}"], params[f"BatchNorm_{i}"], state["batch_stats"][
        f"BatchNorm_{i}"]
    h = h @ np.asarray(d["kernel"], np.float64) + np.asarray(d["bias"])  # bias kept with BN
    h = np.tanh((h - st["mean"]) / np.sqrt(np.asarray(st["var"], np.float64) + 1e-5)
                * bn["scale"] + bn["bias"])
  h = h @ np.asarray(params["Dense_2"]["kernel"], np.float64) + params["Dense_2"]["bias"]
  np.testing.assert_allclose(out, h, rtol=1e-5, atol=1e-5)


def test_fixed_output_relu_matches_its_formula():
  model = make("fixed_output_relu", (2,), hidden=8)
  x = np.random.default_rng(6).uniform(-2, 2, (50, 2)).astype(np.float32)
  params, _ = random_variables(model, x.shape, 7)
  assert set(params) == {"W", "b"} and params["W"].shape == (2, 8)  # no output weights
  f = lambda p, xi: model.apply(p, {}, xi[None], train=False)[0][0, 0]
  out, g = jax.jit(jax.vmap(jax.value_and_grad(f), in_axes=(None, 0)))(params, x)
  w, b = np.asarray(params["W"], np.float64), np.asarray(params["b"], np.float64)
  z = sum((1.0 if j < 4 else -1.0) * np.maximum(x @ w[:, j] + b[j], 0) for j in range(8))
  np.testing.assert_allclose(out, np.clip(z, 1e-3, 1 - 1e-3), atol=1e-6)
  # Clipping: where the raw output lies outside [δ, 1 − δ] the gradient is exactly zero.
  clipped = (z < 1e-3) | (z > 1 - 1e-3)
  assert clipped.any() and (~clipped).any()
  assert np.all(np.asarray(g["W"])[clipped] == 0)
  assert np.all(np.abs(np.asarray(g["W"])[~clipped]).sum(axis=(1, 2)) > 0)


@pytest.mark.parametrize("kernel,padding", [(3, "VALID"), (3, "SAME"), (5, 2), (4, "SAME")])
def test_im2col_conv_equals_lax_conv(kernel, padding):
  rng = np.random.default_rng(8)
  x = rng.standard_normal((3, 7, 6, 2)).astype(np.float32)
  v = {"params": {"kernel": rng.standard_normal((kernel, kernel, 2, 5)).astype(np.float32),
                  "bias": rng.standard_normal(5).astype(np.float32)}}
  pad = padding if isinstance(padding, str) else [(padding, padding)] * 2
  with jax.default_matmul_precision("highest"):
    ours = jax.jit(Im2ColConv(5, kernel, padding).apply)(v, x)
    ref = jax.jit(nn.Conv(5, (kernel, kernel), padding=pad).apply)(v, x)
  np.testing.assert_allclose(ours, ref, atol=2e-5)


def test_cnn_im2col_and_lax_paths_agree():
  a, b = make("cnn_bn", SEVEN), make("cnn_bn", SEVEN, im2col=False)
  x = np.random.default_rng(9).standard_normal((5, *SEVEN)).astype(np.float32)
  params, state = random_variables(a, x.shape, 10)
  assert jax.tree.structure(b.init_shapes(x.shape)) == jax.tree.structure((params, state))

  @jax.jit
  def run(p, s):
    return [(m.apply(p, s, x, train=True)[0], m.apply(p, s, x, train=False)[0]) for m in (a, b)]

  ra, rb = run(params, state)
  np.testing.assert_allclose(ra, rb, atol=1e-5)


def test_lenet_pool_act_order_is_the_same_function_for_relu():
  a = make("lenet_small", (16, 16, 1))
  b = make("lenet_small", (16, 16, 1), order="act_pool")
  x = np.random.default_rng(11).standard_normal((3, 16, 16, 1)).astype(np.float32)
  params, _ = random_variables(a, x.shape, 12)
  ra, rb = jax.jit(lambda p: (a.apply(p, {}, x, train=False)[0],
                              b.apply(p, {}, x, train=False)[0]))(params)
  np.testing.assert_allclose(ra, rb, atol=1e-6)


def test_option_a_shortcut_subsamples_and_zero_pads_channels():
  x = np.arange(2 * 4 * 4 * 3, dtype=np.float32).reshape(2, 4, 4, 3)
  y = np.asarray(_pad_shortcut(jnp.asarray(x), 8, 2))
  assert y.shape == (2, 2, 2, 8)
  np.testing.assert_array_equal(y[..., 2:5], x[:, ::2, ::2, :])
  assert not y[..., :2].any() and not y[..., 5:].any()


@pytest.mark.parametrize("depth,convs", [(11, 8), (13, 10), (16, 13), (19, 16)])
def test_vgg_depth_counts_weight_layers(depth, convs):
  for classifier, dense in (("single", 1), ("three_fc", 3)):
    model = make("vgg", CIFAR, depth=depth, classifier=classifier, width_mult=1 / 16)
    params, _ = model.init_shapes((1, *CIFAR))
    kernels = [leaf.shape for leaf in jax.tree.leaves(params) if leaf.ndim in (2, 4)]
    assert sum(len(s) == 4 for s in kernels) == convs
    assert sum(len(s) == 2 for s in kernels) == dense
    assert convs + dense == depth + (0 if classifier == "three_fc" else -2)


def test_resnet_block_layouts():
  post, pre = make("resnet", CIFAR, depth=8), make("resnet", CIFAR, depth=8, preact=True)
  p_post, p_pre = post.init_shapes((1, *CIFAR))[0], pre.init_shapes((1, *CIFAR))[0]
  # Post-activation: stem BN; a downsampling block has a 1×1 projection conv and its BN.
  assert set(p_post) == {"Conv_0", "BatchNorm_0", "Dense_0"} | {f"BasicBlock_{i}" for i in
                                                                 range(3)}
  assert set(p_post["BasicBlock_1"]) == {"Conv_0", "Conv_1", "Conv_2", "BatchNorm_0",
                                         "BatchNorm_1", "BatchNorm_2"}
  assert p_post["BasicBlock_1"]["Conv_2"]["kernel"].shape == (1, 1, 16, 32)
  # Pre-activation: the BN before the first conv sees the block input (16 channels), the
  # projection acts on the raw input without BN, and a final BN precedes the pool.
  assert set(p_pre["PreActBlock_1"]) == {"Conv_0", "Conv_1", "Conv_2", "BatchNorm_0",
                                         "BatchNorm_1"}
  assert p_pre["PreActBlock_1"]["BatchNorm_0"]["scale"].shape == (16,)
  assert p_pre["BatchNorm_0"]["scale"].shape == (64,)
  assert "bias" not in p_pre["Conv_0"] and "bias" not in p_post["BasicBlock_0"]["Conv_0"]
