"""thomas2020 Fig. 1: ‖F − C‖²_F on training data against the training loss.

Claim: F and C can differ a lot on the training set even at low training loss: weak monotone
association (|Spearman(train loss, D_FC)| < 0.7); among points with training loss < 0.05 the
relative D_FC = ‖F − C‖²/‖F‖² spans ≥ 2 decades with ≥ 10% above 0.5; some (arch, dataset)
family ends below 1% of its first-probe D_FC ("eventually coincide"). F is the exact Fisher
on a 5k training subset, C the uncentered second moment on the same examples.

It runs (or reuses) the grid's shards of the tier (see grid_info_matrices.py: the same tiers and
filters), then writes the figure's points (fig1.csv) and statistics (summary.json) into
its run directory. The figure itself is drawn by `python -m noisecurv.reproduce --paper thomas2020`.

Command:  python -m noisecurv.main --config configs/thomas2020/fig1_fisher_vs_cov.py:tier=gpu_reduced
Smoke:    python -m noisecurv.main --config configs/thomas2020/fig1_fisher_vs_cov.py:smoke
Sweep:    none (split the grid itself: grid_info_matrices.py:tier=...,dataset=...)
Runtime:  seconds once the grid's shards exist (smoke ~1 min from scratch on a 2-core CPU).
Headline: |Spearman| < 0.7; relative D_FC spans decades at low loss.
"""

from noisecurv.papers.thomas2020 import setups


def get_config(arg=None):
  return setups.suite_from_arg(arg, "grid", "full", figure="fig1")
