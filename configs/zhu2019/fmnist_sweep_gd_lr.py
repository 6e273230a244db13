"""E13 (App. D.3): no GD learning rate in the diffusion phase improves generalisation.

Claim: GD from θ*_GD with lr ∈ {0.5, 0.2, 0.15, 0.1, 0.09, 0.08, …, 0.01} ("no improvement on
generalization", App. D.3): no setting reaches SGD's final test accuracy of Fig. 3.

Command:  python -m noisecurv.main --config configs/zhu2019/fmnist_sweep_gd_lr.py  (lr 0.1 only)
Smoke:    python -m noisecurv.main --config configs/zhu2019/fmnist_sweep_gd_lr.py:smoke
Sweep:    python experiments/sweep.py --config configs/zhu2019/fmnist_sweep_gd_lr.py[:reduced]  (13 learning rates)
Runtime:  H100 ≈ 9 s per learning rate at 15,000 iterations, one compile for all (reduced,
          3,000 iterations: ≈ 30 s in all); smoke: seconds per trial.
Headline: final test accuracies within a point or two of GD at lr 0.1 (not in the text).
"""

from noisecurv.papers.zhu2019 import presets

LRS = (0.5, 0.2, 0.15, 0.1, 0.09, 0.08, 0.07, 0.06, 0.05, 0.04, 0.03, 0.02, 0.01)


def get_config(arg=None):
  opts = presets.options(arg)
  scale = presets.scale_of(opts)
  c = presets.fmnist_diffusion(scale, ("gd",))
  c.name = "zhu2019 App. D.3: GD learning-rate sweep from θ*_GD" + (
      f" ({scale})" if scale != "paper" else "")
  c.probes.sharpness.every = 0  # at the start and at the end only
  return c


def sweep(add):
  for lr in LRS:
    add(**{"experiment.gd_lr": lr})
