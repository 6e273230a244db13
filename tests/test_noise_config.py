"""Noise kinds from a config's `noise` section: every kind validates and builds, and a sweep
over `noise.kind` gives valid trials whose sections build their transforms."""

from __future__ import annotations

import textwrap

import pytest

from noisecurv import configlib, sweeps
from noisecurv.noise import NoiseState
from noisecurv.registry import NOISES

KINDS = [k for k in NOISES.names() if "." not in k]  # this package's kinds (papers add theirs)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_selectable_from_a_config(kind):
  c = configlib.base(data="digits", model="mlp", noise=kind)
  configlib.validate(c)
  entry = NOISES.get(kind)
  assert entry.doc, f"{kind} needs a docstring with its equation"
  assert "scale" in entry.defaults
  tx = entry.fn(c.noise, seed=0)
  assert callable(tx.init) and callable(tx.update)


def test_changing_only_the_kind_takes_the_new_kinds_defaults():
  c = configlib.base(data="digits", model="mlp", noise="none")
  c.noise.kind = "gld_leading"
  configlib.validate(c)
  import jax.numpy as jnp

  state = NOISES.get("gld_leading").fn(c.noise, seed=0).init({"w": jnp.zeros(30)})
  assert isinstance(state, NoiseState) and state.cache["shape"].shape == (20, 30)  # k = 20


def test_sweep_over_noise_kinds(tmp_path):
  cfg_file = tmp_path / "noise_sweep.py"
  cfg_file.write_text(textwrap.dedent("""
      from noisecurv import configlib

      def get_config(arg=None):
        c = configlib.base(data="digits", model="mlp")
        c.data.flatten = True
        return c

      def sweep(add):
        for kind in ("isotropic", "gld_diag", "sgd_covariance", "lb_diag", "lb_full"):
          add(**{"noise.kind": kind})
  """))
  trials = sweeps.trials(str(cfg_file), workdir=str(tmp_path / "results"))
  assert [t.config.noise.kind for t in trials] == ["isotropic", "gld_diag", "sgd_covariance",
                                                   "lb_diag", "lb_full"]
  assert len({t.path for t in trials}) == 5
  for t in trials:
    NOISES.get(t.config.noise.kind).fn(t.config.noise, seed=0)
