"""Settings of the `jastrzebski2017.train` program, derived from scale-free experiment keys.

The paper's experiments vary η and S *together* (β-rescaling, Fig. 4–5), by rules (linear
vs √ rescaling, Fig. 2), by schedules of η or S (Fig. 1, Table 1, E8a) and by the
training-set size (Fig. 5). Sweeps express these as multipliers and names, which mean
the same at every scale; this module turns them into a plain `train` config:

    S = round(train.batch_size · batch_mult)      (and every runs.batch_size entry)
    η = optimizer.lr · lr_mult                     (and every runs.lr entry)
    N = round(n_train_fraction · N_full) training examples (the validation split keeps
        its size: it is the last n_val examples of the smaller training subset)

Schedules (§2.7 of the spec; P = cycle_epochs, f = cycle_factor, high-noise phase first):

    constant     as configured
    clr          η = η_max for P/2 epochs, then η_max/f for P/2 (discrete cyclic LR)
    cbs          S = S_min for P/2 epochs, then f·S_min for P/2 (discrete cyclic BS; in phase
                 with clr, so both have the same η/S at every epoch)
    triangle_lr  η rises linearly from η_max/f to η_max and back within P epochs, per iteration
    step_lr      η ·= step_factor at each of step_epochs
    step_bs      S ·= 1/step_factor at each of step_epochs instead, capped at bs_cap_fraction·N;
                 past the cap η takes the remaining factor, so η/S follows step_lr exactly

With log_every_epochs > 0, logging, evaluation, periodic probes and checkpoints are given
in epochs and converted to steps: one scan chunk is log_every_epochs epochs of the largest
batch size of the run, so constant-S runs log once per epoch without partial chunks; the
other periods are multiples of it, with epochs counted at the run's mean steps per epoch
(for cbs, one cycle of P epochs; for step_bs, the mean over its phases).
With log_every_epochs = 0 the config's step counts are kept (grids over runs.batch_size,
whose groups share one step cadence).
"""

from __future__ import annotations

import ml_collections

from noisecurv import configlib, registry

SCHEDULES = ("constant", "clr", "cbs", "triangle_lr", "step_lr", "step_bs")

TRAIN_DEFAULTS = dict(
    batch_mult=1.0,  # S = round(train.batch_size · batch_mult)
    lr_mult=1.0,  # η = optimizer.lr · lr_mult
    n_train_fraction=1.0,  # fraction of the training split used for training
    schedule="constant",  # one of SCHEDULES
    cycle_epochs=10.0,  # P: cycle length of clr, cbs, triangle_lr
    cycle_factor=5.0,  # f: max/min of η or S in a cycle
    step_epochs=(),  # milestones (epochs) of step_lr / step_bs
    step_factor=0.1,  # η multiplier per milestone (step_lr); step_bs multiplies S by its inverse
    bs_cap_fraction=0.1,  # step_bs: S never exceeds this fraction of N
    log_every_epochs=1.0,  # metric rows (scan chunks), in epochs of the largest S; 0 = steps
    eval_every_epochs=1.0,  # 0 = only at the start and the end
    probe_every_epochs=0.0,  # period of the probes with every != 0 (0 = at the end only)
    checkpoint_every_epochs=10.0,  # 0 = at the end only
)


def _copy(config) -> ml_collections.ConfigDict:
  c = config.copy_and_resolve_references()
  c.unlock()  # the derived config replaces whole sections (experiment)
  return c


def training_size(config) -> tuple[int, int]:
  """(N_full, n_val): training examples after the validation split, and the split's size."""
  from noisecurv.runner.engine import load_data

  data = load_data(config)
  return data.n_train, int(config.data.n_val)


def batch_multipliers(e, n_train: int, s: int) -> tuple[list[float], list[float]]:
  """step_bs: per-phase multipliers (of S, of η) for phases 0..len(step_epochs)."""
  up = 1.0 / e.step_factor
  cap = max(1.0, e.bs_cap_fraction * n_train / s)
  s_mult, lr_mult = [], []
  for k in range(len(e.step_epochs) + 1):
    m = min(up**k, cap)
    s_mult.append(m)
    lr_mult.append(m * e.step_factor**k)  # η/S = (η·e.step_factor^k)/S at every phase
  return s_mult, lr_mult


def derived_config(config, sizes: tuple[int, int] | None = None) -> ml_collections.ConfigDict:
  """The plain `train` config that `jastrzebski2017.train` runs (see the module docstring)."""
  e = config.experiment
  if e.schedule not in SCHEDULES:
    raise ValueError(f"experiment.schedule {e.schedule!r} not in {SCHEDULES}")
  n_full, n_val = sizes or training_size(config)
  c = _copy(config)
  c.program = "train"
  c.experiment = registry.PROGRAMS.get("train").schema()
  n = n_full
  if e.n_train_fraction != 1.0:
    n = int(round(e.n_train_fraction * n_full))
    if not 0 < n <= n_full:
      raise ValueError(f"experiment.n_train_fraction={e.n_train_fraction} leaves {n} examples")
    c.data.n_train = n + n_val
  s = int(round(config.train.batch_size * e.batch_mult))
  c.train.batch_size = s
  c.optimizer.lr = float(config.optimizer.lr * e.lr_mult)
  if len(config.runs.batch_size):
    c.runs.batch_size = tuple(int(round(b * e.batch_mult)) for b in config.runs.batch_size)
  if len(config.runs.lr):
    c.runs.lr = tuple(float(v * e.lr_mult) for v in config.runs.lr)
  sizes_s = list(c.runs.batch_size) or [s]
  s_max = max(sizes_s)
  f, p = float(e.cycle_factor), float(e.cycle_epochs)
  lr_s, bs_s = c.optimizer.schedule, c.train.batch_size_schedule
  if e.schedule == "clr":
    lr_s.update(dict(name="discrete_cyclic", period=p / 2, multipliers=(1.0, 1.0 / f)))
  elif e.schedule == "cbs":
    bs_s.update(dict(name="discrete_cyclic", period=p / 2, multipliers=(1.0, f)))
    s_max = int(round(s_max * f))
  elif e.schedule == "triangle_lr":
    lr_s.update(dict(name="triangle", period=p, low=1.0 / f, high=1.0))
  elif e.schedule == "step_lr":
    lr_s.update(dict(name="step", milestones=tuple(e.step_epochs), factor=float(e.step_factor)))
  elif e.schedule == "step_bs":
    if len(sizes_s) > 1:
      raise ValueError("schedule 'step_bs' needs a single batch size")
    s_mult, lr_mult = batch_multipliers(e, n, s)
    ms = tuple(float(m) for m in e.step_epochs)
    bs_s.update(dict(name="piecewise", milestones=ms, multipliers=tuple(s_mult)))
    lr_s.update(dict(name="piecewise", milestones=ms, multipliers=tuple(lr_mult)))
    s_max = int(round(s * max(s_mult)))
  if s_max > n:
    raise ValueError(f"batch size {s_max} exceeds the {n} training examples")
  if e.log_every_epochs > 0:
    log = max(1, int(round(e.log_every_epochs * (n // s_max))))
    # Steps per epoch: the mean over the run (n // S for a constant S; for cbs the mean over a
    # cycle, so "every P epochs" is one cycle; for step_bs the mean over its phases).
    from noisecurv.runner.engine import plan_segments

    if len(c.runs.batch_size) <= 1 and c.train.epochs:
      segs = plan_segments(c, n, s)
      epoch_steps = (segs[-1][0] + segs[-1][1]) / c.train.epochs
    else:
      epoch_steps = n // s_max

    def every(epochs: float) -> int:
      return 0 if epochs <= 0 else log * max(1, int(round(epochs * epoch_steps / log)))

    c.train.log_every = log
    c.eval.every = every(e.eval_every_epochs)
    c.checkpoint.every = every(e.checkpoint_every_epochs)
    for name in c.probes.keys():
      if c.probes[name].every:
        c.probes[name].every = every(e.probe_every_epochs)
  configlib.validate(c)
  return c

