"""Table 1 tuning (E6): the paper's grid search over η_max and the cycle length for each schedule.

Claim: none by itself; it selects, per schedule, the η_max ∈ [1e-3, 5e-2] and cycle length
P ∈ {5, 10, 15} epochs with the best validation accuracy (paper §3.3), which Table 1's final runs
then use. Grid: η ∈ {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05} (one vmapped program per trial) ×
{discrete η, discrete S, triangle η} × P, plus the constant schedule: 10 trials, 60 runs of VGG-11
(BN) for 200 epochs at S_min = 128.

Command:  python -m noisecurv.main --config configs/jastrzebski2017/tab1_cyclic_schedules_tune.py  (CIFAR-10; constant)
          substitute: --config configs/jastrzebski2017/tab1_cyclic_schedules_tune.py:data=fmnist32
Smoke:    python -m noisecurv.main --config configs/jastrzebski2017/tab1_cyclic_schedules_tune.py:smoke
Sweep:    python experiments/sweep.py --config configs/jastrzebski2017/tab1_cyclic_schedules_tune.py:data=fmnist32
Runtime:  H100 ≈ 2.7 h (spec); not in the GPU plan (the final runs use η_max = 0.05, P = 10);
          smoke: constant schedule, one η, 2 epochs (~20 s).
Headline: best (η_max, P) per schedule by validation accuracy (written by the Table 1 figure when present).
"""

from noisecurv.papers.jastrzebski2017 import presets

LRS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05)
CYCLES = (5.0, 10.0, 15.0)


def get_config(arg=None):
  opts = presets.options(arg)
  c = presets.base(data=opts.data, model="vgg11_bn")
  c.name = "jastrzebski2017 Table 1 tuning grid, VGG-11"
  c.optimizer.lr = 0.05
  c.train.batch_size = 4 if opts.smoke else 128
  c.experiment.cycle_epochs = 2.0 if opts.smoke else 10.0
  c.experiment.cycle_factor = 5.0
  presets.cnn(c, opts, paper_epochs=200, smoke_epochs=2, reduced_epochs=60, repeats=1,
              reduced_repeats=1)
  if not opts.smoke:  # smoke: 2 seeds of one η (the other smoke CNN runs' compiled programs)
    c.runs.lr = LRS
  return c


def sweep(add):
  for schedule in ("clr", "cbs", "triangle_lr"):
    for p in CYCLES:
      add(**{"experiment.schedule": schedule, "experiment.cycle_epochs": p})
  add(**{"experiment.schedule": "constant"})
