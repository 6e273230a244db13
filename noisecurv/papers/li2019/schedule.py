"""The scalar, record and spectrum grids of li2019's ensembles (spec §4.1)."""

from __future__ import annotations

import numpy as np

SHORT = (0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)


def scalar_grid(steps: int) -> np.ndarray:
  """Every step below 100, every 10 below 1,000, every 100 after, plus T − 1."""
  g = np.concatenate([np.arange(0, min(steps, 100)), np.arange(100, min(steps, 1000), 10),
                      np.arange(1000, steps, 100), [steps - 1]])
  return np.unique(g[(g >= 0) & (g < steps)]).astype(int)


def record_grid(steps: int, kind: str, custom: tuple[int, ...] = ()) -> np.ndarray:
  """'default' (≈ 40-45 records), 'short' (≤ 14), 'final' (none: only the bound at θ_T)."""
  if custom:
    g = np.asarray(custom, int)
  elif kind == "final":
    return np.zeros(0, int)
  elif kind == "short":
    g = np.asarray(SHORT + (steps - 1,), int)
  elif kind == "default":
    g = np.concatenate([np.arange(6), np.round(np.geomspace(1, steps - 1, 24)),
                        np.round(np.linspace(0, steps - 1, 21))]).astype(int)
  else:
    raise ValueError(f"records {kind!r} not in ('default', 'short', 'final')")
  return np.unique(g[(g >= 0) & (g < steps)])


def spectrum_steps(steps: int, t_mid: int, records: np.ndarray) -> np.ndarray:
  """t = 0, t_mid and T − 1 (Fig. 1), kept where they are record steps."""
  want = np.asarray([0, min(t_mid, steps - 1), steps - 1])
  return np.unique(want[np.isin(want, records)])
