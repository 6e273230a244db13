"""The `wen2019.train` program and the probes its runs carry.

- `wen2019.train`: `methods.derived_config` (written to derived_config.json), then the `train`
  engine on it; the sweep of a table row is a sweep over `experiment.method`.
- probe `wen2019.snapshot`: every run's final parameters and BN statistics, raveled, for the
  post-hoc Hessian analysis of Fig. 5b.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree

from noisecurv import configlib
from noisecurv.papers.wen2019 import frozen_bn  # noqa: F401  (registers the frozen-BN noise)
from noisecurv.papers.wen2019.methods import SNAPSHOT, TRAIN_DEFAULTS, derived_config
from noisecurv.registry import PROBES, PROGRAMS


def resolved(config):
  """(derived train config, its data) for a wen2019.train config."""
  from noisecurv.runner.engine import load_data

  data = load_data(config)
  return derived_config(config, data.n_train), data


@PROGRAMS.register("wen2019.train", **TRAIN_DEFAULTS)
def train(config, run) -> None:
  """`train` on the regime `experiment.method` (see noisecurv.papers.wen2019.methods)."""
  from noisecurv.runner import engine

  derived, _ = resolved(config)
  configlib.validate(derived)
  run.dir.write_json("derived_config.json", configlib.to_jsonable(derived))
  engine.train(derived, run)


@PROBES.register(SNAPSHOT)
def snapshot(ctx, cfg):
  """θ and the BN running statistics of a run, raveled (`ravel_pytree` order), as arrays."""

  def fn(params, state, key):
    theta = ravel_pytree(params)[0]
    stats = ravel_pytree(state)[0] if jax.tree.leaves(state) else jnp.zeros((0,), theta.dtype)
    return {"params": theta, "state": stats}

  m = dict(quantity="raveled parameters and BN running statistics", sample="none")
  return fn, {"params": m, "state": m}
