"""W11 / Table 2 (App. E.2): alternative noise structures, VGG16-BN on CIFAR-10.

Claim (paper, SB / BatchChange / Multiplicative / K-FAC / Fisher Trace / Diag-F, 3 seeds):
93.25 / 93.18 / 90.98 / 93.06 / 92.91 / 93.19;
in every row Diag ≥ K-FAC > Fisher Trace > Multiplicative (spec W11 pass criteria).
Columns run here: BatchChange (SB for the first quarter, then LB at the LB rate, no second
warm-up), Multiplicative (g ⊙ (1 + σ_m ξ), σ_m = √(M_L/M_S − 1) and σ_m = 1), K-FAC
(per-layer c·A^{1/2}ZG^{1/2}, BN parameters get diag noise) and Fisher Trace (isotropic with
the energy of the diag noise, c·√(Tr Ĉ_B/d)); SB, LB and Diag-F are the Table-1 row's runs.
Noise for the first quarter of training, the LB + diag recipe. CIFAR is not available here: tested on the official-format stand-in only.

Command:  python -m noisecurv.main --config configs/wen2019/table2_vgg16_cifar10.py
Smoke:    python -m noisecurv.main --config configs/wen2019/table2_vgg16_cifar10.py:smoke
Sweep:    python experiments/sweep.py --config configs/wen2019/table2_vgg16_cifar10.py  (batch_change, multiplicative ×2, kfac, trace)
Runtime:  ≈2–3 h on one H100 (K-FAC adds factor statistics and eigh every noisy step); smoke: seconds per column on a CPU.
Headline: Diag ≥ K-FAC > Fisher Trace > Multiplicative (paper, every row).
"""

from noisecurv import configlib
from noisecurv.papers.wen2019 import presets

ROW = "vgg16_cifar10"


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False, size="paper", row=ROW)
  inner = ",".join(w for w, on in (("smoke", opts.smoke), (f"size={opts.size}", True)) if on)
  c = presets.table_config(opts.row, inner)
  c.name = f"wen2019 Table 2: noise structures, row {opts.row}"
  c.experiment.method = "batch_change"
  return c


def sweep(add):
  presets.table2_sweep(add)
