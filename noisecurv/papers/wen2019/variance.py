"""W5 (Fig. 2): per-layer gradient variance of SB, LB, LB + full noise and LB + diag noise.

On a frozen, partially trained network, each regime draws K independent update directions:

  sb       ∇ of the mean loss of M_S random training examples (BN over the M_S)
  lb       ∇ of M_L random examples with Ghost BN of M_S (the LB-GBN gradient)
  lb_full  lb + ε, Cov ε = c²Ĉ_B (`lb_full`, Rademacher; App. F)
  lb_diag  lb + ε, ε = c·√diag(Σ̂)·ξ (`lb_diag`, ghost-variance estimator)

with fresh examples and fresh noise at every draw (the noise from the training transforms).
The per-parameter unbiased variance over the draws (Welford, on device) is averaged over the
entries of each parameter array (spec §2.9). Running BN statistics are not updated. Expected
ratios (sampling without replacement from N examples): Var_LB/Var_SB = (1/M_L − 1/N)/(1/M_S −
1/N), and LB + centred noise of c² = 1/M_S − 1/M_L has exactly the SB variance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from noisecurv.losses import Likelihood
from noisecurv.models import Model
from noisecurv.noise import NoiseContext, set_key
from noisecurv.noise.transform import make_config
from noisecurv.registry import NOISES

REGIMES = ("sb", "lb", "lb_full", "lb_diag")


def regime_noise(regime: str, m_s: int, estimator: str = "ghost_variance", matrix: str = "C"):
  if regime == "lb_full":
    return make_config("lb_full", small_batch=m_s, matrix=matrix)
  if regime == "lb_diag":
    return make_config("lb_diag", small_batch=m_s, estimator=estimator)
  return None


def welford(draw: Callable[[jax.Array], Any], keys: jax.Array) -> tuple[Any, Any]:
  """(mean, unbiased variance) pytrees of draw(key) over the keys (K,), streamed in a scan."""
  first = draw(keys[0])
  zeros = jax.tree.map(jnp.zeros_like, first)

  def body(carry, k):
    n, mean, m2 = carry
    x = draw(k)
    n = n + 1.0
    delta = jax.tree.map(jnp.subtract, x, mean)
    mean = jax.tree.map(lambda m, d: m + d / n, mean, delta)
    m2 = jax.tree.map(lambda s, d, x_, m: s + d * (x_ - m), m2, delta, x, mean)
    return (n, mean, m2), None

  (n, mean, m2), _ = jax.lax.scan(body, (jnp.ones([]), first, zeros), keys[1:])
  return mean, jax.tree.map(lambda s: s / (n - 1.0), m2)


def direction_fn(model: Model, likelihood: Likelihood, params, mstate, x_all: jax.Array,
                 y_all: jax.Array, regime: str, m_s: int, m_l: int,
                 estimator: str = "ghost_variance", matrix: str = "C"
                 ) -> Callable[[jax.Array], Any]:
  """key -> one update direction (pytree like params) of `regime`."""
  n = x_all.shape[0]
  batch = m_s if regime == "sb" else m_l
  cfg = regime_noise(regime, m_s, estimator, matrix)
  tx = NOISES.get(cfg.kind).fn(cfg, seed=0) if cfg is not None else None

  def draw(key):
    k_idx, k_noise, k_drop = jax.random.split(key, 3)
    rng = k_drop if model.needs_rng else None
    idx = jax.random.permutation(k_idx, n)[:batch]
    x, y = x_all[idx], y_all[idx]
    fwd = lambda p, xb: model.apply(p, mstate, xb, train=True, rng=rng)[0]
    loss = lambda p, xb, yb: jnp.mean(likelihood.loss(fwd(p, xb), yb))
    g = jax.grad(loss)(params, x, y)
    if tx is None:
      return g
    ctx = NoiseContext(loss_fn=loss, per_example_loss_fn=lambda p, xb, yb: likelihood.loss(
        fwd(p, xb), yb), apply_fn=fwd, likelihood=likelihood, batch=(x, y),
        train_data=(x_all, y_all), lr=jnp.ones([]), step=jnp.zeros([], jnp.int32))
    state = set_key(tx.init(params), k_noise)
    return tx.update(g, state, params, noise_ctx=ctx)[0]

  return draw


def layer_variances(model: Model, likelihood: Likelihood, params, mstate, x_all, y_all,
                    key: jax.Array, *, m_s: int, m_l: int, draws: int,
                    estimator: str = "ghost_variance", matrix: str = "C"
                    ) -> dict[str, dict[str, float]]:
  """{regime: {parameter path: mean over the array of the per-parameter variance}}."""
  out = {}
  for i, regime in enumerate(REGIMES):
    fn = direction_fn(model, likelihood, params, mstate, x_all, y_all, regime, m_s, m_l,
                      estimator, matrix)
    keys = jax.random.split(jax.random.fold_in(key, i), draws)
    _, var = jax.jit(lambda ks, fn=fn: welford(fn, ks))(keys)
    flat, _ = jax.tree_util.tree_flatten_with_path(var)
    out[regime] = {"/".join(str(getattr(k, "key", k)) for k in path): float(jnp.mean(v))
                   for path, v in flat}
  return out


def expected_lb_ratio(m_s: int, m_l: int, n: int) -> float:
  """Var_LB / Var_SB = (1/M_L − 1/N)/(1/M_S − 1/N) for sampling without replacement."""
  return (1.0 / m_l - 1.0 / n) / (1.0 / m_s - 1.0 / n)
