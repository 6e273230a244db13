"""zhu2019 claim checks on synthetic run directories: the E2 spread claim is a median over the
trajectories of every chunk, and the E3 Prop. 2 claim bounds λ_min(F − δ²H)/‖H‖ by min(r² − δ²)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from noisecurv.papers.zhu2019 import claims_toy as ct
from noisecurv.papers.zhu2019 import toy
from noisecurv.results import Run

T = 4000


class _Results:
  """The one method the claims use: run(config) -> Run."""

  def __init__(self, path):
    self.path = path

  def run(self, config):
    return Run(self.path)


def _trajectory(rng, ratio: float) -> np.ndarray:
  """(T, 2) iterates around (1, 1) inside the sharp basin with std 0.05 along (1, 1) and
  0.05/ratio along (1, −1)."""
  q = 0.05 * rng.standard_normal((T, 1)) * toy.Q
  p = 0.05 / ratio * rng.standard_normal((T, 1)) * toy.P
  return 1.0 + q + p


def _escape_dir(tmp_path, first_eig_ratios) -> _Results:
  rng = np.random.default_rng(0)
  n = len(first_eig_ratios)
  tmp_path.mkdir()
  (tmp_path / "config.json").write_text(json.dumps(
      {"experiment": {"n_runs": 10 * n, "chunk_runs": 10}}))
  d = tmp_path / "arrays" / "escape"
  d.mkdir(parents=True)
  for c, r1 in enumerate(first_eig_ratios):
    ratios = {"gld_const": 0.44, "gld_diag": 0.44, "gld_leading": 1.4, "gld_hessian": 1.4,
              "gld_first_eig": r1}
    np.savez(d / f"{c:09d}.npz",
             **{f"trajectory_{k}": _trajectory(rng, v) for k, v in ratios.items()})
  return _Results(tmp_path)


def test_spread_claim_is_the_median_over_chunks(tmp_path):
  # Run 0 alone (the figure's run) would fail here and pass below: the median decides.
  m = ct.escape_spreads(_escape_dir(tmp_path / "a", [5.0, 100.0, 200.0]))
  assert m.passed
  vals = dict(item.split() for item in m.value.split(", "))
  # 4,000 iterates: the std ratio is within ≈ 3% (relative SE √(1/T) per std, two stds).
  assert float(vals["gld_first_eig"]) == pytest.approx(100.0, rel=0.05)
  assert float(vals["gld_const"]) == pytest.approx(0.44, rel=0.05)
  # Two of three runs poorly aligned: the median fails.
  assert not ct.escape_spreads(_escape_dir(tmp_path / "b", [100.0, 5.0, 6.0])).passed


def _one_hidden_dir(tmp_path, min_weight: float, delta: float) -> _Results:
  tmp_path.mkdir()
  (tmp_path / "config.json").write_text(json.dumps({"model": {"delta": delta}}))
  rows = [{"step": ep, "h32/ratio": 30.0, "h32/prop2_min_weight": w}
          for ep, w in ((1, 0.5), (2, min_weight))]
  (tmp_path / "metrics.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
  return _Results(tmp_path)


def test_prop2_claim_uses_the_spec_bound(tmp_path):
  # min (r² − δ²)/δ² = −2.6e-5 at δ = 1e-3 (float32's 1 − δ): bound −2.6e-11 ≥ −1e-6.
  m = ct.one_hidden_prop2(_one_hidden_dir(tmp_path / "a", -2.6e-5, 1e-3))
  assert m.passed and m.value == pytest.approx(-2.6e-11)
  # A real violation: r² − δ² = −1e-4 (|r| well below δ = 0.1) gives −1e-4 < −1e-6.
  m = ct.one_hidden_prop2(_one_hidden_dir(tmp_path / "b", -1e-2, 0.1))
  assert not m.passed and m.value == pytest.approx(-1e-4)
