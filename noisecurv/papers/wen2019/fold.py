"""W8 (Fig. 5b): BN folding, temperature calibration and λ_max of the Hessian.

The paper makes λ_max comparable across runs (§5.3) by (1) pushing each BN layer's parameters
and running statistics into the layer before it, and (2) fitting a temperature on the test set.
For a linear layer z = Wᵀa + b followed by BN (eval mode) y = (z − μ)/√(σ² + ε)·γ + β, with
s = γ/√(σ² + ε) per output channel (spec §2.9):

    W' = W·s (last axis),   b' = (b − μ)·s + β,

so the folded network (the same family with bn=False, every linear layer with a bias) has the
same eval-mode outputs (checked: `max_abs_diff`). The pairing of a BN layer with its linear
layer comes from one traced forward pass (`flax.linen.intercept_methods`): a BN layer is folded
only if its input *is* the preceding linear layer's output, otherwise folding is refused (e.g.
a max-pool in between). Linear layers of the two networks are matched by call order.

The temperature T > 0 minimises the mean cross-entropy of logits/T (1-D, on log T); it is
folded into the last linear layer (W, b)/T. λ_max is the top Hessian eigenvalue of the mean
training cross-entropy of the folded, calibrated network over all its parameters, by Lanczos
with a float64 basis (`noisecurv.curvature`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import scipy.optimize

from noisecurv import curvature as cv
from noisecurv.models.layers import Im2ColConv
from noisecurv.models.norm import BatchNorm

LINEAR = (nn.Dense, nn.Conv, Im2ColConv)


@dataclasses.dataclass(frozen=True)
class Layout:
  """Linear layers in call order and, per linear index, the BN layer that follows it."""

  linear: tuple[tuple[str, ...], ...]
  bn_after: dict[int, tuple[str, ...]]
  epsilon: dict[tuple[str, ...], float]


def trace_layout(module: nn.Module, variables: dict, x: jax.Array) -> Layout:
  """The Layout of `module` from one eval-mode forward pass on x."""
  linear: list[tuple[str, ...]] = []
  outputs: list[Any] = []
  bn_after: dict[int, tuple[str, ...]] = {}
  eps: dict[tuple[str, ...], float] = {}

  def rec(next_fun, args, kwargs, context):
    if context.method_name != "__call__":
      return next_fun(*args, **kwargs)
    mod = context.module
    if isinstance(mod, BatchNorm):
      if not outputs or args[0] is not outputs[-1]:
        raise ValueError(f"BN layer {mod.path} does not follow a linear layer directly: "
                         "it cannot be folded")
      bn_after[len(linear) - 1] = tuple(mod.path)
      eps[tuple(mod.path)] = float(mod.epsilon)
      return next_fun(*args, **kwargs)
    out = next_fun(*args, **kwargs)
    if isinstance(mod, LINEAR):
      linear.append(tuple(mod.path))
      outputs.append(out)
    return out

  with nn.intercept_methods(rec):
    jax.eval_shape(lambda v, xx: module.apply(v, xx, train=False), variables, x)
  return Layout(tuple(linear), bn_after, eps)


def _get(tree, path):
  for p in path:
    tree = tree[p]
  return tree


def fold_params(params: dict, stats: dict, layout: Layout, plain_params: dict,
                plain_layout: Layout) -> dict:
  """Parameters of the bn=False network with every BN folded into its linear layer.

  `plain_params` is a template of the folded network (its values are replaced)."""
  if len(layout.linear) != len(plain_layout.linear):
    raise ValueError("the folded network has a different number of linear layers")
  out = jax.tree.map(lambda a: a, plain_params)
  for i, (src, dst) in enumerate(zip(layout.linear, plain_layout.linear)):
    layer = _get(params, src)
    w = layer["kernel"]
    b = layer.get("bias", jnp.zeros(w.shape[-1], w.dtype))
    if i in layout.bn_after:
      bn = layout.bn_after[i]
      gamma, beta = _get(params, bn)["scale"], _get(params, bn)["bias"]
      mean, var = _get(stats, bn)["mean"], _get(stats, bn)["var"]
      s = gamma / jnp.sqrt(var + layout.epsilon[bn])
      w, b = w * s, (b - mean) * s + beta
    target = _get(out, dst)
    if "bias" not in target or target["kernel"].shape != w.shape:
      raise ValueError(f"folded layer {dst} needs a bias and kernel shape {w.shape}")
    target["kernel"], target["bias"] = w, b
  return out


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
  """argmin_T mean CE(logits/T, labels) over T ∈ [e⁻⁶, e⁶] (bounded 1-D search on log T)."""
  z = np.asarray(logits, np.float64)
  y = np.asarray(labels)

  def nll(log_t):
    s = z / np.exp(log_t)
    s = s - s.max(axis=1, keepdims=True)
    return float(np.mean(np.log(np.exp(s).sum(axis=1)) - s[np.arange(len(y)), y]))

  res = scipy.optimize.minimize_scalar(nll, bounds=(-6.0, 6.0), method="bounded",
                                       options={"xatol": 1e-6})
  return float(np.exp(res.x))


def scale_last(params: dict, layout: Layout, factor: float) -> dict:
  """params with the last linear layer's kernel and bias multiplied by `factor`."""
  out = jax.tree.map(lambda a: a, params)
  last = _get(out, layout.linear[-1])
  last["kernel"] = last["kernel"] * factor
  if "bias" in last:
    last["bias"] = last["bias"] * factor
  return out


def lambda_max(loss_of_params, params, key: jax.Array, steps: int) -> jax.Array:
  """Top Hessian eigenvalue of loss_of_params at params (Lanczos, `steps` H-products)."""
  matvec = cv.flat(cv.hessian_op(loss_of_params, params), params)[0]
  theta = jax.flatten_util.ravel_pytree(params)[0]
  v0 = jax.random.normal(key, theta.shape, theta.dtype)
  return cv.lanczos_top_k(matvec, v0, steps, 1)[0][0]
