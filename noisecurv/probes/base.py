"""Probe plumbing: the context a probe sees and building probes from `config.probes`."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from noisecurv import registry
from noisecurv.data import Dataset, probe_subset
from noisecurv.losses import Likelihood
from noisecurv.models import Model


@dataclasses.dataclass(frozen=True)
class ProbeContext:
  """Everything a probe may read. `x, y` is the fixed probe subset of `probe_set`."""

  model: Model
  likelihood: Likelihood
  x: jax.Array
  y: jax.Array
  probe_set: str
  bn: str
  data: Dataset

  def apply(self, params, state, x) -> jax.Array:
    """Model outputs under the probe's declared BN policy."""
    return self.model.apply_policy(params, state, x, self.bn)

  def per_example_loss(self, params, state, x, y) -> jax.Array:
    return self.likelihood.loss(self.apply(params, state, x), y)

  def loss(self, params, state, x, y) -> jax.Array:
    return jnp.mean(self.per_example_loss(params, state, x, y))

  def sample_desc(self) -> str:
    return f"{self.probe_set}[{self.x.shape[0]}]"


@dataclasses.dataclass(frozen=True)
class Probe:
  name: str
  fn: Callable[[Any, Any, jax.Array], dict[str, jax.Array]]
  meta: dict[str, dict[str, Any]]
  every: int
  at_start: bool
  at_end: bool
  seed: int = 0  # the probe's own keys: fold_in(key(seed), step), the same for every run

  def due(self, step: int, *, start: bool = False, end: bool = False) -> bool:
    if start:
      return self.at_start
    if end:
      return self.at_end
    return self.every > 0 and step > 0 and step % self.every == 0


def make_context(cfg, model: Model, likelihood: Likelihood, data: Dataset,
                 seed: int) -> ProbeContext:
  if cfg.probe_set == "train":
    x, y = data.x_train, data.y_train
  elif cfg.probe_set == "test":
    x, y = data.x_test, data.y_test
  else:
    raise ValueError(f"probe_set {cfg.probe_set!r} not in ('train', 'test')")
  x, y = probe_subset(x, y, cfg.n, seed)
  return ProbeContext(model, likelihood, jnp.asarray(x), jnp.asarray(np.asarray(y)),
                      cfg.probe_set, cfg.bn, data)


def build_probes(config, model: Model, likelihood: Likelihood, data: Dataset) -> list[Probe]:
  probes = []
  for name in sorted(config.probes.keys()):
    cfg = config.probes[name]
    entry = registry.PROBES.get(cfg.kind)
    # The probe set and keys depend on the data seed and the probe's seed, not on the run
    # seed: every run of an ensemble (and a run launched alone) is measured on the same set.
    ctx = make_context(cfg, model, likelihood, data, seed=int(config.data.seed) * 1000 + cfg.seed)
    fn, meta = entry.fn(ctx, cfg)
    probes.append(Probe(name, fn, meta, int(cfg.every), bool(cfg.at_start), bool(cfg.at_end),
                        int(cfg.seed)))
  return probes
