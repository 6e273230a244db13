"""E5 (Fig. 3, Sec. 5.3): from θ*_GD, SGD and Hessian-aligned GLD escape; isotropic GLD stays.

Claim: started at the GD minimum θ*_GD of corrupted FashionMNIST (fmnist_gd_pretrain.py),
SGD (m = 20), GLD leading (k = 20), GLD Hessian (k = 20, refreshed every 10 iterations) and
GLD 1st eigvec(H) leave it (training accuracy drops within the first iterations) and end in
flatter minima (lower expected sharpness, δ = 0.01, M = 1,000, on the training loss) with
higher test accuracy, while GD (lr 0.1), GLD const (σ = 1e-3), GLD dynamic and GLD diag stay
at ≈100% training accuracy. Every noise except GLD const has Tr Σ_t = Tr Σ̂_sgd(θ_t) (60
minibatches of 20); lr 0.07. Fig. 8 (the first 50 iterations) reads the same run, which
logs every iteration up to 50.

Command:  python -m noisecurv.main --config configs/zhu2019/fig3_fmnist_dynamics.py
Smoke:    python -m noisecurv.main --config configs/zhu2019/fig3_fmnist_dynamics.py:smoke
          GPU plan (reduced, 3,000 diffusion iterations): ...fig3_fmnist_dynamics.py:reduced
          CPU version (spec §4): ...fig3_fmnist_dynamics.py:small (300 examples, 200
          iterations, Hessian k = 5, 1st eigvec refreshed every 10)
          3 seeds: append seeds=3 to the argument (e.g. :reduced,seeds=3)
Sweep:    none (the dynamics run one after another in one resumable run directory:
          rerun the same command to continue after an interruption)
Runtime:  H100: paper ≈ 10 min (1st eigvec ≈ 7 min with 30 power steps per iteration),
          reduced ≈ 4 min with compiles; 2-core CPU: small ≈ 15 min, smoke ≈ 1 min.
Headline: final test accuracy E = {SGD, leading, Hessian, 1st eig} above T = {GD, const,
          dynamic, diag} by ≥ 1 pp; sharpness of E < 0.5 × that of T (values not in the text).
"""

from noisecurv.papers.zhu2019 import presets


def get_config(arg=None):
  opts = presets.options(arg, seeds=1)
  scale = presets.scale_of(opts)
  c = presets.fmnist_diffusion(scale)
  c.name = "zhu2019 Fig. 3: the Table 1 dynamics from θ*_GD on FashionMNIST" + (
      f" ({scale})" if scale != "paper" else "")
  c.experiment.seeds = opts.seeds
  return c
