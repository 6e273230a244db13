"""Checks of the pass criteria of E4–E8, E10, E11, E13 (spec §3), and smoke pipeline checks.

Escape group E = {SGD, GLD leading, GLD Hessian, GLD 1st eigvec(H)}, trapped group T = {GD,
GLD const, GLD dynamic, GLD diag}. With several seeds, criteria 2–3 of E5 must hold for at
least ⌈2S/3⌉ of the S seeds (spec E5: 2 of 3).
"""

from __future__ import annotations

import math

import numpy as np

from noisecurv.papers.zhu2019 import readers as rd
from noisecurv.papers.zhu2019.dynamics import ESCAPING, TRAPPED
from noisecurv.reproductions import Measured
from noisecurv.results import Run


def _fig3(res) -> rd.Diffusion:
  return rd.Diffusion(res.run(rd.FIG3))


def _needed(seeds: int) -> int:
  return max(1, math.ceil(2 * seeds / 3))


# -- E4 -------------------------------------------------------------------------------------------


def pretrain_memorises(res) -> Measured:
  run = res.run(rd.FMNIST_PRETRAIN)
  info = rd.json_file(run, "pretrain.json")
  acc = float(info["train_accuracy"])
  note = (f"extended to {info['steps']} GD steps" if info["extended"]
          else f"{info['steps']} GD steps")
  return Measured(acc, acc >= 0.995, note + "; train accuracy of θ*_GD (200 random labels incl.)")


# -- E5 / E6 --------------------------------------------------------------------------------------


def test_gap(res) -> Measured:
  d = _fig3(res)
  gaps = []
  for r in range(d.seeds):
    e = min(d.final(x, "test/accuracy", r) for x in ESCAPING)
    t = max(d.final(x, "test/accuracy", r) for x in TRAPPED)
    gaps.append(e - t)
  ok = sum(g >= 0.01 for g in gaps) >= _needed(d.seeds)
  finals = ", ".join(f"{x} {d.final(x, 'test/accuracy'):.4f}" for x in d.dynamics)
  return Measured(gaps[0], ok, f"min_E − max_T final test accuracy per seed {np.round(gaps, 4)}; "
                  f"seed 0: {finals}")


def sharpness_order(res) -> Measured:
  d = _fig3(res)
  ratios = []
  for r in range(d.seeds):
    e = max(d.final(x, "sharpness/sharpness", r) for x in ESCAPING)
    t = min(d.final(x, "sharpness/sharpness", r) for x in TRAPPED)
    ratios.append(e / t if t > 0 else float("inf"))
  ok = sum(x < 1.0 for x in ratios) >= _needed(d.seeds)
  finals = ", ".join(f"{x} {d.final(x, 'sharpness/sharpness'):.3g}" for x in d.dynamics)
  return Measured(ratios[0], ok, f"max_E / min_T final sharpness per seed {np.round(ratios, 3)} "
                  f"(target ≤ 0.5); seed 0: {finals}")


def trapped_stay(res) -> Measured:
  d = _fig3(res)
  lows = {x: min(float(np.min(d.series(x, "train/accuracy", r)[1])) for r in range(d.seeds))
          for x in TRAPPED}
  worst = min(lows.values())
  return Measured(worst, worst >= 0.99, "min train accuracy over the run: " +
                  ", ".join(f"{x} {v:.4f}" for x, v in lows.items()))


def _first_drop(d: rd.Diffusion, dyn: str, within: int, r: int = 0) -> float:
  s, v = d.series(dyn, "train/accuracy", r)
  keep = (s > d.offset) & (s <= d.offset + within)
  return float(np.min(v[keep])) if keep.any() else float("nan")


def escapers_drop(within: int, config_at_smoke: str | None = None):
  """Every member of E drops to ≤ θ*_GD's train accuracy − 2 pp within `within` iterations."""

  def check(res) -> Measured:
    cfg = config_at_smoke if (config_at_smoke and res.scale == "smoke") else rd.FIG3
    d = rd.Diffusion(res.run(cfg))
    start = d.start()
    lows = {x: _first_drop(d, x, within) for x in ESCAPING}
    ok = all(v <= start - 0.02 for v in lows.values())
    return Measured(max(lows.values()) - start, ok, f"θ*_GD train accuracy {start:.4f}; lowest "
                    f"in the first {within}: " + ", ".join(f"{x} {v:.4f}" for x, v in lows.items()))

  return check


def trapped_first50(res) -> Measured:
  d = rd.Diffusion(res.run(rd.FIG3))
  start = d.start()
  lows = {x: _first_drop(d, x, 50) for x in TRAPPED}
  worst = min(lows.values())
  return Measured(worst - start, worst >= start - 0.005, f"θ*_GD {start:.4f}; lowest in the "
                  "first 50: " + ", ".join(f"{x} {v:.4f}" for x, v in lows.items()))


# -- E7 -------------------------------------------------------------------------------------------


def _fig5(res) -> rd.Diffusion:
  return rd.Diffusion(res.run(rd.FIG5))


def _eig(res) -> np.ndarray:
  d = _fig5(res)
  return d.run.arrays("sgd/spectrum", d.offset)["eigvals"][0]


def spectrum_decay(lo: float, hi: float):
  def check(res) -> Measured:
    eig = _eig(res)
    r = float(eig[139] / eig[0])
    return Measured(r, eig[0] > 0 and lo <= r <= hi, f"λ₁₄₀/λ₁ with λ₁ = {eig[0]:.4g} "
                    f"(band [{lo:g}, {hi:g}])")

  return check


def a_hat_alignment(res) -> Measured:
  d = _fig5(res)
  _, a = d.series("sgd", "noise/a_hat")
  _, iso = d.series("sgd", "noise/a_hat_iso")
  frac = float(np.mean(a >= 10 * iso))
  med = float(np.median(a))
  return Measured(med, med >= 0.1 and frac >= 0.9, f"median â; â ≥ 10·â_iso at {frac:.0%} of "
                  f"{len(a)} measurements (median â_iso {np.median(iso):.2e})")


def tr_h_sigma_ratio(res) -> Measured:
  d = _fig5(res)
  _, t = d.series("sgd", "noise/tr_h_sigma")
  _, iso = d.series("sgd", "noise/tr_h_sigma_iso")
  r = t / iso
  return Measured(float(np.min(r)), bool(np.min(r) >= 10), f"min of Tr(HΣ)/Tr(HΣ̄) over {len(r)} "
                  f"measurements (median {np.median(r):.3g})")


def tr_h_sigma_drop(res) -> Measured:
  d = _fig5(res)
  s, t = d.series("sgd", "noise/tr_h_sigma")
  early = t[s <= d.offset + 100]
  drop = float(t[-1] / np.max(early))
  return Measured(drop, drop <= 1e-3, f"Tr(HΣ) at iteration {int(s[-1] - d.offset)} / max over "
                  "the first 100 (paper: 10⁷ smaller late in a long run)")


# -- E8 -------------------------------------------------------------------------------------------


def noise_dominates(res) -> Measured:
  m = res.run(rd.FIG7).metrics()
  s, g = m["noise/grad_norm"].run(0)
  _, n = m["noise/noise_norm"].run(0)
  late = s > s[-1] / 2
  frac = float(np.mean(n[late] > g[late]))
  med = float(np.median(n[late] / g[late]))
  return Measured(med, frac >= 0.9 and med >= 2, f"median √TrΣ/‖∇L‖ in the second half; "
                  f"√TrΣ > ‖∇L‖ at {frac:.0%} of {int(late.sum())} measurements")


# -- E13 ------------------------------------------------------------------------------------------


def sweep_below_sgd(config: str, key: str, dyn: str):
  def check(res) -> Measured:
    from noisecurv.papers.zhu2019.figures_nets import sweep_finals

    pts = sweep_finals(res, config, key, dyn)
    missing = len(res.sweep(config)) - len(pts)
    sgd = _fig3(res).final("sgd", "test/accuracy")
    best = max(pts, key=lambda p: p[1]) if pts else (float("nan"), float("nan"))
    ok = bool(pts) and missing == 0 and best[1] < sgd
    return Measured(best[1] - sgd, ok, f"best {key.split('.')[-1]} = {best[0]:g}: {best[1]:.4f} vs "
                    f"SGD {sgd:.4f}; {len(pts)} trials finished, {missing} missing")

  return check


# -- E10 / E11 ------------------------------------------------------------------------------------


def vgg_sgd_wins(dataset: str):
  """SGD final test ≥ max(others) + 1 pp, its sharpness (δ = 1e-3) below theirs, the other
  four within 1.5 pp of each other."""

  def check(res) -> Measured:
    d = rd.Diffusion(res.run(rd.fig6_config(dataset, res.scale)))
    others = [x for x in d.dynamics if x != "sgd"]
    acc = {x: d.final(x, "test/accuracy") for x in d.dynamics}
    sharp = {x: d.final(x, "sharpness/sharpness") for x in d.dynamics}
    margin = acc["sgd"] - max(acc[x] for x in others)
    spread = max(acc[x] for x in others) - min(acc[x] for x in others)
    ok = margin >= 0.01 and sharp["sgd"] < min(sharp[x] for x in others) and spread <= 0.015
    return Measured(margin, ok, f"SGD − max(others) test accuracy; others' spread {spread:.4f}; "
                    "sharpness " + ", ".join(f"{x} {v:.3g}" for x, v in sharp.items()))

  return check


def summary_margins(res) -> Measured:
  r = rd.row(res.run(rd.FIG1))
  margins = {k.split("/")[0]: v for k, v in r.items() if k.endswith("/sgd_margin")}
  ok = len(margins) == 2 and all(v >= 0.01 for v in margins.values())
  return Measured(min(margins.values()) if margins else float("nan"), ok,
                  ", ".join(f"{k}: SGD − max(others) {v:+.4f}" for k, v in margins.items()))


# -- smoke pipeline checks ------------------------------------------------------------------------


def _finite(run: Run, keys: list[str]) -> list[str]:
  m = run.metrics()
  return [k for k in keys if k not in m or not np.isfinite(m[k].last()[0])]


def pipeline_diffusion(config_of):
  """Every dynamic of the run logged finite train/test accuracy (and its probes)."""

  def check(res) -> Measured:
    cfg = config_of(res) if callable(config_of) else config_of
    d = rd.Diffusion(res.run(cfg))
    probes = sorted({k.split("/")[1] for k in d.run.metrics() if k.count("/") >= 2
                     and k.split("/")[1] not in ("train", "test", "train_noisy", "train_clean")})
    keys = [f"{x}/{k}" for x in d.dynamics for k in ("train/accuracy", "test/accuracy")]
    missing = _finite(d.run, keys)
    return Measured(len(d.dynamics) * d.seeds, not missing,
                    f"dynamics × seeds finished; probes {probes}; stand-in data {d.standin}"
                    + (f"; missing {missing}" if missing else ""))

  return check


def pipeline_fig7(res) -> Measured:
  run = res.run(rd.FIG7)
  missing = _finite(run, ["noise/grad_norm", "noise/noise_norm", "test/accuracy"])
  return Measured(len(run.metric("noise/grad_norm").steps), not missing,
                  "measurements of ‖∇L‖ and √Tr Σ̂" + (f"; missing {missing}" if missing else ""))


def pipeline_sweeps(res) -> Measured:
  counts = [(len(res.sweep(c)), sum(r is not None for _, r in res.sweep(c)))
            for c in (rd.SWEEP_LR, rd.SWEEP_SIGMA)]
  ok = all(n == f for n, f in counts)
  return Measured(f"{counts[0][1]}/{counts[0][0]}, {counts[1][1]}/{counts[1][0]}", ok,
                  "finished trials of the GD lr and GLD const σ sweeps")


def pipeline_summary(res) -> Measured:
  r = rd.row(res.run(rd.FIG1))
  margins = [k for k in r if k.endswith("/sgd_margin")]
  return Measured(len(margins), len(margins) == 2, "datasets summarised: " + ", ".join(margins))
