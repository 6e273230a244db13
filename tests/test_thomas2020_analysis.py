"""thomas2020 statistics, figure summaries on synthetic points, and the experiment setups."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from noisecurv import configlib
from noisecurv.papers.thomas2020 import figstats, setups, stats
from noisecurv.papers.thomas2020.shards import canonical_names


def test_correlations_match_numpy_and_scipy():
  rng = np.random.default_rng(0)
  x = rng.lognormal(size=50)
  y = x * rng.lognormal(sigma=0.3, size=50)
  y[3] = -1.0  # a negative gap: dropped on log axes only
  x[7] = np.nan
  ok = np.isfinite(x)
  np.testing.assert_allclose(stats.pearson(x, y), np.corrcoef(x[ok], y[ok])[0, 1])
  np.testing.assert_allclose(stats.spearman(x, y), sps.spearmanr(x[ok], y[ok]).statistic)
  pos = ok & (y > 0)
  np.testing.assert_allclose(stats.log_pearson(x, y),
                             np.corrcoef(np.log10(x[pos]), np.log10(y[pos]))[0, 1])
  np.testing.assert_allclose(stats.mean_abs_log_ratio([2.0, 0.5], [1.0, 1.0]), np.log(2.0))
  np.testing.assert_allclose(stats.least_squares_scale([1.0, 2.0], [2.0, 4.0]), 2.0)


def test_bootstrap_interval_brackets_the_mean_and_is_deterministic():
  v = [1.0, 2.0, 4.0]
  mean, lo, hi = stats.bootstrap_mean_ci(v)
  assert mean == pytest.approx(7 / 3) and 1.0 <= lo < mean < hi <= 4.0
  assert stats.bootstrap_mean_ci(v) == (mean, lo, hi)
  assert stats.bootstrap_mean_ci([5.0, 5.0, 5.0])[1:] == (5.0, 5.0)


def test_random_lowrank_similarity_near_k_over_d_plus_k():
  # E s(W₁W₁ᵀ, W₂W₂ᵀ) ≈ k/(d + k) for Gaussian W (spec §2.9); with 4 draws of a 400×10 pair
  # the relative spread is ~10%, so 30% is a safe band that still rejects 2× errors.
  for d, k in ((400, 10), (1000, 40)):
    assert stats.random_lowrank_similarity(d, k) == pytest.approx(k / (d + k), rel=0.3)


def _rows(tic_scale=1.0, n=20, seed=0):
  rng = np.random.default_rng(seed)
  rows = []
  for i in range(n):
    gap = float(np.exp(rng.normal(-2, 1)))
    rows.append(dict(dataset="mnist" if i % 2 else "fashion_mnist", arch="mlp", shard=f"s{i}",
                     run=0, step=100, last=True, gap=gap, tic=tic_scale * gap,
                     tic_f=1.2 * tic_scale * gap, tr_H=float(rng.lognormal()),
                     trace_ratio=gap * 3, trace_ratio_over_n=gap / (1 + gap)))
  return rows


def test_fig4_and_fig5_statistics_on_known_points():
  s = figstats.fig4(_rows())
  assert s["log_pearson_tic"] == pytest.approx(1.0)
  assert s["median_tic_over_gap"] == pytest.approx(1.0) and s["frac_within_3x"] == 1.0
  assert abs(s["log_pearson_trh"]) < 0.7
  s5 = figstats.fig5(_rows())
  assert s5["median_tic_f_over_tic"] == pytest.approx(1.2)
  assert s5["spearman_gap_vs_ratio_over_gap"] == pytest.approx(-1.0)
  assert s5["per_dataset"]["mnist"]["median_log_offset"] == pytest.approx(np.log10(3))


def test_fig3_statistics_by_width_and_level():
  rows = []
  for w in (8, 30, 100):
    for seed in range(3):
      rows.append(dict(last=True, label_noise=False, width=w, n_train=2000, gap=0.1 * w,
                       tic=0.1 * w * (1 + 0.01 * seed), aic=(60 * w + 10) / 2000,
                       sens_loss=5.0, **{"train/accuracy": 1.0, "test/accuracy": 0.5}))
  s = figstats.fig3a(rows)
  assert [e["width"] for e in s["table"]] == [8, 30, 100]
  assert s["pearson_tic_gap"] == pytest.approx(1.0, abs=1e-6)
  assert s["max_factor_tic_gap_h25"] == pytest.approx(1.01, abs=1e-6)
  assert s["max_train_err_h25"] == 0.0


def test_every_tier_builds_valid_configs_and_filters():
  for family, (build, tiers) in setups.FAMILIES.items():
    for tier in tiers:
      shards = build(tier)
      for cfg in shards.values():
        configlib.validate(cfg)
        # the engine requires evaluation and probe periods to be multiples of log_every
        periods = [cfg.eval.every] + [p.every for p in cfg.probes.values()]
        assert all(e % cfg.train.log_every == 0 for e in periods), (family, tier)
      assert setups.suite_config(family, tier).experiment.shards == tuple(shards)
  full = setups.grid_shards("full")
  assert len(full) == 3 * 5 * 5  # datasets × archs × sizes; lr × batch are runs: 450 runs
  cfg = full["svhn-cnn_bn-n50000"]
  assert (cfg.runs.lr, cfg.runs.batch_size) == ((1e-2, 5e-3, 1e-3), (64, 512))
  assert cfg.train.steps == 750_000 and cfg.probes.test.every == 75_000
  assert setups.select(full, dataset="mnist", arch="cnn") == (
      "mnist-cnn-n5000", "mnist-cnn-n10000", "mnist-cnn-n20000", "mnist-cnn-n25000",
      "mnist-cnn-n50000")
  assert setups.select(full, n="5000") == tuple(n for n in full if n.endswith("-n5000"))
  with pytest.raises(ValueError, match="no shard"):
    setups.select(full, dataset="imagenet")
  fig3 = setups.fig3_shards("paper")
  levels = [n for n in fig3 if setups.is_level(n)]
  assert levels == [f"c{10 * i}" for i in range(11)]
  assert [fig3[n].data.label_noise for n in levels] == [*setups.FIG3_LEVELS[:-1], 1999 / 2000]
  assert all(fig3[n].model.hidden == (70,) and fig3[n].runs.repeats == 3 for n in levels)
  assert fig3["h25"].model.hidden == (25,) and fig3["h25"].data.n_train == 2000
  # The clean level is the h70 run: one directory for both names; every other level its own.
  canon = canonical_names(fig3)
  assert canon["c0"] == "h70" and canon["c10"] == "c10" and canon["h70"] == "h70"


def test_suite_digest_follows_shard_content_and_arguments():
  a = setups.suite_from_arg("smoke", "grid", "full")
  b = setups.suite_from_arg("smoke,arch=mlp", "grid", "full")
  assert a.experiment.tier == "smoke" and b.experiment.shards == ("digits-mlp-n600",)
  assert a.experiment.digest != b.experiment.digest
  c = setups.suite_from_arg("tier=fmnist", "fig3", "paper", kind="noise")
  assert c.experiment.shards == tuple(f"c{10 * i}" for i in range(11))
  w = setups.suite_from_arg("tier=fmnist,h=25", "fig3", "paper", kind="widths")
  assert w.experiment.shards == ("h25",)
  labels = setups.shard_labels("fig3", "fmnist", "c50")
  assert labels["substitute"] and labels["width"] == 70 and labels["dataset"] == "fashion_mnist"
  assert labels["label_noise"] and not setups.shard_labels("fig3", "fmnist", "h70")["label_noise"]


def test_reduced_paper_reads_the_named_tier_only():
  from noisecurv.papers.thomas2020 import reduced

  p = reduced.reduced_paper("cpu", ("fig3",))
  assert [e.args for e in p.experiments] == [{"paper": "tier=cpu"}] * 3
  assert {f.name for f in p.figures} == {"fig3", "fig6"}
  assert p.claims and all(c.figure in ("fig3", "fig6") for c in p.claims)
  assert "REDUCED" in p.title and "Fashion-MNIST" in p.notes
  assert len(reduced.reduced_paper("cpu").experiments) == 8  # grid and fig3 both have `cpu`
  with pytest.raises(ValueError, match="not defined"):
    reduced.reduced_paper("fmnist", ("grid",))
