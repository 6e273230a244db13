"""The quickstart's claims: the reproduce mechanism on a run that finishes in a minute."""

from __future__ import annotations

import numpy as np

from noisecurv.reproductions import Claim, Experiment, Figure, Measured, Paper
from noisecurv.reproductions.figures import pyplot, save, write_csv

CONFIG = "configs/quickstart.py"


def _curves(res, out):
  run = res.run(CONFIG)
  m = run.metrics()
  plt = pyplot()
  fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.4))
  rows = []
  for k in ("train/loss", "test/loss"):
    s, v = m[k].run(0)
    a.plot(s, v, marker="o", label=k)
  for k in ("train/accuracy", "test/accuracy"):
    s, v = m[k].run(0)
    b.plot(s, v, marker="o", label=k)
  steps = m["test/loss"].steps
  for i, st in enumerate(steps):
    rows.append([int(st)] + [float(m[k].values[i, 0]) for k in
                             ("train/loss", "test/loss", "train/accuracy", "test/accuracy")])
  a.set_yscale("log")
  a.set_xlabel("step")
  b.set_xlabel("step")
  a.legend()
  b.legend()
  fig.suptitle("MLP on sklearn digits")
  return save(fig, out, "curves") + [write_csv(
      out, "curves", ["step", "train_loss", "test_loss", "train_acc", "test_acc"],
      [r for r in rows if np.isfinite(r[1])])]


def _test_accuracy(threshold):
  def check(res):
    acc = float(res.run(CONFIG).metric("test/accuracy").last()[0])
    return Measured(acc, acc >= threshold, f"threshold {threshold}")

  return check


def _loss_drop(res):
  s = res.run(CONFIG).metric("train/loss")
  first, last = s.values[0, 0], s.last()[0]
  ratio = first / last
  return Measured(ratio, ratio > 10, f"train loss {first:.3g} -> {last:.3g}")


def _below_stability_edge(res):
  run = res.run(CONFIG)
  lam = float(run.metric("hess/lambda_max").last()[0])
  opt = run.config["optimizer"]
  edge = 2 * (1 + opt["momentum"]) / opt["lr"]  # heavy-ball stability on a quadratic
  return Measured(lam, 0 < lam < edge, f"λ_max(H) on 512 train digits; edge 2(1+μ)/η = {edge:g}")


PAPER = Paper(
    key="quickstart",
    title="Quickstart: MLP on scikit-learn digits",
    experiments=(Experiment(CONFIG, {"smoke": "smoke", "paper": None}),),
    figures=(Figure("curves", _curves, "Loss and accuracy on the train and test digits."),),
    claims=(
        Claim("test accuracy >= 0.95", ">= 0.95 (ours)", _test_accuracy(0.95), scales=("paper",),
              why_not="200 smoke steps are checked against 0.9 instead", figure="curves"),
        Claim("smoke test accuracy >= 0.90", ">= 0.90 (ours)", _test_accuracy(0.90),
              scales=("smoke",), figure="curves"),
        Claim("train loss falls > 10x", "> 10x (ours)", _loss_drop, figure="curves"),
        Claim("top Hessian eigenvalue below 2(1+μ)/η", "< 76 (theory)", _below_stability_edge),
    ),
)
