"""The spec's summary statistics (pure numpy/scipy), shared by figures and claims.

- curve distance D(A, B): mean over epochs of |A(e) − B(e)| of seed-averaged curves, after
  interpolating both onto a common epoch grid (evaluations of runs with different S or
  schedules fall on different epochs);
- rank and linear correlations with p-values;
- spreads within equal-ratio diagonals of an η × S grid;
- outward basin widths of a 1-D interpolation curve (Fig. 4);
- β*, the breakdown point of β-rescaling (Fig. 5).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats as sps


def on_grid(epochs: np.ndarray, values: np.ndarray, grid: np.ndarray) -> np.ndarray:
  """values (T,) or (T, R) logged at `epochs` (T,), linearly interpolated onto `grid`."""
  epochs = np.asarray(epochs, float)
  values = np.asarray(values, float)
  order = np.argsort(epochs)
  epochs, values = epochs[order], values[order]
  if values.ndim == 1:
    return np.interp(grid, epochs, values)
  return np.stack([np.interp(grid, epochs, values[:, r]) for r in range(values.shape[1])], 1)


def common_grid(*epoch_arrays: np.ndarray, step: float = 1.0) -> np.ndarray:
  """Integer-spaced epochs covered by every run: from the largest first to the smallest last."""
  lo = max(float(np.min(e)) for e in epoch_arrays)
  hi = min(float(np.max(e)) for e in epoch_arrays)
  start = np.ceil(lo / step) * step
  grid = np.arange(start, hi + 1e-9, step)
  return grid if grid.size else np.array([hi])


def curve_distance(a: np.ndarray, b: np.ndarray) -> float:
  """Mean |a − b| over the grid; a, b: (E,) seed-averaged curves on the same grid."""
  return float(np.mean(np.abs(np.asarray(a, float) - np.asarray(b, float))))


def relative_distance(a: np.ndarray, b: np.ndarray) -> float:
  """Mean |a − b| / mean(|a| + |b|)/2: a scale-free distance for losses."""
  a, b = np.asarray(a, float), np.asarray(b, float)
  return float(np.mean(np.abs(a - b)) / np.mean(0.5 * (np.abs(a) + np.abs(b))))


def spearman(x, y) -> tuple[float, float]:
  """(ρ, p) over the finite pairs."""
  x, y = _finite(x, y)
  if x.size < 3:
    return float("nan"), float("nan")
  r = sps.spearmanr(x, y)
  return float(r.statistic), float(r.pvalue)


def pearson(x, y) -> tuple[float, float]:
  x, y = _finite(x, y)
  if x.size < 3:
    return float("nan"), float("nan")
  r = sps.pearsonr(x, y)
  return float(r.statistic), float(r.pvalue)


def _finite(x, y):
  x, y = np.asarray(x, float), np.asarray(y, float)
  ok = np.isfinite(x) & np.isfinite(y)
  return x[ok], y[ok]


def ratio_key(ratio: float) -> float:
  """Equal-ratio diagonals: η/S rounded to 6 significant digits (exact factor-2 grids)."""
  return float(f"{ratio:.6g}")


def diagonal_spreads(ratios: Sequence[float], values: Sequence[float]) -> dict[float, float]:
  """max − min of `values` within each group of equal η/S with ≥ 2 finite members."""
  groups: dict[float, list[float]] = {}
  for r, v in zip(ratios, values):
    if np.isfinite(v):
      groups.setdefault(ratio_key(r), []).append(float(v))
  return {k: max(v) - min(v) for k, v in groups.items() if len(v) >= 2}


def outward_width(alphas: np.ndarray, loss: np.ndarray, side: str, delta: float) -> float:
  """Fig. 4 width: on side 'A' the smallest |α| (α < 0) with L(α) ≥ L(0) + Δ, on side 'B'
  the smallest α − 1 (α > 1) with L(α) ≥ L(1) + Δ; linear interpolation between grid points;
  +inf when the loss never rises by Δ within the grid."""
  alphas, loss = np.asarray(alphas, float), np.asarray(loss, float)
  anchor = 0.0 if side == "A" else 1.0
  base = float(np.interp(anchor, alphas, loss))
  if side == "A":
    mask = alphas < 0
    xs, ys = -alphas[mask], loss[mask]  # distance outward from α = 0
  elif side == "B":
    mask = alphas > 1
    xs, ys = alphas[mask] - 1.0, loss[mask]
  else:
    raise ValueError(f"side {side!r} not in ('A', 'B')")
  order = np.argsort(xs)
  xs, ys = np.concatenate([[0.0], xs[order]]), np.concatenate([[base], ys[order]])
  target = base + delta
  for k in range(1, xs.size):
    if ys[k] >= target:
      y0, y1 = ys[k - 1], ys[k]
      frac = (target - y0) / (y1 - y0) if y1 > y0 else 1.0
      return float(xs[k - 1] + frac * (xs[k] - xs[k - 1]))
  return float("inf")


def beta_star(betas: Sequence[float], drops: Sequence[float], diverged: Sequence[bool],
              threshold: float) -> float:
  """The smallest β with a mean drop > threshold (vs β = 1) or a diverged seed; inf if none."""
  for b, d, dv in sorted(zip(betas, drops, diverged)):
    if dv or (np.isfinite(d) and d > threshold):
      return float(b)
  return float("inf")


def mean_std(x: np.ndarray, axis: int = -1) -> tuple[np.ndarray, np.ndarray]:
  """Mean and standard deviation (ddof = 1 when more than one) over finite entries."""
  x = np.asarray(x, float)
  n = np.sum(np.isfinite(x), axis=axis)
  mean = np.nanmean(x, axis=axis)
  std = np.nanstd(x, axis=axis, ddof=1) if np.all(n > 1) else np.zeros_like(mean)
  return mean, std
