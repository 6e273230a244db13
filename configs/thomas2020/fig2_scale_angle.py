"""thomas2020 Fig. 2: scale (r = Tr A/Tr B) and angle (cosine) similarities of H, F, C during training.

Claim: on the 5k test subset, s(C,H) and s(F,H) are lower at step 0 than at the first probe;
afterwards the median cosine of each pair (C,H), (C,F), (F,H) is ≥ 0.8 and ≥ 10× a random
low-rank baseline (k = numerical rank of C); C is larger (median r(C,F), r(C,H) > 1) while
0.5 ≤ median r(F,H) ≤ 2. Medians and 10–90% bands over runs.

It runs (or reuses) the grid's shards of the tier (see grid_info_matrices.py: the same tiers and
filters), then writes the figure's points (fig2.csv) and statistics (summary.json) into
its run directory. The figure itself is drawn by `python -m noisecurv.reproduce --paper thomas2020`.

Command:  python -m noisecurv.main --config configs/thomas2020/fig2_scale_angle.py:tier=gpu_reduced
Smoke:    python -m noisecurv.main --config configs/thomas2020/fig2_scale_angle.py:smoke
Sweep:    none (split the grid itself: grid_info_matrices.py:tier=...,dataset=...)
Runtime:  seconds once the grid's shards exist (smoke ~1 min from scratch on a 2-core CPU).
Headline: median s ≈ 0.9 after the first probe; r(C,F) > 1; r(F,H) ≈ 1.
"""

from noisecurv.papers.thomas2020 import setups


def get_config(arg=None):
  return setups.suite_from_arg(arg, "grid", "full", figure="fig2")
