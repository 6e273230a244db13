"""thomas2020 Fig. 3a (§5.5, App. B.3): TIC, AIC and sensitivity against the gap, varying width.

Claim: 1-hidden-layer MLPs 49→h→10, h ∈ {8, 10, 16, 20, 25, 30, 40, 50, 60, 70, 80, 100}, on
2,000 SVHN training images (7×7 greyscale), 150k steps of SGD (lr 5e-3, batch 256, momentum
0.9), 3 seeds per width with 95% bootstrap intervals: the TIC (H, C on a 5k test subset) is
within a factor 2 of the gap for every h ≥ 25, closer to it than the AIC = d/N (mean
|log(est/gap)|), and Pearson(TIC, gap) over the widths is ≥ 0.8.

SVHN files are not available here: `tier=fmnist` runs the same experiment on Fashion-MNIST-2k
as a SUBSTITUTE (named so in the report); `tier=paper750k` uses §5.5's 750k steps instead of
App. B.3's 150k; `tier=cpu` is a REDUCED run for a shared 2-core CPU (Fashion-MNIST-2k,
widths {10, 20, 40}, 2 seeds, 20k steps, 1k test subset). Shards (one per width, seeds as
vmapped runs) are shared with fig6.

Command:  python -m noisecurv.main --config configs/thomas2020/fig3a_svhn2k_hidden_size.py
Smoke:    python -m noisecurv.main --config configs/thomas2020/fig3a_svhn2k_hidden_size.py:smoke
Sweep:    widths are internal shards; one width: :tier=fmnist,h=70
Runtime:  ~3 min on one H100 for the 12 widths (estimate); tier=cpu 292 s wall (160 s CPU,
          measured, shared 2-core CPU); smoke ~30 s on a 2-core CPU.
Headline: TIC within 2× of the gap for h ≥ 25; AIC off by up to an order of magnitude.
"""

from noisecurv.papers.thomas2020 import setups


def get_config(arg=None):
  return setups.suite_from_arg(arg, "fig3", "paper", figure="fig3a", kind="widths")
