"""The 'train' program: data -> model -> optimizer(+noise) -> vmapped runs -> probes."""

from __future__ import annotations

from noisecurv.registry import PROGRAMS


@PROGRAMS.register("train")
def train_program(config, run) -> None:
  """Trains an ensemble of runs as the config's data/model/optimizer/noise/runs sections say."""
  from noisecurv.runner import engine

  engine.train(config, run)
