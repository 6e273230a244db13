"""The training regimes of wen2019 as plain `train` configs (program `wen2019.train`).

A config names a regime (`experiment.method`) and the recipe in batch sizes, learning rates and
fractions of training; `derived_config` turns it into the `train` config that runs:

| method          | batch          | noise (gradient level, before momentum and weight decay)   |
|-----------------|----------------|------------------------------------------------------------|
| sb              | M_S            | none                                                       |
| lb              | M_L, GBN M_S   | none                                                       |
| lb_diag         | M_L, GBN       | c·√diag(target)·ξ (`lb_diag`, `estimator`; Algorithm 1)     |
| lb_diag_frozen  | M_L, GBN       | c·√diag Ĉ_B, per-example gradients with BN frozen at each  |
|                 |                | example's ghost statistics (`wen2019.lb_diag_ghost_frozen`) |
| lb_full         | M_L, GBN       | Cov c²Ĉ_B (Rademacher VJP; Eq. 5, App. F)                   |
| lb_full_true    | M_L, GBN       | Cov c²F̂_B (labels sampled from the model; App. F)          |
| lb_full_ghost   | M_L, GBN       | ghost twin, ≈ c²Σ, rank ≤ M_L/M_S − 1                       |
| kfac            | M_L, GBN       | per layer c·A^{1/2}ZG^{1/2} (App. D–E)                      |
| trace           | M_L, GBN       | c·√(Tr Ĉ_B/d)·ξ ("Fisher Trace", equal-energy reading)      |
| multiplicative  | M_L, GBN       | g ⊙ σ_m ξ, σ_m = √(M_L/M_S − 1) unless set                  |
| batch_change    | M_S, then M_L  | none; SB for the first `noise_fraction` of training (App. E) |

c² = 1/M_S − 1/M_L (Eq. 5). Noise is on for the first `noise_fraction` of the updates (App. E.1:
a quarter). Every model's BN uses ghost batches of M_S (a batch of M_S is one ghost batch).

Learning rate (`schedule='step'`, App. E.1 as fractions of the epochs): peak `sb_lr` for sb,
`lb_lr` for the others, ×`decay_factor` at each of `decay_fractions`; the large-batch regimes warm
up linearly from 0 over `warmup_fraction` (the engine's warm-up starts at 0; the spec's default
starts at the SB rate, see the report). batch_change runs at sb_lr for its SB phase and at lb_lr
afterwards, no warm-up. `schedule='constant'` (Fig. 3): one rate, no warm-up, no decay.
`sb_lr_grid`/`lb_lr_grid` turn the rate into a vmapped grid (tuning on the held-out split).
"""

from __future__ import annotations

import ml_collections

from noisecurv import registry
from noisecurv.noise.transform import make_config

METHODS = ("sb", "lb", "lb_diag", "lb_diag_frozen", "lb_full", "lb_full_true", "lb_full_ghost",
           "kfac", "trace", "multiplicative", "batch_change")
FROZEN_KIND = "wen2019.lb_diag_ghost_frozen"
SNAPSHOT = "wen2019.snapshot"

TRAIN_DEFAULTS = dict(
    method="lb_diag",  # one of METHODS
    small_batch=128,  # M_S (also the ghost-batch size)
    large_batch=4096,  # M_L
    sb_lr=0.1,  # peak learning rate of sb (and of batch_change's SB phase)
    lb_lr=1.6,  # peak learning rate of the large-batch regimes
    sb_lr_grid=(),  # vmapped grid of sb rates (tuning); empty = sb_lr only
    lb_lr_grid=(),  # vmapped grid of large-batch rates; empty = lb_lr only
    schedule="step",  # 'step' (warm-up, decays) | 'constant'
    warmup_fraction=0.05,  # 10 of 200 epochs
    decay_fractions=(0.5, 0.75),  # epochs 100 and 150 of 200
    decay_factor=0.1,
    noise_fraction=0.25,  # noise (and batch_change's SB phase) for this fraction of training
    estimator="ghost_variance",  # lb_diag / kfac / trace: 'ghost_variance' | 'per_example' | ...
    noise_chunk=0,  # per-example gradients per vectorised chunk (lb_diag_frozen), 0 = all
    multiplicative_sigma=0.0,  # σ_m; 0 = √(M_L/M_S − 1)
    epochs=200.0,
    updates=0,  # > 0: train for this many updates instead of `epochs` (Fig. 3)
    log_every_epochs=1.0,  # metric rows, in epochs of the large batch
    eval_every_epochs=10.0,
    checkpoint_every_epochs=10.0,
    every_updates=250,  # with `updates`: rows and evaluations every this many updates
    probe_every_epochs=0.0,  # > 0: periodic probes every this many epochs (set per batch size)
    snapshot=True,  # keep the final parameters (probe wen2019.snapshot) for Fig. 5b
)

LARGE = ("lb", "lb_diag", "lb_diag_frozen", "lb_full", "lb_full_true", "lb_full_ghost", "kfac",
         "trace", "multiplicative")


def noise_section(e) -> ml_collections.ConfigDict:
  """The noise section of method `e.method` (kind 'none' for sb, lb and batch_change)."""
  m = e.method
  stop = float(e.noise_fraction) if e.noise_fraction < 1.0 else None
  common = dict(small_batch=int(e.small_batch), stop_fraction=stop)
  if m in ("sb", "lb", "batch_change"):
    return make_config("none")
  if m == "lb_diag":
    return make_config("lb_diag", estimator=e.estimator, chunk_size=int(e.noise_chunk), **common)
  if m == "lb_diag_frozen":
    return make_config(FROZEN_KIND, chunk_size=int(e.noise_chunk), **common)
  if m in ("lb_full", "lb_full_true", "lb_full_ghost"):
    matrix = {"lb_full": "C", "lb_full_true": "F", "lb_full_ghost": "Sigma"}[m]
    return make_config("lb_full", matrix=matrix, **common)
  if m == "kfac":
    return make_config("lb_kfac", estimator=e.estimator, **common)
  if m == "trace":
    return make_config("lb_trace", estimator=e.estimator, **common)
  if m == "multiplicative":
    sigma = float(e.multiplicative_sigma) or None
    return make_config("lb_multiplicative", sigma=sigma, **common)
  raise ValueError(f"experiment.method {m!r} not in {METHODS}")


def _lr_schedule(c, e, epochs: float) -> None:
  s = c.optimizer.schedule
  m = e.method
  peak = float(e.sb_lr if m == "sb" else e.lb_lr)
  c.optimizer.lr = peak
  grid = tuple(e.sb_lr_grid if m == "sb" else e.lb_lr_grid)
  c.runs.lr = tuple(float(v) for v in grid)
  if e.schedule == "constant":
    s.name = "constant"
    return
  if e.schedule != "step":
    raise ValueError(f"experiment.schedule {e.schedule!r} not in ('step', 'constant')")
  decays = tuple(float(f) * epochs for f in e.decay_fractions)
  if m == "batch_change":
    switch = float(e.noise_fraction) * epochs
    if any(d <= switch for d in decays):
      raise ValueError("batch_change needs the SB phase to end before the first decay")
    f = float(e.decay_factor)
    s.name = "piecewise"
    s.milestones = (switch,) + decays
    s.multipliers = (float(e.sb_lr) / peak, 1.0) + tuple(f ** (i + 1) for i in range(len(decays)))
    return
  s.name = "step"
  s.milestones = decays
  s.factor = float(e.decay_factor)
  if m in LARGE:
    s.warmup_epochs = float(e.warmup_fraction) * epochs


def derived_config(config, n_train: int) -> ml_collections.ConfigDict:
  """The plain `train` config of `config` (program wen2019.train) on n_train training examples."""
  e = config.experiment
  if e.method not in METHODS:
    raise ValueError(f"experiment.method {e.method!r} not in {METHODS}")
  m_s, m_l = int(e.small_batch), int(e.large_batch)
  if m_l % m_s or m_l < 2 * m_s:
    raise ValueError(f"large_batch {m_l} must be a multiple >= 2 of small_batch {m_s}")
  c = config.copy_and_resolve_references()
  c.unlock()
  c.program = "train"
  c.experiment = registry.PROGRAMS.get("train").schema()
  c.model.ghost_size = m_s
  c.noise = noise_section(e)
  batch = m_s if e.method in ("sb", "batch_change") else m_l
  c.train.batch_size = batch
  if e.method == "batch_change":
    bs = c.train.batch_size_schedule
    bs.name = "piecewise"
    bs.milestones = (float(e.noise_fraction) * float(e.epochs),)
    bs.multipliers = (1.0, float(m_l // m_s))
  lb_steps_per_epoch = max(n_train // m_l, 1)
  if e.updates:
    if e.method == "batch_change":
      raise ValueError("batch_change is defined in epochs: set experiment.updates = 0")
    c.train.steps = int(e.updates)
    c.train.epochs = 0.0
    every = int(e.every_updates)
    c.train.log_every = every
    c.eval.every = every
    c.checkpoint.every = every * max(1, int(round(2000 / every)))
    epochs = float(e.updates) * batch / n_train
  else:
    epochs = float(e.epochs)
    c.train.steps = 0
    c.train.epochs = epochs
    per_epoch = lb_steps_per_epoch if e.method == "batch_change" else max(n_train // batch, 1)
    log = max(1, int(round(per_epoch * float(e.log_every_epochs))))
    c.train.log_every = log
    c.eval.every = log * max(1, int(round(e.eval_every_epochs / e.log_every_epochs)))
    c.checkpoint.every = log * max(1, int(round(e.checkpoint_every_epochs / e.log_every_epochs)))
  _lr_schedule(c, e, epochs)
  if e.probe_every_epochs and not e.updates:
    every = c.train.log_every * max(1, int(round(e.probe_every_epochs / e.log_every_epochs)))
    for name in c.probes.keys():
      if c.probes[name].every:
        c.probes[name].every = every
  if e.snapshot:
    _add_snapshot(c)
  return c


def _add_snapshot(c) -> None:
  from noisecurv import configlib

  configlib.add_probe(c, "snapshot", SNAPSHOT, every=0, at_start=False, at_end=True, n=1)

