"""thomas2020 Fig. 6 (App. B.3): train and test error of the Fig. 3 networks.

Claim: the networks fit the training set (train error ≤ 1%) for every width h ≥ 25 and, at
h = 70, at every corruption level (they fit random labels); the test error rises with c and
reaches 90% ± 3% at c = 100%. Reads (or runs) the Fig. 3a and 3b shards of the same tier.

Command:  python -m noisecurv.main --config configs/thomas2020/fig6_svhn2k_errors.py
Smoke:    python -m noisecurv.main --config configs/thomas2020/fig6_svhn2k_errors.py:smoke
Sweep:    none (tier=fmnist for the Fashion-MNIST substitute)
Runtime:  seconds once the Fig. 3 shards exist.
Headline: train error 0 for h > 20; test error 0.9 at c = 1.
"""

from noisecurv.papers.thomas2020 import setups


def get_config(arg=None):
  return setups.suite_from_arg(arg, "fig3", "paper", figure="fig6")
