"""Loss and accuracy of every run of an ensemble on a whole split, in chunks."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from noisecurv.losses import Likelihood
from noisecurv.models import Model


def _pad(a, pad):
  return jnp.concatenate([a, jnp.zeros((pad,) + a.shape[1:], a.dtype)])


def make_evaluator(model: Model, likelihood: Likelihood, batch_size: int, label_axis: int | None):
  """-> jit fn(params, model_state, X, Y) -> {'loss': (R,), 'accuracy': (R,)} (eval-mode BN)."""

  def one_run(params, mstate, X, Y):
    n = X.shape[0]
    c = min(batch_size, n) if batch_size > 0 else n
    k = -(-n // c)
    pad = k * c - n
    w = jnp.concatenate([jnp.ones((n,)), jnp.zeros((pad,))]).reshape(k, c)
    Xp = _pad(X, pad).reshape((k, c) + X.shape[1:])
    Yp = _pad(Y, pad).reshape((k, c) + Y.shape[1:])

    def body(acc, chunk):
      xs, ys, ws = chunk
      out, _ = model.apply(params, mstate, xs, train=False)
      loss = jnp.sum(likelihood.loss(out, ys) * ws)
      corr = jnp.sum(likelihood.correct(out, ys) * ws) if likelihood.correct else 0.0
      return (acc[0] + loss, acc[1] + corr), None

    (loss, corr), _ = jax.lax.scan(body, (jnp.zeros(()), jnp.zeros(())), (Xp, Yp, w))
    res = {"loss": loss / n}
    if likelihood.correct is not None:
      res["accuracy"] = corr / n
    return res

  return jax.jit(jax.vmap(one_run, in_axes=(0, 0, None, label_axis)))
