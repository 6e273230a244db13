"""E6 (Fig. 8, App. C.2): within 50 iterations the escaping dynamics already leave θ*_GD.

Claim: in the first 50 iterations after θ*_GD (global iterations 3,000–3,050, logged at every
iteration), SGD, GLD 1st eigvec(H), GLD Hessian and GLD leading drop to a training accuracy
≤ (θ*_GD's − 2 pp) at some iteration, while GLD diag, GLD dynamic, GLD const and GD stay
within 0.5 pp of θ*_GD's.

At paper scale the figure and the claims read fig3_fmnist_dynamics.py's run, which logs every
iteration up to 50 (the same runs, as in the paper); this config reruns only those 50
iterations, on its own.

Command:  python -m noisecurv.main --config configs/zhu2019/fig8_fmnist_first50.py
Smoke:    python -m noisecurv.main --config configs/zhu2019/fig8_fmnist_first50.py:smoke
Sweep:    none
Runtime:  H100 ≈ 2 min (compiles of the 8 dynamics); smoke: seconds after fig3's smoke run
          (the compiled steps are shared within a process).
Headline: training accuracy of SGD ≈ 90–95% after a few iterations (shape only in the paper).
"""

from noisecurv.papers.zhu2019 import presets


def get_config(arg=None):
  opts = presets.options(arg)
  scale = presets.scale_of(opts)
  c = presets.fmnist_diffusion(scale, sharpness=False)
  c.name = "zhu2019 Fig. 8: the first 50 iterations from θ*_GD" + (
      f" ({scale})" if scale != "paper" else "")
  if scale != "smoke":
    c.experiment.steps = 50
    c.experiment.dense_until = 50
  return c
