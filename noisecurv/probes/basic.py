"""Probes that need no curvature: losses, gradient and parameter norms."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import optax

from noisecurv.registry import PROBES


@PROBES.register("grad_norm")
def grad_norm(ctx, cfg):
  """‖∇L‖₂ of the mean loss over the probe set, and the loss itself."""

  def fn(params, state, key):
    loss, g = jax.value_and_grad(ctx.loss)(params, state, ctx.x, ctx.y)
    return {"grad_norm": optax.global_norm(g), "loss": loss}

  meta = {"grad_norm": dict(quantity="‖∇L‖₂", sample=ctx.sample_desc(), gradients="batch mean"),
          "loss": dict(quantity="mean loss", sample=ctx.sample_desc())}
  return fn, meta


@PROBES.register("param_norm")
def param_norm(ctx, cfg):
  """‖θ‖₂ over all parameters."""

  def fn(params, state, key):
    return {"param_norm": optax.global_norm(params)}

  return fn, {"param_norm": dict(quantity="‖θ‖₂", sample="none")}


@PROBES.register("accuracy")
def accuracy(ctx, cfg):
  """Loss and accuracy on the probe set (classification)."""

  def fn(params, state, key):
    out = ctx.apply(params, state, ctx.x)
    res = {"loss": jnp.mean(ctx.likelihood.loss(out, ctx.y))}
    if ctx.likelihood.correct is not None:
      res["accuracy"] = jnp.mean(ctx.likelihood.correct(out, ctx.y))
    return res

  return fn, {"loss": dict(quantity="mean loss", sample=ctx.sample_desc()),
              "accuracy": dict(quantity="accuracy", sample=ctx.sample_desc())}
