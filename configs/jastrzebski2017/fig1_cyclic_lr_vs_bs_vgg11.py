"""Fig. 1 (E1): learning curves match whenever η/S matches at every epoch, for cyclic and constant schedules.

Claim: VGG-11 (BN) trained with plain SGD, 5 seeds each: a cyclic batch size (S 128 ↔ 640,
η = 0.005) and a cyclic learning rate (η 0.005 ↔ 0.001, S = 128), in phase (P = 10 epochs,
high-noise half first), give validation-accuracy curves within 1.5 pp (mean over epochs of the
seed-averaged curves) and ≤ 0.5× their distance to a control at 5× the ratio (η/S = 0.005/128);
likewise the constant pair 0.001/128 vs 0.005/640; final accuracies of each pair within 1 pp (or
2 pooled seed-SDs) and their train losses within 15%.

Settings (sweep trials): clr, cbs, const_a (0.001/128), const_b (0.005/640), control (0.005/128,
the base config).

Command:  python -m noisecurv.main --config configs/jastrzebski2017/fig1_cyclic_lr_vs_bs_vgg11.py  (CIFAR-10; control setting)
          substitute: --config configs/jastrzebski2017/fig1_cyclic_lr_vs_bs_vgg11.py:data=fmnist32
Smoke:    python -m noisecurv.main --config configs/jastrzebski2017/fig1_cyclic_lr_vs_bs_vgg11.py:smoke
Sweep:    python experiments/sweep.py --config configs/jastrzebski2017/fig1_cyclic_lr_vs_bs_vgg11.py:data=fmnist32,reduced
Runtime:  H100 ≈ 30–35 min for 5 settings × 5 seeds × 100 epochs (spec); reduced (2 seeds × 40 epochs)
          ≈ 6–8 min; smoke: one setting, VGG-11 at 1/64 width on 320 images, 2 epochs (~20 s).
Headline: D(CLR, CBS) ≤ 1.5 pp on validation accuracy vs ≈ 5 pp to the control (expected; the
          paper shows the curves only).
"""

from noisecurv.papers.jastrzebski2017 import presets

BASE = "control"
SETTINGS = {  # experiment keys of each trial (η = 0.005 · lr_mult, S = 128 · batch_mult)
    "clr": dict(schedule="clr", lr_mult=1.0, batch_mult=1.0),
    "cbs": dict(schedule="cbs", lr_mult=1.0, batch_mult=1.0),
    "const_a": dict(schedule="constant", lr_mult=0.2, batch_mult=1.0),
    "const_b": dict(schedule="constant", lr_mult=1.0, batch_mult=5.0),
    "control": dict(schedule="constant", lr_mult=1.0, batch_mult=1.0),
}
PAIRS = (("clr", "cbs"), ("const_a", "const_b"))


def get_config(arg=None):
  opts = presets.options(arg)
  c = presets.base(data=opts.data, model="vgg11_bn")
  c.name = "jastrzebski2017 Fig. 1: cyclic / constant η and S, VGG-11"
  c.optimizer.lr = 0.005
  c.train.batch_size = 4 if opts.smoke else 128
  c.experiment.cycle_epochs = 2.0 if opts.smoke else 10.0
  c.experiment.cycle_factor = 5.0
  presets.cnn(c, opts, paper_epochs=100, smoke_epochs=2, reduced_epochs=40, repeats=5,
              reduced_repeats=2)
  return c


def sweep(add):
  for kw in SETTINGS.values():
    add(**{f"experiment.{k}": v for k, v in kw.items()})
