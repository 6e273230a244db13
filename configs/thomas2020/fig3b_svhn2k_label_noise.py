"""thomas2020 Fig. 3b (§5.5, App. B.3): TIC, AIC and sensitivity against the gap, varying label noise.

Claim: the h = 70 MLP on SVHN-2k with a fraction c ∈ {0, 0.1, …, 1} of training labels redrawn
uniformly (test labels clean), 3 seeds each (one shard per level, seeds vmapped; the clean
level is Fig. 3a's h = 70 run), 150k steps: the
gap and the TIC both rise with c (Spearman ≥ 0.9), Pearson(TIC, gap) ≥ 0.9, and the TIC is the
closest of {TIC, AIC = 2.105, sensitivity/N} to the gap (mean |log(est/gap)|).

SVHN files are not available here: `tier=fmnist` is the Fashion-MNIST-2k SUBSTITUTE; `tier=cpu`
is a REDUCED substitute run for a 2-core CPU (h = 20, c ∈ {0, 0.5, 1}, 2 seeds, 20k steps).

Command:  python -m noisecurv.main --config configs/thomas2020/fig3b_svhn2k_label_noise.py
Smoke:    python -m noisecurv.main --config configs/thomas2020/fig3b_svhn2k_label_noise.py:smoke
Sweep:    levels are internal shards (c0, c10, …, c100), seeds vmapped runs (runs.repeats)
Runtime:  ~2.5 min on one H100 (estimate); tier=cpu 145 s wall (85 s CPU, measured, shared
          2-core CPU, c0 reused from fig3a); smoke (c ∈ {0, 1}, h = 16) ~40 s on a 2-core CPU.
Headline: gap and TIC rise together with c; AIC is flat at 2.105.
"""

from noisecurv.papers.thomas2020 import setups


def get_config(arg=None):
  return setups.suite_from_arg(arg, "fig3", "paper", figure="fig3b", kind="noise")
