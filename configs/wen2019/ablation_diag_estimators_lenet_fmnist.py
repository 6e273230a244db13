"""W12b (ours): the three estimators of the diag noise give the same accuracy.

Claim: LB + diag on the Fashion-MNIST LeNet-5-BN row with the ghost-variance estimator (default,
≈ c²diag Σ), the paper-literal per-example estimator with BN frozen at each example's ghost
statistics (≈ c²diag C) and the Rademacher product estimator reach test accuracies within 2
pooled SE of each other (3 seeds); the ratio of the traces of the frozen and ghost-variance
diagonal targets on one large batch (probe wen2019.diag_traces) lies in [0.8, 1.25] at epochs 0,
10 and 50.

Command:  python -m noisecurv.main --config configs/wen2019/ablation_diag_estimators_lenet_fmnist.py
Smoke:    python -m noisecurv.main --config configs/wen2019/ablation_diag_estimators_lenet_fmnist.py:smoke
Sweep:    python experiments/sweep.py --config configs/wen2019/ablation_diag_estimators_lenet_fmnist.py  (ghost_variance, ghost_frozen, rademacher)
Runtime:  ≈5 min on one H100 (size=reduced ≈2 min; the frozen estimator needs per-example
          gradients during the noisy quarter); smoke: seconds per estimator.
Headline: pairwise |Δacc| ≤ 2 pooled SE.
"""

from noisecurv import configlib
from noisecurv.papers.wen2019 import presets


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False, size="paper")
  inner = ",".join(w for w, on in (("smoke", opts.smoke), (f"size={opts.size}", True)) if on)
  c = presets.table_config("lenet_fmnist", inner)
  c.name = "wen2019 W12b: diag-noise estimators"
  e = c.experiment
  e.method = "lb_diag"
  e.estimator = "ghost_variance"
  e.noise_chunk = 512
  e.probe_every_epochs = 10.0
  probe = dict(every=1, at_start=True, at_end=False, n=e.large_batch, bn="ghost",
               small_batch=e.small_batch, chunk=512)
  if opts.smoke:
    e.probe_every_epochs = 3.0
    probe.update(chunk=0)
  configlib.add_probe(c, "est", "wen2019.diag_traces", **probe)
  return c


def sweep(add):
  add()
  add(**{"experiment.method": "lb_diag_frozen"})
  add(**{"experiment.estimator": "rademacher"})
