"""The Table 1 dynamics of the neural-net experiments as noise sections (spec §2.2, §2.6).

Every dynamic is θ ← θ − η(∇L(θ) + ε) with the full-batch gradient, except SGD (a real
size-m minibatch). The noise comes from the `noisecurv.noise` kinds:

| dynamic        | kind           | structure refreshed every         | Tr Σ_t                |
|----------------|----------------|-----------------------------------|-----------------------|
| gd             | none           | –                                 | 0                     |
| gld_const      | isotropic      | –                                 | σ²D (σ fixed, 1e-3)   |
| gld_dynamic    | gld_dynamic    | sigma_refresh (FMNIST 1, VGG 10)  | Tr Σ̂_sgd(θ_t)        |
| gld_diag       | gld_diag       | sigma_refresh                     | Tr Σ̂_sgd (by itself) |
| gld_leading    | gld_leading    | leading_refresh (10), k = 20      | Tr Σ̂_sgd (§6 #11)    |
| gld_hessian    | gld_hessian    | hessian_refresh (10), k = 20      | Tr Σ̂_sgd (§6 #12)    |
| gld_first_eig  | gld_first_eig  | power_refresh (1), 30 power steps | Tr Σ̂_sgd (§6 #13)    |
| sgd            | none, m = 20   | –                                 | (Σ_sgd itself)        |

Σ̂_sgd is the minibatch estimator (B minibatches of m, 1/(B − 1)); z is drawn every step.
`inject_only_on_refresh` reproduces the authors' code for GLD leading, which adds noise only
on the refresh iterations (§6 #11).
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import optax

from noisecurv.noise.transform import make_config

ALL = ("gd", "gld_const", "gld_dynamic", "gld_diag", "gld_leading", "gld_hessian",
       "gld_first_eig", "sgd")
# Fig. 3 groups: escape (E) and trapped (T) in the paper.
ESCAPING = ("sgd", "gld_leading", "gld_hessian", "gld_first_eig")
TRAPPED = ("gd", "gld_const", "gld_dynamic", "gld_diag")
LABELS = {"gd": "GD", "gld_const": "GLD const", "gld_dynamic": "GLD dynamic",
          "gld_diag": "GLD diag", "gld_leading": "GLD leading", "gld_hessian": "GLD Hessian",
          "gld_first_eig": "GLD 1st eigvec(H)", "sgd": "SGD"}

DYNAMICS_DEFAULTS = dict(
    lr=0.07,  # every dynamic but GD
    gd_lr=0.1,  # GD keeps the pre-training learning rate (App. D.3, §6 #9)
    batch_size=20,  # SGD's m
    sigma=1e-3,  # GLD const (gradient level)
    num_minibatches=60,  # B of the Σ̂_sgd estimate (FMNIST 60 × 20, VGG 100 × 100)
    minibatch_size=20,  # m of the Σ̂_sgd estimate
    sigma_chunk=0,  # minibatch gradients vectorised at once (0 = all)
    sigma_refresh=1,  # GLD dynamic / diag
    leading_k=20,
    leading_refresh=10,
    leading_trace_match=True,  # False: σ_t = 1, the code's variant (§6 #11)
    inject_only_on_refresh=False,  # GLD leading / Hessian: noise only on refresh steps (code)
    hessian_k=20,
    hessian_refresh=10,
    lanczos_steps=0,  # 0 = 4k
    power_steps=30,
    power_refresh=1,
    warm_start_power=False,  # True: power iteration from the previous u₁ (cheaper variant)
)


@dataclasses.dataclass(frozen=True)
class Dynamic:
  name: str
  noise: object  # ConfigDict: the noise section
  batch_size: int  # 0 = full batch
  lr: float
  refresh_every: int  # of the noise structure (1 when none)
  noise_scale: float = 1.0  # multiplies ε at run time (GLD const: σ, on unit isotropic noise)


def build(name: str, e) -> Dynamic:
  """The dynamic `name` from the experiment section `e` (keys of DYNAMICS_DEFAULTS)."""
  sig = dict(estimator="minibatch", num_minibatches=int(e.num_minibatches),
             minibatch_size=int(e.minibatch_size), chunk_size=int(e.sigma_chunk))
  lr = float(e.lr)
  if name == "gd":
    return Dynamic(name, make_config("none"), 0, float(e.gd_lr), 1)
  if name == "sgd":
    return Dynamic(name, make_config("none"), int(e.batch_size), lr, 1)
  if name == "gld_const":
    # ε = σ·z with z ~ N(0, I): σ as a run-time scale, so every σ shares one compiled step.
    return Dynamic(name, make_config("isotropic", sigma=1.0), 0, lr, 1, float(e.sigma))
  if name in ("gld_dynamic", "gld_diag"):
    r = int(e.sigma_refresh)
    return Dynamic(name, make_config(name, refresh_every=r, **sig), 0, lr, r)
  if name == "gld_leading":
    r = int(e.leading_refresh)
    cfg = make_config(name, k=int(e.leading_k), refresh_every=r,
                      trace_match=bool(e.leading_trace_match), **sig)
    return Dynamic(name, cfg, 0, lr, r)
  if name == "gld_hessian":
    r = int(e.hessian_refresh)
    cfg = make_config(name, k=int(e.hessian_k), refresh_every=r,
                      lanczos_steps=int(e.lanczos_steps), **sig)
    return Dynamic(name, cfg, 0, lr, r)
  if name == "gld_first_eig":
    r = int(e.power_refresh)
    cfg = make_config(name, power_steps=int(e.power_steps), refresh_every=r,
                      warm_start=bool(e.warm_start_power), **sig)
    return Dynamic(name, cfg, 0, lr, r)
  raise ValueError(f"unknown dynamic {name!r}; known: {ALL}")


def only_on_refresh(inner: optax.GradientTransformationExtraArgs,
                    every: int) -> optax.GradientTransformationExtraArgs:
  """`inner`'s noise on its refresh steps (count % every == 0) only; the plain gradient
  otherwise (the authors' GLD leading, §6 #11). `inner`'s state is a NoiseState."""

  def update(updates, state, params=None, **extra):
    new, st = inner.update(updates, state, params, **extra)
    on = state.count % every == 0
    return jax.tree.map(lambda g, n: jnp.where(on, n, g), updates, new), st

  return optax.GradientTransformationExtraArgs(inner.init, update)
