"""Statistics for the figures and claims (numpy/scipy only; they read results, never train).

Correlations drop non-finite pairs; log–log correlations also drop non-positive values (a
negative generalisation gap cannot sit on a log axis; the callers count what they drop).
"""

from __future__ import annotations

import numpy as np
from scipy import stats as sps


def finite_pairs(x, y, positive: bool = False) -> tuple[np.ndarray, np.ndarray]:
  x, y = np.asarray(x, float), np.asarray(y, float)
  ok = np.isfinite(x) & np.isfinite(y)
  if positive:
    ok &= (x > 0) & (y > 0)
  return x[ok], y[ok]


def pearson(x, y) -> float:
  x, y = finite_pairs(x, y)
  if x.size < 3 or np.std(x) == 0 or np.std(y) == 0:
    return float("nan")
  return float(np.corrcoef(x, y)[0, 1])


def spearman(x, y) -> float:
  x, y = finite_pairs(x, y)
  if x.size < 3:
    return float("nan")
  return float(sps.spearmanr(x, y).statistic)


def log_pearson(x, y) -> float:
  """Pearson correlation of log₁₀x and log₁₀y over the pairs where both are positive."""
  x, y = finite_pairs(x, y, positive=True)
  return pearson(np.log10(x), np.log10(y))


def log_spearman(x, y) -> float:
  x, y = finite_pairs(x, y, positive=True)
  return spearman(x, y)


def mean_abs_log_ratio(est, gap) -> float:
  """mean |log(est/gap)| over pairs with both positive (how far an estimator sits from y = x)."""
  e, g = finite_pairs(est, gap, positive=True)
  return float(np.mean(np.abs(np.log(e / g)))) if e.size else float("nan")


def bootstrap_mean_ci(values, level: float = 0.95, resamples: int = 10_000, seed: int = 0
                      ) -> tuple[float, float, float]:
  """(mean, lo, hi): percentile interval of the mean over resamples with replacement.

  The paper's Fig. 3 intervals come from 3 seeds per point (spec §3.4 [default]).
  """
  v = np.asarray(values, float)
  v = v[np.isfinite(v)]
  if v.size == 0:
    return float("nan"), float("nan"), float("nan")
  rng = np.random.default_rng(seed)
  means = v[rng.integers(0, v.size, size=(resamples, v.size))].mean(1)
  a = (1.0 - level) / 2.0
  return float(v.mean()), float(np.quantile(means, a)), float(np.quantile(means, 1.0 - a))


def random_lowrank_similarity(d: int, k: int, seed: int = 0, draws: int = 4) -> float:
  """Mean cosine s(W₁W₁ᵀ, W₂W₂ᵀ) of Gaussian Wᵢ ∈ ℝ^{d×k} (the Fig. 2 baseline, ≈ k/(d + k)).

  Through k×k Gram matrices: ⟨W₁W₁ᵀ, W₂W₂ᵀ⟩ = ‖W₁ᵀW₂‖²_F and ‖WWᵀ‖_F = ‖WᵀW‖_F.
  """
  k = max(int(k), 1)
  rng = np.random.default_rng([seed, d, k])
  out = []
  for _ in range(draws):
    w1, w2 = rng.standard_normal((d, k)), rng.standard_normal((d, k))
    inner = np.sum((w1.T @ w2) ** 2)
    out.append(inner / (np.linalg.norm(w1.T @ w1) * np.linalg.norm(w2.T @ w2)))
  return float(np.mean(out))


def least_squares_scale(x, y) -> float:
  """The c minimising Σ(c·x − y)² over finite pairs (one scale per figure, spec §2.6)."""
  x, y = finite_pairs(x, y)
  den = float(np.sum(x * x))
  return float(np.sum(x * y) / den) if den > 0 else float("nan")
