"""K-FAC-shaped large-batch noise (wen2019 App. D and E.2, Table 2 column "K-FAC").

For a dense layer z = Wᵀa + b with per-example input ãᵢ = (aᵢ, 1) and output cotangent
δᵢ = ∂ℓᵢ/∂zᵢ, K-FAC approximates the layer's block of C by A ⊗ G with

    A = (1/M) Σᵢ ãᵢãᵢᵀ,   G = (1/M) Σᵢ δᵢδᵢᵀ,

and a conv layer (KFC, Grosse & Martens 2016) by the same with ãᵢ,ₜ the im2col patches
at output position t: A = (1/M) Σᵢ Σₜ ãᵢ,ₜãᵢ,ₜᵀ, G = (1/M) Σᵢ (1/|T|) Σₜ δᵢ,ₜδᵢ,ₜᵀ.
The noise of the layer's (kernel; bias) block, as an (I+1) × O matrix, is

    E = c · A^{1/2} Z G^{1/2},   Z ~ N(0, I),   so Cov(vec E) = c² A ⊗ G,

with c² = 1/M_S − 1/M_L (wen2019 Eq. 5) and square roots by `eigh` with eigenvalues clipped
at 0, recomputed every step (wen2019 spec §2.8, #25: no damping). Parameters outside plain
dense/conv layers (BN scales and shifts, ...) get the diagonal noise of `lb_diag` with the
configured `estimator`. Inputs and cotangents come from one forward and one backward pass
with taps on every `nn.Dense`/`nn.Conv` call (`noisecurv.curvature.taps`).
"""

from __future__ import annotations

import itertools

import jax
import jax.numpy as jnp

from noisecurv.curvature.lapack import eigh
from noisecurv.curvature.taps import discover_taps, kernel_layout, patches, tapped_apply
from noisecurv.noise.context import NoiseContext
from noisecurv.noise.large_batch import (
  DIAG_ESTIMATORS,
  LB_KEYS,
  batch_sizes,
  diag_variance,
  noise_factor,
)
from noisecurv.noise.transform import flat, noise_transform, normal_like, register, stop_step_of


def psd_sqrt(a: jax.Array) -> jax.Array:
  """Symmetric square root of a PSD matrix, negative eigenvalues (round-off) clipped to 0."""
  lam, v = eigh(0.5 * (a + a.T))
  return (v * jnp.sqrt(jnp.maximum(lam, 0.0))) @ v.T


def kfac_factors(params, ctx: NoiseContext) -> dict[str, tuple[jax.Array, jax.Array]]:
  """{layer path: (A (I[+1], I[+1]), G (O, O))} for the batch's true labels (see module doc)."""
  x, y = ctx.batch
  m = x.shape[0]
  taps = discover_taps(ctx.apply_fn, params, x[:1])
  fwd = tapped_apply(ctx.apply_fn, taps)
  shapes = jax.eval_shape(lambda: fwd(params, x, None)[2])
  zeros = {k: jnp.zeros(s.shape, s.dtype) for k, s in shapes.items()}

  def total(pert):
    out, inputs, _ = fwd(params, x, pert)
    return jnp.sum(ctx.likelihood.loss(out, y)), inputs

  tot, vjp_fn, inputs = jax.vjp(total, zeros, has_aux=True)
  (deltas,) = vjp_fn(jnp.ones_like(tot))
  factors = {}
  for key, tap in taps.items():
    p = patches(tap, inputs[key])  # (M, T, I)
    if tap.has_bias:
      p = jnp.concatenate([p, jnp.ones(p.shape[:2] + (1,), p.dtype)], axis=-1)
    d = deltas[key].reshape(m, -1, deltas[key].shape[-1])  # (M, T, O)
    a = jnp.einsum("mti,mtj->ij", p, p) / m
    g = jnp.einsum("mto,mtp->op", d, d) / (m * d.shape[1])
    factors[key] = (tap, a, g)
  return factors


def _path_key(path) -> tuple[str, ...]:
  return tuple(str(getattr(k, "key", k)) for k in path)


@register("lb_kfac", **dict(LB_KEYS, estimator="ghost_variance"))
def lb_kfac(cfg, *, seed: int):
  """LB + K-FAC noise (wen2019 App. E): per dense/conv layer c·A^{1/2} Z G^{1/2}; other
  parameters get lb_diag noise from `estimator`."""
  if cfg.estimator not in DIAG_ESTIMATORS:
    raise ValueError(f"noise.estimator {cfg.estimator!r} not in {DIAG_ESTIMATORS}")

  def draw(params, cache, ctx, key, grads):
    m_l, m_s = batch_sizes(cfg, ctx)
    c = noise_factor(m_l, m_s)
    k_z, k_est, k_xi = jax.random.split(key, 3)
    with jax.default_matmul_precision("highest"):
      factors = kfac_factors(params, ctx)
      names = sorted(factors)
      sizes = [factors[n][1].shape[0] * factors[n][2].shape[0] for n in names]
      zs = jnp.split(jax.random.normal(k_z, (sum(sizes),), jnp.float32),
                     list(itertools.accumulate(sizes))[:-1])
      blocks = {}
      for name, z in zip(names, zs):
        tap, a, g = factors[name]
        e = c * (psd_sqrt(a) @ z.reshape(a.shape[0], g.shape[0]).astype(a.dtype) @ psd_sqrt(g))
        leaf = params
        for p in tap.path:
          leaf = leaf[p]
        n_in = e.shape[0] - (1 if tap.has_bias else 0)
        blocks[tap.path + ("kernel",)] = kernel_layout(tap, leaf["kernel"].shape)(e[:n_in])
        if tap.has_bias:
          blocks[tap.path + ("bias",)] = e[n_in].reshape(leaf["bias"].shape)
    paths = [_path_key(p) for p, _ in jax.tree_util.tree_flatten_with_path(params)[0]]
    rest = None
    if any(p not in blocks for p in paths):
      var = diag_variance(cfg.estimator, params, ctx, k_est, m_l, m_s, cfg.chunk_size)
      std = flat(params)[1](jnp.sqrt(var))
      rest = jax.tree.map(lambda s, z: s * z, std, normal_like(k_xi, std))

    def pick(path, r):
      return blocks.get(_path_key(path), r)

    template = rest if rest is not None else params
    return jax.tree_util.tree_map_with_path(pick, template)

  return noise_transform(draw, seed=seed, scale=cfg.scale, stop_step=stop_step_of(cfg))
