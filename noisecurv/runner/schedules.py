"""Multiplier schedules m(epoch) for the learning rate and the batch size.

`multiplier(cfg, epoch, total_epochs)` works on floats (numpy) and on traced jnp
scalars alike, so the learning rate is computed inside the compiled step from the
fractional epoch (samples seen / N), which keeps schedules exact when the batch
size changes during training.
"""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np


def _xp(epoch):
  return np if isinstance(epoch, (int, float, np.floating, np.integer)) else jnp


def multiplier(cfg, epoch, total_epochs: float):
  """Schedule `cfg.name` at `epoch` (float):

  constant        1
  step            factor ** #(milestones <= epoch)
  piecewise       multipliers[#(milestones <= epoch)]
  cosine          final + (1 − final)·½(1 + cos πt), t = (epoch − start)/(total − start)
  linear_decay    1 + (final − 1)·t with t as for cosine
  triangle        low + (high − low)·(1 − |2·frac(epoch/period) − 1|)  (low at cycle ends)
  discrete_cyclic multipliers[floor(epoch/period) mod len(values)]   (period = epochs per value)
  and a linear warm-up over `warmup_epochs` on top of any of them.
  """
  xp = _xp(epoch)
  name = cfg.name
  ms = tuple(float(m) for m in cfg.milestones)
  if name == "constant":
    m = xp.ones_like(xp.asarray(epoch, dtype=xp.float32))
  elif name == "step":
    n = sum((xp.asarray(epoch) >= b).astype(xp.float32) for b in ms) if ms else 0.0
    m = xp.asarray(cfg.factor, xp.float32) ** n
  elif name == "piecewise":
    vals = tuple(float(v) for v in cfg.multipliers)
    if len(vals) != len(ms) + 1:
      raise ValueError("schedule 'piecewise' needs len(multipliers) == len(milestones) + 1")
    n = sum((xp.asarray(epoch) >= b).astype(xp.int32) for b in ms) if ms else 0
    m = xp.asarray(vals, xp.float32)[n]
  elif name in ("cosine", "linear_decay"):
    span = max(float(total_epochs) - cfg.start_epoch, 1e-12)
    t = xp.clip((xp.asarray(epoch, xp.float32) - cfg.start_epoch) / span, 0.0, 1.0)
    if name == "cosine":
      m = cfg.final + (1 - cfg.final) * 0.5 * (1 + xp.cos(math.pi * t))
    else:
      m = 1 + (cfg.final - 1) * t
  elif name == "triangle":
    if cfg.period <= 0:
      raise ValueError("schedule 'triangle' needs period > 0")
    frac = xp.mod(xp.asarray(epoch, xp.float32) / cfg.period, 1.0)
    m = cfg.low + (cfg.high - cfg.low) * (1 - xp.abs(2 * frac - 1))
  elif name == "discrete_cyclic":
    vals = tuple(float(v) for v in cfg.multipliers)
    if cfg.period <= 0 or not vals:
      raise ValueError("schedule 'discrete_cyclic' needs period > 0 and multipliers")
    i = xp.mod(xp.floor(xp.asarray(epoch, xp.float32) / cfg.period), len(vals)).astype(xp.int32)
    m = xp.asarray(vals, xp.float32)[i]
  else:
    raise ValueError(f"unknown schedule {name!r}")
  if cfg.warmup_epochs > 0:
    m = m * xp.minimum(1.0, xp.asarray(epoch, xp.float32) / cfg.warmup_epochs)
  return m
