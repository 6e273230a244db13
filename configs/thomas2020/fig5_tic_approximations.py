"""thomas2020 Fig. 5: two cheaper approximations of the TIC against the gap.

Claim: TIC_F = Tr(F⁺_τC)/N loses almost nothing against the TIC (log–log Pearson within 0.05,
median TIC_F/TIC ∈ [0.5, 2]); Tr C/Tr F tracks the gap on the upper half of gaps of each dataset
(log–log Pearson ≥ 0.8) and overestimates small gaps (Spearman(gap, (Tr C/(N Tr F))/gap) < 0);
per-dataset log offsets are ordered MNIST < SVHN ≤ CIFAR-10 (not checkable here: no SVHN or
CIFAR-10 files).

It runs (or reuses) the grid's shards of the tier (see grid_info_matrices.py: the same tiers and
filters), then writes the figure's points (fig5.csv) and statistics (summary.json) into
its run directory. The figure itself is drawn by `python -m noisecurv.reproduce --paper thomas2020`.

Command:  python -m noisecurv.main --config configs/thomas2020/fig5_tic_approximations.py:tier=gpu_reduced
Smoke:    python -m noisecurv.main --config configs/thomas2020/fig5_tic_approximations.py:smoke
Sweep:    none (split the grid itself: grid_info_matrices.py:tier=...,dataset=...)
Runtime:  seconds once the grid's shards exist (smoke ~1 min from scratch on a 2-core CPU).
Headline: Pearson(TIC_F) ≈ Pearson(TIC); trace ratio overestimates small gaps.
"""

from noisecurv.papers.thomas2020 import setups


def get_config(arg=None):
  return setups.suite_from_arg(arg, "grid", "full", figure="fig5")
