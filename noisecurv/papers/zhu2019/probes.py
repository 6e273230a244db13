"""Probes of zhu2019: θ snapshots, the SGD noise and its alignment with H, the top of H's spectrum.

Every probe evaluates on its probe set (`n=0`: the whole training split, as the paper does)
with the probe's BN policy; the models of this paper have no BN.

`zhu2019.sgd_noise` estimates Σ̂_sgd exactly as the noise transforms do (spec §2.3, the
'minibatch' estimator of `noisecurv.noise.sigma_sgd`): B minibatches of m examples, rows
A_b = g_b − ḡ, Σ̂ = AᵀA/(B − 1), the covariance of one size-m minibatch gradient. From A
(never a D×D Σ̂):

    Tr Σ̂ = ‖A‖²_F/(B − 1)               (Fig. 7: √Tr Σ̂ against ‖∇L‖)
    Tr(HΣ̂) = Σ_b a_bᵀHa_b/(B − 1)        (B H-products; exact for the estimate)
    Tr(HΣ̄) = Tr H·Tr Σ̂/D                (Σ̄ = (Tr Σ̂/D)·I, the isotropic equivalent)
    â = u₁ᵀΣ̂u₁·Tr H/(λ₁ Tr Σ̂)            (Eq. 16; isotropic noise gives Tr H/(λ₁D))

Tr H comes from the dense Hessian (`tr_h='dense'`, small D: Fig. 4, where Tr(HΣ̂) is then
w·Σ(AH ⊙ A)) or from Hutchinson (`tr_h='hutchinson'`: FashionMNIST, Fig. 5); λ₁ and u₁ from
`lanczos_steps` Lanczos steps (on the dense matrix when there is one).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree

from noisecurv import curvature as cv
from noisecurv.curvature import lapack
from noisecurv.curvature.precision import float64_call
from noisecurv.noise.context import NoiseContext
from noisecurv.noise.sigma_sgd import SigmaEstimator
from noisecurv.registry import PROBES

TR_H_METHODS = ("dense", "hutchinson")
SPECTRUM_METHODS = ("dense", "lanczos")


def _meta(ctx, matrix: str, gradients: str, **extra) -> dict:
  return dict(matrix=matrix, sample=ctx.sample_desc(), size=int(ctx.x.shape[0]),
              gradients=gradients, bn=ctx.bn, **extra)


def noise_context(ctx, state) -> NoiseContext:
  """A NoiseContext over the probe set, for the Σ̂_sgd estimators of `noisecurv.noise`."""
  return NoiseContext(
      loss_fn=lambda p, x, y: ctx.loss(p, state, x, y),
      per_example_loss_fn=lambda p, x, y: ctx.per_example_loss(p, state, x, y),
      apply_fn=lambda p, x: ctx.apply(p, state, x), likelihood=ctx.likelihood,
      batch=(ctx.x, ctx.y), train_data=(ctx.x, ctx.y), lr=jnp.ones([], jnp.float32),
      step=jnp.zeros([], jnp.int32))


def hessian_matvec(ctx, state, params):
  """Flat v ↦ Hv of the mean loss on the probe set (linearised once)."""
  return cv.flat(cv.hessian_op(lambda p: ctx.loss(p, state, ctx.x, ctx.y), params), params)[0]


@PROBES.register("zhu2019.snapshot")
def snapshot(ctx, cfg):
  """θ raveled in `ravel_pytree` order (arrays): the diffusion phase starts from it."""

  def fn(params, state, key):
    return {"params": ravel_pytree(params)[0]}

  return fn, {"params": dict(quantity="raveled parameters", sample="none")}


@PROBES.register("zhu2019.sgd_noise", num_minibatches=60, minibatch_size=20, chunk_size=0,
                 curvature=True, tr_h="hutchinson", num_probes=100, lanczos_steps=30,
                 hvp_batch=0, fresh_key=True)
def sgd_noise(ctx, cfg):
  """‖∇L‖, Tr Σ̂_sgd, √Tr Σ̂ / ‖∇L‖ and (curvature=True) Tr(HΣ̂), Tr(HΣ̄), Tr H, λ₁, u₁ᵀΣ̂u₁,
  â, â_iso (see the module docstring). fresh_key: new minibatches at every call (the runner's
  key: the same for every run at a step); else the fixed PRNGKey(seed)."""
  if cfg.tr_h not in TR_H_METHODS:
    raise ValueError(f"zhu2019.sgd_noise.tr_h {cfg.tr_h!r} not in {TR_H_METHODS}")
  est = SigmaEstimator("minibatch", int(cfg.num_minibatches), int(cfg.minibatch_size),
                       int(cfg.chunk_size))
  hb = cfg.hvp_batch or None

  def fn(params, state, key):
    key = key if cfg.fresh_key else jax.random.PRNGKey(cfg.seed)
    k_rows, k_tr, k_v = jax.random.split(key, 3)
    with cv.highest():
      a, w = est.rows(params, noise_context(ctx, state), k_rows)
      loss, g = jax.value_and_grad(lambda p: ctx.loss(p, state, ctx.x, ctx.y))(params)
      grad_norm = jnp.linalg.norm(ravel_pytree(g)[0])
      tr_sigma = w * jnp.sum(a * a)
      out = {"loss": loss, "grad_norm": grad_norm, "tr_sigma": tr_sigma,
             "noise_norm": jnp.sqrt(tr_sigma), "noise_to_grad": jnp.sqrt(tr_sigma) / grad_norm}
      if not cfg.curvature:
        return out
      d = a.shape[1]
      hmat = hessian_matvec(ctx, state, params)
      v0 = jax.random.normal(k_v, (d,), a.dtype)
      if cfg.tr_h == "dense":
        h = cv.materialize(hmat, d, batch_size=min(256, d))
        tr_h = jnp.trace(h)
        tr_h_sigma = w * jnp.sum((a @ h) * a)
        hmat = lambda v: h @ v  # λ₁, u₁ by Lanczos on the dense matrix (cheaper than eigh)
      else:
        tr_h = cv.hutchinson(hmat, k_tr, d, int(cfg.num_probes), batch_size=hb).value
        tr_h_sigma = cv.tr_h_sigma_from_rows(hmat, a, ddof=1, batch_size=hb)
      lam, vecs = cv.lanczos_top_k(hmat, v0, int(cfg.lanczos_steps), 1)
      lam1, u1 = lam[0], vecs[0]
      u1_sigma_u1 = w * jnp.sum(jnp.square(a @ u1))
      iso = cv.tr_h_sigma_iso(tr_h, tr_sigma, d)
      out.update(tr_h_sigma=tr_h_sigma, tr_h_sigma_iso=iso, ratio=tr_h_sigma / iso, tr_h=tr_h,
                 lambda_max=lam1, u1_sigma_u1=u1_sigma_u1,
                 a_hat=cv.projection_coefficient(lam1, u1_sigma_u1, tr_h, tr_sigma),
                 a_hat_iso=tr_h / (lam1 * d))
    return out

  sig = f"Σ̂_sgd: {cfg.num_minibatches} minibatches of {cfg.minibatch_size}, 1/(B−1)"
  m = _meta(ctx, f"H, {sig}", "minibatch-mean", tr_h=cfg.tr_h)
  keys = ["loss", "grad_norm", "tr_sigma", "noise_norm", "noise_to_grad"]
  if cfg.curvature:
    keys += ["tr_h_sigma", "tr_h_sigma_iso", "ratio", "tr_h", "lambda_max", "u1_sigma_u1",
             "a_hat", "a_hat_iso"]
  return fn, {k: m for k in keys}


@PROBES.register("zhu2019.hessian_spectrum", method="dense", top=400, lanczos_steps=1000,
                 batch_size=256, float64=False, fresh_key=False)
def hessian_spectrum(ctx, cfg):
  """The top `top` eigenvalues of H (descending, array `eigvals`) and λ₁: from the dense
  Hessian (D H-products, symmetrised; eigvalsh in float64 with float64=True) or from
  `lanczos_steps` Lanczos steps with full reorthogonalisation (CPU-sized)."""
  if cfg.method not in SPECTRUM_METHODS:
    raise ValueError(f"zhu2019.hessian_spectrum.method {cfg.method!r} not in {SPECTRUM_METHODS}")

  def fn(params, state, key):
    key = key if cfg.fresh_key else jax.random.PRNGKey(cfg.seed)
    hmat = hessian_matvec(ctx, state, params)
    theta = ravel_pytree(params)[0]
    d = theta.shape[0]
    top = min(int(cfg.top), d)
    if cfg.method == "dense":
      h = cv.materialize(hmat, d, batch_size=min(int(cfg.batch_size), d))
      if cfg.float64:
        w = float64_call(lambda _, m: lapack.eigvalsh(m.astype(jnp.float64)).astype(m.dtype),
                         [], h)
      else:
        with cv.highest():
          w = lapack.eigvalsh(h)
      eig = w[::-1][:top]
      return {"eigvals": eig, "lambda_max": eig[0], "trace": jnp.trace(h)}
    eig, _ = cv.lanczos_top_k(hmat, jax.random.normal(key, (d,), theta.dtype),
                              int(cfg.lanczos_steps), top)
    return {"eigvals": eig, "lambda_max": eig[0]}

  est = "dense" if cfg.method == "dense" else f"Lanczos, {cfg.lanczos_steps} steps"
  m = _meta(ctx, "H", "none (Hessian of the mean loss)", estimator=est)
  keys = ("eigvals", "lambda_max", "trace") if cfg.method == "dense" else ("eigvals", "lambda_max")
  return fn, {k: m for k in keys}
