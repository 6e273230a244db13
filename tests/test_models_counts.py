"""Parameter counts of every paper model against the papers/specs, via eval_shape (nothing
large is allocated), plus the registry contract: docstrings and schemas that validate."""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import pytest

from noisecurv import configlib, registry
from noisecurv.models import build, num_params
from noisecurv.models.init import INITS

MNIST, CIFAR, SEVEN = (28, 28, 1), (32, 32, 3), (7, 7, 1)


@functools.cache
def trace(name, input_shape, num_classes, over):
  """(parameters, BN running statistics, training-pass output shape) of `name` with the keys
  `over` (sorted items), from one abstract trace of init + training pass on a batch of 2."""
  cfg = registry.MODELS.get(name).schema()
  cfg.name = name
  cfg.update(dict(over))
  model = build(cfg, num_classes=num_classes, input_shape=input_shape)

  def run(key, x):
    params, state = model.init(key, x)
    return params, state, model.apply(params, state, x, train=True)[0]

  x = jax.ShapeDtypeStruct((2, *input_shape), jnp.float32)
  params, state, out = jax.eval_shape(run, jax.random.key(0), x)
  return num_params(params), num_params(state), out.shape


def counts(name, input_shape, num_classes=10, **over):
  """(trainable parameters, BN running statistics) of `name` with keys `over`."""
  n_params, n_state, out = trace(name, tuple(input_shape), num_classes,
                                 tuple(sorted(over.items())))
  assert out == (2, 1 if name == "fixed_output_relu" else num_classes)
  return n_params, n_state


# Exact counts stated in the specs/papers (references in each preset's docstring).
EXACT = [
    # thomas2020 §2.0 table (7×7 greyscale inputs).
    ("logreg", SEVEN, {}, 500),
    ("mlp70", SEVEN, {}, 4_210),
    ("big_mlp", SEVEN, {}, 9_180),
    ("cnn", SEVEN, {}, 4_680),
    ("cnn_bn", SEVEN, {}, 4_720),
    ("mlp", SEVEN, dict(hidden=(8,)), 490),  # Fig. 3 smallest, 60h + 10
    ("mlp", SEVEN, dict(hidden=(100,)), 6_010),  # Fig. 3 largest
    # wen2019 "Models (exact defaults)": BN γ, β counted, running statistics not (see below).
    ("lenet5_bn", MNIST, {}, 62_158),
    ("mlp_f1", MNIST, {}, 1_462_794),
    # jastrzebski2017 §3.
    ("vgg11_bn", CIFAR, {}, 9_756_426),
    ("preact_resnet56", CIFAR, {}, 855_578),
    ("bn_mlp4", MNIST, {}, 935_434),
    ("mlp256", MNIST, {}, 269_322),
    # zhu2019 §E3, §E4, §E9.
    ("fixed_output_relu", (2,), dict(hidden=32), 96),
    ("fixed_output_relu", (2,), dict(hidden=128), 384),
    ("fixed_output_relu", (2,), dict(hidden=512), 1_536),
    ("lenet_small", MNIST, {}, 11_330),
    ("vgg11", CIFAR, {}, 9_750_922),
    # li2019 App. A Tables 2 and 3.
    ("li_gauss_mlp", (50,), {}, 1_150),
    ("li_mnist_mlp", (784,), {}, 134_794),
    ("li_mnist_mlp", (784,), dict(hidden=(128,) * 4), 151_306),
    ("li_mnist_mlp", (784,), dict(hidden=(128,) * 5), 167_818),
    ("li_mnist_mlp", (784,), dict(hidden=(128,) * 6), 184_330),
    ("li_cifar_mlp", (3072,), {}, 920_842),
    ("li_cifar_mlp", (3072,), dict(hidden=(256,) * 6), 1_118_218),
]


@pytest.mark.parametrize("name,shape,over,expected", EXACT,
                         ids=[f"{e[0]}-{e[3]}" for e in EXACT])
def test_exact_parameter_counts(name, shape, over, expected):
  assert counts(name, shape, **over)[0] == expected


def test_gauss2_count():
  # li2019 Table 2: the k = 2 Gauss net has 902 parameters.
  assert counts("li_gauss_mlp", (50,), num_classes=2)[0] == 902


def test_lenet5_bn_counts_bn_scale_and_bias_but_not_running_stats():
  # The spec's 62,158 = conv/dense weights and biases (61,706) + BN γ, β (2·226 = 452); the
  # 452 running means/variances are state. Counting them too would give 62,610.
  n_params, n_state = counts("lenet5_bn", MNIST)
  assert (n_params, n_state) == (62_158, 452)
  assert counts("lenet5", MNIST)[0] == 62_158 - 452


# Approximate counts: (name, keys, reference, relative tolerance, source).
APPROX = [
    ("resnet20", {}, 0.27e6, 0.02, "He et al. 2016 Table 6"),
    ("resnet", dict(depth=20, shortcut="identity_pad"), 0.27e6, 0.02, "He et al., option A"),
    ("resnet44", {}, 0.66e6, 0.02, "He et al. 2016 Table 6"),
    ("resnet", dict(depth=44, shortcut="identity_pad"), 0.66e6, 0.02, "He et al., option A"),
    ("resnet", dict(depth=56, shortcut="identity_pad"), 0.85e6, 0.02, "He et al. 2016 Table 6"),
    ("resnet44x2", {}, 2.6e6, 0.02, "wen2019 table"),
    ("alexnet_cifar", {}, 1.39e6, 0.01, "wen2019 table"),
    ("vgg16_bn", {}, 14.7e6, 0.01, "wen2019 table"),
]


@pytest.mark.parametrize("name,over,ref,tol,source", APPROX,
                         ids=[f"{a[0]}-{a[1].get('depth', '')}" for a in APPROX])
def test_approximate_parameter_counts(name, over, ref, tol, source):
  n = counts(name, CIFAR, **over)[0]
  assert abs(n / ref - 1) <= tol, (n, ref, source)


def test_resnet_option_a_counts_exactly():
  # Option A has no shortcut parameters: stem 432 + BN 32, stages 3·(n blocks), head 650.
  def option_a(n):
    stage = lambda cin, c: (9 * cin * c + 2 * c) + (9 * c * c + 2 * c) + (n - 1) * 2 * (
        9 * c * c + 2 * c)
    return 432 + 32 + stage(16, 16) + stage(16, 32) + stage(32, 64) + 650

  for depth in (20, 44):
    got = counts("resnet", CIFAR, depth=depth, shortcut="identity_pad")[0]
    assert got == option_a((depth - 2) // 6)
  # Projection (option B) adds the two 1×1 convs (16·32 + 32·64) and their BN (2·(32 + 64)).
  assert (counts("resnet", CIFAR, depth=44)[0]
          - counts("resnet", CIFAR, depth=44, shortcut="identity_pad")[0]) == 2_560 + 192


def test_vgg_bn_adds_only_bn_parameters():
  with_bn = counts("vgg11_bn", CIFAR)[0]
  without = counts("vgg11", CIFAR)[0]
  assert with_bn - without == 2 * (64 + 128 + 256 * 2 + 512 * 4)


def test_width_mult_scales_vgg_and_resnet():
  # Convs scale quadratically with the width (biases, BN and the head linearly).
  w1, w2 = counts("resnet44", CIFAR)[0], counts("resnet44x2", CIFAR)[0]
  assert 3.9 < w2 / w1 < 4.0
  assert counts("vgg11_bn", CIFAR, width_mult=0.5)[0] < counts("vgg11_bn", CIFAR)[0] / 3.9


def test_input_channels_come_from_the_data():
  # Grey 32×32 (fmnist32) vs RGB: only the first conv's kernel changes (9·64·2 weights).
  assert counts("vgg11", CIFAR)[0] - counts("vgg11", (32, 32, 1))[0] == 9 * 64 * 2


# Per-example input shape each model is used with in the papers (CIFAR for the rest).
PAPER_INPUTS = {
    "linear": (8, 8, 1), "mlp": (8, 8, 1), "logreg": SEVEN, "mlp70": SEVEN, "big_mlp": SEVEN,
    "cnn": SEVEN, "cnn_bn": SEVEN, "mlp_f1": MNIST, "bn_mlp4": MNIST, "mlp256": MNIST,
    "lenet5": MNIST, "lenet5_bn": MNIST, "lenet_small": MNIST, "li_gauss_mlp": (50,),
    "li_mnist_mlp": (784,), "li_cifar_mlp": (3072,), "fixed_output_relu": (2,),
}


@pytest.mark.parametrize("name", registry.MODELS.names())
def test_full_size_training_pass_output_shape(name):
  # counts() checks the output shape (B, classes), or (B, 1) for the clipped regression net;
  # the trace is shared with the count tests above.
  assert counts(name, PAPER_INPUTS.get(name, CIFAR))[0] > 0


@pytest.mark.parametrize("name", registry.MODELS.names())
def test_every_model_is_documented_and_its_schema_validates(name):
  entry = registry.MODELS.get(name)
  assert entry.doc, f"model {name!r} has no docstring"
  assert any(k in entry.doc for k in ("thomas2020", "wen2019", "jastrzebski2017", "zhu2019",
                                      "li2019", "family", "regression")), entry.doc
  configlib.validate(configlib.base(model=name))
  assert entry.defaults.get("init", "default") in INITS


def test_bn_models_declare_ghost_size():
  # apply_policy(bn='batch') clones the module with ghost_size=0: every BN-capable family
  # must expose the key (and the module attribute).
  for name in registry.MODELS.names():
    entry = registry.MODELS.get(name)
    if "bn" in entry.defaults or "bn_layers" in entry.defaults:
      assert "ghost_size" in entry.defaults, name


def test_bad_keys_fail_early():
  with pytest.raises(ValueError, match="6n"):
    counts("resnet", CIFAR, depth=21)
  with pytest.raises(ValueError, match="32×32"):
    counts("vgg11", MNIST)
  with pytest.raises(ValueError, match="even"):
    counts("fixed_output_relu", (2,), hidden=7)
  with pytest.raises(ValueError, match="flatten"):
    counts("lenet5", (784,))
  with pytest.raises(ValueError, match="bn_layers"):
    counts("cnn", SEVEN, bn_layers=(2,))
  with pytest.raises(ValueError, match="init"):
    counts("mlp", SEVEN, init="kaiming")
