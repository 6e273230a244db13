"""Small generated problems of the reproduced papers: 2-D toys and linear regression.

Each is a pure function of (cfg, seed): random draws use a generator seeded by
(data seed, run seed, a tag of the dataset), the test split its own stream.
"""

from __future__ import annotations

import math

import numpy as np

from noisecurv.data.dataset import Dataset
from noisecurv.registry import DATASETS


def _streams(cfg, seed: int, tag: int, n: int) -> list[np.random.Generator]:
  ss = np.random.SeedSequence([int(cfg.seed), int(seed), tag])
  return [np.random.default_rng(s) for s in ss.spawn(n)]


@DATASETS.register("separable2d", n=1000, n_test_synthetic=1000, box=2.0, normalize="none")
def separable2d(cfg, seed: int) -> Dataset:
  """Zhu et al. (2019) Fig. 4 (spec E3): x ~ U([−box, box]²), label 1 if x₁ ≥ x₂ else 0.

  Linearly separable through the origin; (N, 2) float32 inputs, int32 labels.
  """
  tr, te = _streams(cfg, seed, 17, 2)

  def draw(n, rng):
    x = rng.uniform(-cfg.box, cfg.box, (n, 2))
    return x.astype(np.float32), (x[:, 0] >= x[:, 1]).astype(np.int32)

  x_tr, y_tr = draw(cfg.n, tr)
  x_te, y_te = draw(cfg.n_test_synthetic, te)
  return Dataset("separable2d", x_tr, y_tr, x_te, y_te, 2)


def rotation(angle_deg: float) -> np.ndarray:
  """K = [[cos θ, −sin θ], [sin θ, cos θ]]."""
  t = math.radians(angle_deg)
  return np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])


def zhu_toy2d_cov(scale: float, axis_var, angle_deg: float) -> np.ndarray:
  """Cov(x) = scale²·Kᵀ diag(axis_var) K; 10⁻⁴·[[5.5, −4.5], [−4.5, 5.5]] by default."""
  k = rotation(angle_deg)
  return scale**2 * k.T @ np.diag(np.asarray(axis_var, float)) @ k


@DATASETS.register("zhu_toy2d", n=100, n_test_synthetic=100, scale=0.01, axis_var=(10.0, 1.0),
                   angle_deg=45.0, normalize="none")
def zhu_toy2d(cfg, seed: int) -> Dataset:
  """The data of Zhu et al.'s (2019) 2-D two-basin toy (App. D.1, spec E1 and §6 #1).

  x = scale·(z ⊙ √axis_var)·K as a row vector, z ~ N(0, I₂), K the rotation by
  `angle_deg` (θ = π/4): the code's distribution, since the paper's "Σ" is a
  rotation matrix, not a covariance. Cov(x) = 10⁻⁴·[[5.5, −4.5], [−4.5, 5.5]]
  (`zhu_toy2d_cov`). Features only: the toy loss reads x, so y is zero
  regression targets (N, 1) and num_classes is 0. The test split is a second,
  independent draw of `n_test_synthetic` points.
  """
  if len(cfg.axis_var) != 2:
    raise ValueError(f"zhu_toy2d.axis_var must have 2 entries, got {cfg.axis_var}")
  k = rotation(cfg.angle_deg)
  sd = np.sqrt(np.asarray(cfg.axis_var, float))
  tr, te = _streams(cfg, seed, 19, 2)

  def draw(n, rng):
    x = cfg.scale * (rng.standard_normal((n, 2)) * sd) @ k
    return x.astype(np.float32), np.zeros((n, 1), np.float32)

  x_tr, y_tr = draw(cfg.n, tr)
  x_te, y_te = draw(cfg.n_test_synthetic, te)
  cov = zhu_toy2d_cov(cfg.scale, cfg.axis_var, cfg.angle_deg)
  return Dataset("zhu_toy2d", x_tr, y_tr, x_te, y_te, 0, meta={"cov": cov.tolist()})


def linreg_input_cov(cfg) -> np.ndarray:
  """The (dim, dim) input covariance Σₓ named by `cfg.input_cov`."""
  d = cfg.dim
  if cfg.input_cov == "equicorrelated":
    return (1.0 - cfg.corr) * np.eye(d) + cfg.corr * np.ones((d, d))
  if cfg.input_cov == "logspaced":
    return np.diag(np.logspace(math.log10(cfg.eig_low), math.log10(cfg.eig_high), d))
  if cfg.input_cov == "identity":
    return np.eye(d)
  raise ValueError(f"linreg.input_cov {cfg.input_cov!r} not in "
                   f"('equicorrelated', 'logspaced', 'identity')")


@DATASETS.register("linreg", dim=2, n=1000, n_test_synthetic=1000, input_cov="equicorrelated",
                   corr=0.8, eig_low=0.1, eig_high=1.0, w_star=(0.25, 0.15), noise_std=0.5,
                   normalize="none")
def linreg(cfg, seed: int) -> Dataset:
  """Linear regression y = xᵀw* + noise_std·ξ, x ~ N(0, Σₓ), ξ ~ N(0, 1); y (N, 1) float32.

  - Wen et al. (2019) Fig. 1 (spec W1), the defaults: dim 2, N = 1000,
    Σₓ = [[1, .8], [.8, 1]] ('equicorrelated', corr 0.8), w* = (0.25, 0.15),
    noise_std 0.5.
  - Jastrzębski et al. (2017) E0b: dim 20, Σₓ = diag(h) with h log-spaced in
    [eig_low, eig_high] = [0.1, 1] ('logspaced'), noise_std 1; w* is not given
    there, so `w_star=()` draws w* ~ N(0, I) from the data seed. For the loss
    ½(y − wᵀx)², H = Σₓ and at w* the per-example gradient second moment is
    C = noise_std²·Σₓ, i.e. C = H when noise_std = 1.
  meta holds `w_star` and `input_cov` (Σₓ) for analytic references.
  """
  d = cfg.dim
  cov = linreg_input_cov(cfg)
  w_rng, tr, te = _streams(cfg, seed, 23, 3)
  if len(cfg.w_star):
    w = np.asarray(cfg.w_star, float)
    if w.shape != (d,):
      raise ValueError(f"linreg.w_star has {w.size} entries but dim is {d}")
  else:
    w = w_rng.standard_normal(d)
  chol = np.linalg.cholesky(cov)

  def draw(n, rng):
    x = rng.standard_normal((n, d)) @ chol.T
    y = x @ w + cfg.noise_std * rng.standard_normal(n)
    return x.astype(np.float32), y[:, None].astype(np.float32)

  x_tr, y_tr = draw(cfg.n, tr)
  x_te, y_te = draw(cfg.n_test_synthetic, te)
  return Dataset("linreg", x_tr, y_tr, x_te, y_te, 0,
                 meta={"w_star": w.tolist(), "input_cov": cov.tolist(),
                       "noise_std": float(cfg.noise_std)})
