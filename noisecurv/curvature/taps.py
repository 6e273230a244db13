"""Factored per-example gradient moments for flax models (dense and conv layers).

A dense layer y = xW + b has per-example kernel gradient gₙ = xₙδₙᵀ with
δₙ = ∂ℓₙ/∂yₙ, so the moments need no per-example gradients at all:

    Σₙ (xₙδₙᵀ)⊙(xₙδₙᵀ) = (x⊙x)ᵀ(δ⊙δ),     ‖xₙδₙᵀ‖² = ‖xₙ‖²‖δₙ‖².

A conv layer is a dense layer on im2col patches Pₙ ∈ ℝ^{P×I} (P output
positions): gₙ = Pₙᵀ Δₙ. Its squares are summed over examples in blocks of
`block` examples (bounded memory), or, when P is small, with the Gram form
Σₙ (PₙᵀΔₙ)⊙(PₙᵀΔₙ) = Σ_{n,p,q} (P_{np}⊙P_{nq}) ⊗ (Δ_{np}⊙Δ_{nq}), one matmul
over n·P² rows that never writes an I×O block per example.

The δ's come from one batched backward pass: every `nn.Dense`/`nn.Conv` call is
intercepted (`flax.linen.intercept_methods`), its input recorded and a zero
perturbation added to its output; the gradient of Σₙ ℓₙ with respect to the
perturbations is δ. Any parameter not covered (BN scales, shared or unusual
layers) falls back to chunked `vmap(grad)` restricted to those leaves.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable
from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp
from flax.linen.linear import canonicalize_padding

from noisecurv.curvature.pergrad import GradMoments, chunked_sum
from noisecurv.curvature.precision import highest

PyTree = Any


@dataclasses.dataclass(frozen=True)
class Tap:
  """One intercepted layer: its parameter path and how to form its patches."""

  path: tuple[str, ...]
  kind: str  # 'dense' | 'conv'
  has_bias: bool
  kernel_size: tuple[int, ...] = ()
  strides: tuple[int, ...] = ()
  padding: Any = None
  kernel_dilation: tuple[int, ...] = ()


def _tuple(v, n):
  if v is None:
    return (1,) * n
  if isinstance(v, int):
    return (v,) * n
  return tuple(v)


def _conv_tap(m: nn.Conv, path, has_bias, x) -> Tap | None:
  """A Tap when this conv is a plain strided/dilated conv that im2col reproduces, else None."""
  n = len(m.kernel_size)
  if (m.feature_group_count != 1 or m.mask is not None or x.ndim != n + 2
      or _tuple(m.input_dilation, n) != (1,) * n
      or m.conv_general_dilated is not None or m.conv_general_dilated_cls is not None):
    return None
  padding = canonicalize_padding(m.padding, n)
  if isinstance(padding, str) and padding not in ("SAME", "VALID"):
    return None
  if not isinstance(padding, str):
    padding = tuple(tuple(p) for p in padding)
  return Tap(path, "conv", has_bias, tuple(m.kernel_size), _tuple(m.strides, n), padding,
             _tuple(m.kernel_dilation, n))


def _get(tree, path):
  for p in path:
    if not isinstance(tree, dict) or p not in tree:
      return None
    tree = tree[p]
  return tree


def discover_taps(apply_fn: Callable, params: PyTree, x: jax.Array) -> dict[str, Tap]:
  """Finds the dense/conv layers of `apply_fn(params, x)` that admit the factored rules."""
  found: dict[str, Tap | None] = {}

  def interceptor(next_fun, args, kwargs, context):
    m = context.module
    if context.method_name == "__call__" and type(m) in (nn.Dense, nn.Conv):
      path = tuple(m.path)
      key = "/".join(path)
      leaf = _get(params, path)
      tap = None
      if key not in found and isinstance(leaf, dict) and "kernel" in leaf:
        has_bias = "bias" in leaf
        if type(m) is nn.Dense:
          tap = Tap(path, "dense", has_bias)
        else:
          tap = _conv_tap(m, path, has_bias, args[0])
      # A module called twice (weight sharing) gets None: its δ's would mix two uses.
      found[key] = tap if key not in found else None
    return next_fun(*args, **kwargs)

  with nn.intercept_methods(interceptor):
    # A fresh lambda: eval_shape caches traces by function, and the interceptor must run.
    jax.eval_shape(lambda p, xx: apply_fn(p, xx), params, x)
  return {k: t for k, t in found.items() if t is not None}


def tapped_apply(apply_fn: Callable, taps: dict[str, Tap]):
  """f(params, x, perturbs) -> (outputs, tap inputs, tap outputs).

  Adds perturbs[key] to the output of tap `key`; perturbs=None adds nothing (used
  to read the shapes of the tap outputs).
  """

  def f(params, x, perturbs):
    inputs, outputs = {}, {}

    def interceptor(next_fun, args, kwargs, context):
      m = context.module
      y = next_fun(*args, **kwargs)
      if context.method_name == "__call__" and type(m) in (nn.Dense, nn.Conv):
        key = "/".join(m.path)
        if key in taps:
          inputs[key], outputs[key] = args[0], y
          if perturbs is not None:
            y = y + perturbs[key]
      return y

    with nn.intercept_methods(interceptor):
      out = apply_fn(params, x)
    return out, inputs, outputs

  return f


def patches(tap: Tap, x: jax.Array) -> jax.Array:
  """(B, P, I) rows whose product with the kernel reshaped to (I, O) is the layer's output.

  Conv patches are strided slices of the padded input, one per kernel offset,
  stacked in (k₁, …, kₙ, C_in) order, the row-major order of flax's kernel. Pure
  data movement: `lax.conv_general_dilated_patches` would run a convolution with
  a one-hot filter, I times the layer's FLOPs.
  """
  if tap.kind == "dense":
    return x.reshape(x.shape[0], -1, x.shape[-1])
  n = len(tap.kernel_size)
  eff = [(k - 1) * dl + 1 for k, dl in zip(tap.kernel_size, tap.kernel_dilation)]
  if isinstance(tap.padding, str):
    pads = jax.lax.padtype_to_pads(x.shape[1:-1], eff, tap.strides, tap.padding)
  else:
    pads = tap.padding
  x = jnp.pad(x, [(0, 0)] + [tuple(p) for p in pads] + [(0, 0)])
  out = [(x.shape[1 + i] - eff[i]) // tap.strides[i] + 1 for i in range(n)]
  cols = []
  for offs in itertools.product(*(range(k) for k in tap.kernel_size)):
    idx = tuple(slice(o * dl, o * dl + (m - 1) * st + 1, st)
                for o, dl, m, st in zip(offs, tap.kernel_dilation, out, tap.strides))
    cols.append(x[(slice(None),) + idx + (slice(None),)])
  p = jnp.stack(cols, axis=-2)  # (B, *out, k₁⋯kₙ, C_in)
  return p.reshape(x.shape[0], math.prod(out), -1)


def kernel_layout(tap: Tap, kernel_shape: tuple[int, ...]) -> Callable[[jax.Array], jax.Array]:
  """Maps an (I, O) block in patch order back to the flax kernel layout (a reshape)."""
  del tap
  return lambda a: a.reshape(kernel_shape)


def _layer_sums(p: jax.Array, d: jax.Array, block: int, gram_positions: int, block_bytes: int):
  """Σₙ gₙ, Σₙ gₙ⊙gₙ (as (I, O)) and ‖gₙ‖² (B,) for gₙ = pₙᵀdₙ; p (B,P,I), d (B,P,O).

  block ≤ 0 sizes the per-example blocks so that one block of gₙ's takes about
  block_bytes (written and read back while it is still in cache).
  """
  npos = p.shape[1]
  if block <= 0:
    block = max(1, block_bytes // (p.shape[-1] * d.shape[-1] * p.dtype.itemsize))
  s1 = jnp.einsum("bpi,bpo->io", p, d)
  if npos == 1:
    p2, d2 = p[:, 0], d[:, 0]
    s2 = jnp.square(p2).T @ jnp.square(d2)
    norms = jnp.sum(jnp.square(p2), 1) * jnp.sum(jnp.square(d2), 1)
    return s1, s2, norms
  if npos <= gram_positions:
    pp = (p[:, :, None, :] * p[:, None, :, :]).reshape(-1, p.shape[-1])
    dd = (d[:, :, None, :] * d[:, None, :, :]).reshape(-1, d.shape[-1])
    s2 = pp.T @ dd
    norms = jnp.einsum("bpi,bqi,bpo,bqo->b", p, p, d, d)
    return s1, s2, norms

  def blk(pd):
    g = jnp.einsum("bpi,bpo->bio", pd[0], pd[1])
    return jnp.sum(jnp.square(g), 0), jnp.sum(jnp.square(g), (1, 2))

  s2, norms = chunked_sum(blk, (p, d), block)
  return s1, s2, norms


def factored_moments(apply_fn: Callable, per_example_loss: Callable, params: PyTree,
                     xs: jax.Array, ys: jax.Array, *, chunk_size: int = 0, block: int = 0,
                     gram_positions: int = 8, block_bytes: int = 24 << 20) -> GradMoments:
  """`GradMoments` of per-example gradients of ℓₙ = per_example_loss(apply_fn(params, x), y)ₙ.

  apply_fn(params, x (B,...)) -> outputs calls flax modules (e.g. `ctx.apply` with
  its state bound); per_example_loss(outputs, y) -> (B,). The model must treat
  examples independently (eval-mode BN). chunk_size: examples per backward pass
  (0 = all); block: examples per block of per-example conv gradients (0: as many
  as fit in block_bytes, sized per layer); gram_positions: convs with at most this
  many output positions use the Gram form (n·P² rows instead of n blocks of I×O).
  """
  taps = discover_taps(apply_fn, params, xs[:1])
  fwd = tapped_apply(apply_fn, taps)
  n = xs.shape[0]
  covered = {t.path for t in taps.values()}
  flat, treedef = jax.tree_util.tree_flatten_with_path(params)
  keys = [tuple(getattr(k, "key", str(k)) for k in path) for path, _ in flat]
  rest_idx = [i for i, k in enumerate(keys) if k[:-1] not in covered]

  def loss_rest(rest, x, y):
    leaves = [leaf for _, leaf in flat]
    for i, r in zip(rest_idx, rest):
      leaves[i] = r
    p = jax.tree_util.tree_unflatten(treedef, leaves)
    return per_example_loss(apply_fn(p, x[None]), y[None])[0]

  def chunk_fn(xy):
    x, y = xy
    with highest():
      shapes = jax.eval_shape(lambda: fwd(params, x, None)[2])
      zeros = {k: jnp.zeros(s.shape, s.dtype) for k, s in shapes.items()}

      def total(pert):
        out, inputs, _ = fwd(params, x, pert)
        return jnp.sum(per_example_loss(out, y)), inputs

      tot, vjp_fn, inputs = jax.vjp(total, zeros, has_aux=True)
      (deltas,) = vjp_fn(jnp.ones_like(tot))
      sums, norms = {}, jnp.zeros((x.shape[0],), tot.dtype)
      for key, tap in taps.items():
        p = patches(tap, inputs[key])
        d = deltas[key].reshape(x.shape[0], -1, deltas[key].shape[-1])
        s1, s2, nk = _layer_sums(p, d, block, gram_positions, block_bytes)
        entry = {"kernel": (s1, s2)}
        norms = norms + nk
        if tap.has_bias:
          db = jnp.sum(d, 1)
          entry["bias"] = (jnp.sum(db, 0), jnp.sum(jnp.square(db), 0))
          norms = norms + jnp.sum(jnp.square(db), 1)
        sums[key] = entry
      rest_sums = None
      if rest_idx:
        rest = [flat[i][1] for i in rest_idx]
        g = jax.vmap(jax.grad(loss_rest), in_axes=(None, 0, 0))(rest, x, y)
        rest_sums = ([jnp.sum(a, 0) for a in g], [jnp.sum(jnp.square(a), 0) for a in g])
        norms = norms + sum(jnp.sum(jnp.square(a).reshape(a.shape[0], -1), 1) for a in g)
    return (sums, rest_sums), norms

  (sums, rest_sums), norms = chunked_sum(chunk_fn, (xs, ys), chunk_size)
  mean_leaves, sq_leaves = [None] * len(flat), [None] * len(flat)
  for i, (k, leaf) in enumerate(zip(keys, (leaf for _, leaf in flat))):
    key = "/".join(k[:-1])
    if key in taps and k[-1] in sums[key]:
      s1, s2 = sums[key][k[-1]]
      layout = kernel_layout(taps[key], leaf.shape) if k[-1] == "kernel" else (
          lambda a, shape=leaf.shape: a.reshape(shape))
      mean_leaves[i], sq_leaves[i] = layout(s1) / n, layout(s2) / n
  for j, i in enumerate(rest_idx):
    mean_leaves[i], sq_leaves[i] = rest_sums[0][j] / n, rest_sums[1][j] / n
  unflat = lambda ls: jax.tree_util.tree_unflatten(treedef, ls)
  return GradMoments(unflat(mean_leaves), unflat(sq_leaves), norms)
