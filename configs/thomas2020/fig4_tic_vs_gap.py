"""thomas2020 Fig. 4: the generalisation gap against the TIC (a) and against Tr(H) on the test set (b).

Claim: TIC = Tr(H⁺_τC)/N (H, C on the 5k test subset, τ = 1e-3) predicts the gap
L_test − L_train: log–log Pearson ≥ 0.9 and Spearman ≥ 0.85 over the final points of all runs;
the same correlation for Tr(H) is lower by ≥ 0.2; median TIC/gap ∈ [0.5, 2] and ≥ 70% of points
within a factor 3 of y = x. Non-positive gaps are dropped from log axes and counted.

It runs (or reuses) the grid's shards of the tier (see grid_info_matrices.py: the same tiers and
filters), then writes the figure's points (fig4.csv) and statistics (summary.json) into
its run directory. The figure itself is drawn by `python -m noisecurv.reproduce --paper thomas2020`.

Command:  python -m noisecurv.main --config configs/thomas2020/fig4_tic_vs_gap.py:tier=gpu_reduced
Smoke:    python -m noisecurv.main --config configs/thomas2020/fig4_tic_vs_gap.py:smoke
Sweep:    none (split the grid itself: grid_info_matrices.py:tier=...,dataset=...)
Runtime:  seconds once the grid's shards exist (smoke ~1 min from scratch on a 2-core CPU).
Headline: log-log Pearson(TIC, gap) ≥ 0.9 vs much lower for Tr(H).
"""

from noisecurv.papers.thomas2020 import setups


def get_config(arg=None):
  return setups.suite_from_arg(arg, "grid", "full", figure="fig4")
