"""W11 / Table 2 (App. E.2): alternative noise structures, LeNet-5-BN on Fashion-MNIST (the runnable substitute row; `row=lenet_mnist` for MNIST).

Claim (substitute, spec W11): Diag − FisherTrace > 0 by ≥ 2 SE; Multiplicative is the
lowest of the five non-SB columns and below Diag by ≥ 2 SE; |K-FAC − Diag| ≤ 0.5;
BatchChange ≥ Diag − 0.3; every column but Multiplicative exceeds LB of Table 1.
Columns run here: BatchChange (SB for the first quarter, then LB at the LB rate, no second
warm-up), Multiplicative (g ⊙ (1 + σ_m ξ), σ_m = √(M_L/M_S − 1) and σ_m = 1), K-FAC
(per-layer c·A^{1/2}ZG^{1/2}, BN parameters get diag noise) and Fisher Trace (isotropic with
the energy of the diag noise, c·√(Tr Ĉ_B/d)); SB, LB and Diag-F are the Table-1 row's runs.
Noise for the first quarter of training, the LB + diag recipe. Fashion-MNIST and MNIST are available here: this row runs at paper scale on the GPU.

Command:  python -m noisecurv.main --config configs/wen2019/table2_lenet_fmnist.py
Smoke:    python -m noisecurv.main --config configs/wen2019/table2_lenet_fmnist.py:smoke
Sweep:    python experiments/sweep.py --config configs/wen2019/table2_lenet_fmnist.py  (batch_change, multiplicative ×2, kfac, trace)
Runtime:  ≈10 min on one H100 (4 columns × 9 vmapped runs); size=reduced (50 epochs) ≈3 min; smoke: seconds per column on a CPU.
Headline: Diag ≥ K-FAC > Fisher Trace > Multiplicative (paper, every row).
"""

from noisecurv import configlib
from noisecurv.papers.wen2019 import presets

ROW = "lenet_fmnist"


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False, size="paper", row=ROW)
  inner = ",".join(w for w, on in (("smoke", opts.smoke), (f"size={opts.size}", True)) if on)
  c = presets.table_config(opts.row, inner)
  c.name = f"wen2019 Table 2: noise structures, row {opts.row}"
  c.experiment.method = "batch_change"
  return c


def sweep(add):
  presets.table2_sweep(add)
