"""E7 (Fig. 5, Sec. 5.3): at θ*_GD the Hessian is ill-conditioned, and SGD's noise is aligned with it.

Claim: the top-400 eigenvalues of H at θ*_GD (full training loss, 1,200 examples, D = 11,330)
decay fast: λ₁₄₀/λ₁ ≈ 1% (paper; pass band 0.003–0.03, qualitative ≤ 0.05). Along SGD
(lr 0.07, m = 20) from θ*_GD, with Σ̂ from 60 minibatches of 20 measured every 100 iterations
(every 10 for the first 200): â = u₁ᵀΣu₁·Tr H/(λ₁Tr Σ) has median ≥ 0.1 and is ≥ 10·â_iso
(= Tr H/(λ₁D)) at ≥ 90% of the measurements; Tr(HΣ) ≥ 10·Tr(HΣ̄) at every measurement, and
Tr(HΣ) at the end is ≤ 1e-3 × its maximum over the first 100 iterations (the paper: 10⁷ times
smaller late in the run). The same probe logs ‖∇L‖ and √Tr Σ̂ (Fig. 7's quantities from θ*_GD).

Command:  python -m noisecurv.main --config configs/zhu2019/fig5_fmnist_curvature.py
Smoke:    python -m noisecurv.main --config configs/zhu2019/fig5_fmnist_curvature.py:smoke
          GPU plan (reduced, 3,000 iterations): ...fig5_fmnist_curvature.py:reduced
          CPU version: ...:small (300 examples, Lanczos spectrum with 1,000 steps, 200 iterations)
Sweep:    none
Runtime:  H100 ≈ 1.5 min (dense 11,330² Hessian ≈ 10 s + eigvalsh, 170 measurements × ≈ 0.2 s);
          reduced ≈ 1 min; smoke ≈ 20 s.
Headline: λ₁₄₀/λ₁ ≈ 0.01; Tr(HΣ)/Tr(HΣ̄) ≫ 10 (values not in the text).
"""

from noisecurv import configlib
from noisecurv.papers.zhu2019 import presets


def get_config(arg=None):
  opts = presets.options(arg)
  scale = presets.scale_of(opts)
  c = presets.fmnist_diffusion(scale, ("sgd",), sharpness=False)
  c.name = "zhu2019 Fig. 5: Hessian spectrum at θ*_GD and noise alignment along SGD" + (
      f" ({scale})" if scale != "paper" else "")
  e = c.experiment
  c.eval.every = presets.pick(scale, 100, smoke=2)
  e.dense_until = 0
  if scale != "smoke":
    e.probe_early_every, e.probe_early_until = 10, 200
  configlib.add_probe(c, "noise", "zhu2019.sgd_noise", n=0, at_start=True, at_end=True,
                      every=presets.pick(scale, 100, smoke=2, small=20),
                      num_minibatches=e.num_minibatches, minibatch_size=e.minibatch_size,
                      tr_h="hutchinson", num_probes=presets.pick(scale, 100, smoke=4),
                      lanczos_steps=presets.pick(scale, 30, smoke=8),
                      hvp_batch=presets.pick(scale, 20, smoke=0, small=10))
  method = "dense" if scale in ("paper", "reduced") else "lanczos"
  configlib.add_probe(c, "spectrum", "zhu2019.hessian_spectrum", n=0, at_start=True,
                      at_end=False, method=method, top=presets.pick(scale, 400, smoke=10),
                      lanczos_steps=presets.pick(scale, 1000, smoke=20), batch_size=64)
  return c
