"""E8a (spec control, not in the paper): a step decay of η can be replaced by a step increase of S.

Claim: pre-activation ResNet-56 (BN, plain SGD, 200 epochs, 3 seeds) with Fig. 2's base schedule
(S = 50, η₀ = 0.01, η ÷10 at epochs 60, 100, 140, 180) and with each ÷10 of η replaced by S ×10,
capped at N/10 (past the cap η takes the remaining factor, so η/S is the same at every epoch):
final validation accuracies within 1 pp and the seed-averaged validation curves within 2 pp
(mean over the epochs after the first switch). The abstract's "learning rate schedules can be
replaced with batch size schedules" is shown in the paper only for cyclic schedules.

Trials: schedule ∈ {step_lr (the base config), step_bs}.

Command:  python -m noisecurv.main --config configs/jastrzebski2017/step_schedule_swap.py  (CIFAR-10; step_lr)
          substitute: --config configs/jastrzebski2017/step_schedule_swap.py:data=fmnist32
Smoke:    python -m noisecurv.main --config configs/jastrzebski2017/step_schedule_swap.py:smoke
Sweep:    python experiments/sweep.py --config configs/jastrzebski2017/step_schedule_swap.py:data=fmnist32,reduced
Runtime:  H100 ≈ 20 min per seed ensemble for step_lr, less for step_bs (larger S after epoch 60);
          reduced (60 epochs, drops at 18/30/42/54, 1 seed) ≈ 8 min; smoke: step_lr, 4 epochs (~20 s).
Headline: |val(step_bs) − val(step_lr)| ≤ 1 pp (expected).
"""

from noisecurv.papers.jastrzebski2017 import presets

BASE = "step_lr"
SCHEDULES = ("step_lr", "step_bs")
MILESTONES = (60.0, 100.0, 140.0, 180.0)
REDUCED_MILESTONES = (18.0, 30.0, 42.0, 54.0)
SMOKE_MILESTONES = (1.0, 2.0, 3.0)


def get_config(arg=None):
  opts = presets.options(arg)
  c = presets.base(data=opts.data, model="preact_resnet56")
  c.name = "jastrzebski2017 E8a: step schedule of η vs of S, ResNet-56"
  c.optimizer.lr = 0.01
  c.train.batch_size = 4 if opts.smoke else 50
  c.experiment.schedule = "step_lr"
  c.experiment.step_factor = 0.1
  c.experiment.bs_cap_fraction = 0.1
  c.experiment.step_epochs = (SMOKE_MILESTONES if opts.smoke else
                              REDUCED_MILESTONES if opts.reduced else MILESTONES)
  presets.cnn(c, opts, paper_epochs=200, smoke_epochs=4, reduced_epochs=60, repeats=3,
              reduced_repeats=1)
  return c


def sweep(add):
  for schedule in SCHEDULES:
    add(**{"experiment.schedule": schedule})
