"""li2019 claims on the runs outside the Gauss-k ensembles: the literal setting, MNIST
(E3, E13), Theorem 3's adaptive and preconditioned SGD (E14) and Adam (E15)."""

from __future__ import annotations

import numpy as np

from noisecurv.papers.li2019 import readers as rd
from noisecurv.reproductions import Measured, MissingResult


def literal_stuck(res):
  e = rd.ensemble(res, rd.LITERAL, 0.0, None)
  end = float(np.nanmedian(e.dyn["grid_f"][-1]))
  return Measured(
    end, bool(abs(end - np.log(10)) < 0.3), "median f at T−1 (ln 10 = 2.30: dead ReLUs)"
  )


def mnist_aligned(res):
  r = res.run(rd.MNIST3, {"experiment.batch": 64})
  steps = [s for s in r.array_steps("rec") if s >= 100]
  cos = np.stack([r.arrays("rec", s)["cos15"].mean(0) for s in steps])
  v = float(cos[:, :10].min())
  return Measured(v, v >= 0.9, "min over records t ≥ 100 of mean cos γ₁..γ₁₀ (m = 64)")


def mnist_dynamics(res):
  worst_ok, vals = True, []
  for ov, r in res.sweep(rd.MNIST21):
    if r is None:
      return Measured("—", False, f"missing trial {ov}")
    dyn = [r.arrays("dyn", s) for s in r.array_steps("dyn")]
    g = np.nanmedian(np.concatenate([d["g"] for d in dyn]), 1)
    cos = np.nanmedian(np.concatenate([d["cos"] for d in dyn]), 1)
    T = len(g)
    rise = bool(np.max(g[: T // 10]) > g[0])
    late = float(np.nanmedian(cos[-T // 10 :]))
    worst_ok &= rise and -0.05 <= late <= 0.15
    vals.append(late)
  return Measured(
    float(np.max(np.abs(vals))),
    worst_ok,
    "per config: ‖g‖ rises in the first 10%; late median cos in [−0.05, 0.15] (max |cos| shown)",
  )


def supermartingale(res):
  out, ok = [], True
  for ov, r in res.sweep(rd.THM3):
    if r is None or ov["experiment.dynamic"] == "sgd":
      continue
    c = r.arrays("cond", r.array_steps("cond")[-1])["cond"]
    frac = float(np.mean(c[:, 1] <= 3 * c[:, 2]))
    loss = r.arrays("dyn", r.array_steps("dyn")[-1])["loss"]
    drop = float(np.median(loss[-1]) / np.median(loss[0]))
    ok &= frac >= 0.95 and drop <= 1e-2
    out.append(
      f"{ov['experiment.dynamic']} r={ov['experiment.label_noise']}: {frac:.2f}, f_T/f_0 {drop:.2g}"
    )
  if not out:
    raise MissingResult("no finished adaptive or preconditioned run")
  return Measured(len(out), bool(ok and out), "; ".join(out))


def adam_report(res):
  vals = []
  for ov, r in res.sweep(rd.ADAM):
    if r is None:
      continue
    d = r.arrays("dyn", r.array_steps("dyn")[-1])
    vals.append(
      f"η={ov['experiment.lr']}: median step ratio {np.nanmedian(d['step_size']):.3g}, "
      f"median f_T {np.median(d['loss'][-1]):.3g}"
    )
  if not vals:
    raise MissingResult("no finished Adam run")
  return Measured(len(vals), True, "; ".join(vals) + " (report only)")
