"""Initialisation schemes: bit-equality with flax's initialisers, the distribution of every
scheme's kernels and biases on a conv and a dense layer, and which scheme each preset uses.

Both probe layers hold 73,728 weights (conv 3×3×32→256, dense 288→256), so every scheme's
flat draw reuses one compiled random program per distribution.
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
from noisecurv.models.init import INITS, bias_init, fans, kernel_init
from noisecurv.models.layers import conv, dense

TRUNC = 0.87962566103423978  # std of N(0, 1) truncated to (−2, 2)
FAN_IN, CONV_FAN_OUT, DENSE_FAN_OUT = 288, 9 * 256, 256


class Probe(nn.Module):
  scheme: str

  @nn.compact
  def __call__(self, x):
    c = conv(x, 256, 3, self.scheme, padding="VALID", name="conv")  # x: (1, 3, 3, 32)
    d = dense(x.reshape(1, -1), 256, self.scheme, name="dense")  # 288 features
    return c, d


def expected(scheme: str, layer: str):
  """(kernel law, its std, bias law, bias std); laws 'normal' | 'trunc' (on ±2σ of the
  untruncated σ) | 'uniform'; a std of None means exactly zero."""
  fan_out = CONV_FAN_OUT if layer == "conv" else DENSE_FAN_OUT
  if scheme in ("he_fan_out", "he_fan_out_torch"):
    if layer == "conv":
      return "normal", math.sqrt(2 / fan_out), None, None
    scheme = "default" if scheme == "he_fan_out" else "torch"
  torch_std = 1 / math.sqrt(FAN_IN) / math.sqrt(3)
  return {
      "default": ("trunc", 1 / math.sqrt(FAN_IN), None, None),
      "he_normal": ("trunc", math.sqrt(2 / FAN_IN), None, None),
      "glorot_uniform": ("uniform", math.sqrt(2 / (FAN_IN + fan_out)), None, None),
      "glorot_normal": ("trunc", math.sqrt(2 / (FAN_IN + fan_out)), None, None),
      "torch": ("uniform", torch_std, "uniform", torch_std),
      "trunc_normal_002": ("trunc", 0.02 * TRUNC, "trunc", 0.02 * TRUNC),
      "normal_001": ("normal", 0.01, None, None),
      "std_normal": ("normal", 1.0, "normal", 1.0),
  }[scheme]


def check_law(v, law, std, rel_tol):
  v = np.asarray(v, np.float64).ravel()
  n = v.size
  # Sample std has relative s.e. ≈ 1/√(2n) (0.26% at n = 73,728; 4.4% at n = 256): the
  # tolerances are > 4 s.e. yet far below the factor-√2 errors of a wrong fan or law.
  assert abs(v.std() / std - 1) < rel_tol, (v.std(), std)
  assert abs(v.mean()) < 5 * std / math.sqrt(n)
  peak = np.abs(v).max() / std
  if law == "uniform":
    assert peak <= math.sqrt(3) * (1 + 1e-6)  # U(±b) has std b/√3
  elif law == "trunc":
    assert peak <= 2 / TRUNC * (1 + 1e-6)  # truncated at 2 untruncated σ
  elif n > 10_000:
    assert peak > 3.5  # normal tails reach past the truncation points


@pytest.mark.parametrize("scheme", INITS)
def test_scheme_distributions_on_conv_and_dense(scheme):
  params = Probe(scheme).init(jax.random.key(0), jnp.zeros((1, 3, 3, 32)))["params"]
  for layer in ("conv", "dense"):
    k_law, k_std, b_law, b_std = expected(scheme, layer)
    assert params[layer]["kernel"].size == 73_728
    check_law(params[layer]["kernel"], k_law, k_std, 0.03)
    if b_law is None:
      assert not np.any(params[layer]["bias"])
    else:
      check_law(params[layer]["bias"], b_law, b_std, 0.2)


@pytest.mark.parametrize("ours,theirs", [
    (kernel_init("default"), nn.initializers.lecun_normal()),
    (kernel_init("glorot_uniform"), nn.initializers.glorot_uniform()),
    (kernel_init("he_fan_out_torch", "conv"),
     nn.initializers.variance_scaling(2.0, "fan_out", "normal")),
], ids=["lecun_normal", "glorot_uniform", "he_fan_out"])
def test_flat_sampling_reproduces_flax_initialisers(ours, theirs):
  # Threefry counters are row-major: a flat draw reshaped is the draw on the full shape.
  key, shape = jax.random.key(1), (288, 256)
  np.testing.assert_array_equal(ours(key, shape), theirs(key, shape))


def test_fans_of_conv_and_dense_kernels():
  assert fans((3, 3, 32, 256)) == (288, 2304)
  assert fans((288, 256)) == (288, 256)
  assert fans((5, 5, 1, 10)) == (25, 250)


def test_bad_schemes_raise():
  with pytest.raises(ValueError, match="unknown init"):
    kernel_init("kaiming")
  with pytest.raises(ValueError, match="layer kind"):
    kernel_init("default", "rnn")
  with pytest.raises(ValueError, match="fan_in"):
    bias_init("torch")


# The scheme each paper preset must use (the specs' "Init" lines).
PRESET_INITS = {
    "logreg": "default", "mlp70": "default", "big_mlp": "default", "cnn": "default",
    "cnn_bn": "default", "mlp_f1": "default", "lenet5_bn": "he_fan_out",
    "alexnet_cifar": "he_fan_out", "vgg16_bn": "he_fan_out", "resnet20": "he_fan_out",
    "resnet44": "he_fan_out", "resnet44x2": "he_fan_out", "vgg11_bn": "he_fan_out_torch",
    "vgg11": "he_fan_out_torch", "preact_resnet56": "torch", "bn_mlp4": "torch",
    "mlp256": "torch", "lenet_small": "trunc_normal_002", "li_gauss_mlp": "std_normal",
}


@pytest.mark.parametrize("name,scheme", sorted(PRESET_INITS.items()))
def test_presets_use_their_papers_scheme(name, scheme):
  cfg = registry.MODELS.get(name).schema()
  cfg.name = name
  model = build(cfg, num_classes=10, input_shape=(32, 32, 3) if "vgg" in name else (28, 28, 1))
  assert model.module.init_scheme == scheme


def test_fixed_output_relu_init_is_uniform_on_sqrt_one_over_h():
  cfg = registry.MODELS.get("fixed_output_relu").schema()
  cfg.update(name="fixed_output_relu", hidden=512)
  model = build(cfg, num_classes=2, input_shape=(2,))
  params, _ = model.init(jax.random.key(2), jnp.zeros((1, 2)))
  v = np.concatenate([np.ravel(params["W"]), np.ravel(params["b"])])  # D = 3h = 1,536
  bound = math.sqrt(1 / 512)
  assert np.abs(v).max() <= bound and np.abs(v).max() > 0.99 * bound
  assert abs(v.std() / (bound / math.sqrt(3)) - 1) < 0.1  # s.e. 1.8% at n = 1,536
