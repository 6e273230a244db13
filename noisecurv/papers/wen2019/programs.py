"""Programs, probes and noise kinds of wen2019 (imported with every config).

- `toy_programs`: W1–W4 (Fig. 1, Fig. 4, Theorem 4.1, App. B).
- `train_programs`: `wen2019.train` (the regimes of Tables 1–2 and Fig. 3) and the snapshot
  probe; `frozen_bn` registers the noise kind `wen2019.lb_diag_ghost_frozen`.
- `analysis_programs`: `wen2019.grad_variance` (Fig. 2) and `wen2019.hessian_lmax` (Fig. 5b).
- `frobenius`: the probe `wen2019.fisher_frobenius` (Fig. 5a); `estimators`: the probe
  `wen2019.diag_traces` (ablation W12b).
"""

from noisecurv.papers.wen2019 import (  # noqa: F401  (registrations)
    analysis_programs,
    estimators,
    frobenius,
    toy_programs,
    train_programs,
)
