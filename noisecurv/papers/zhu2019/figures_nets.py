"""Figures of the neural-net experiments of zhu2019 (E5–E8, E10, E11, E13): PNG + PDF + CSV.

At smoke scale they read the smoke runs (stand-in data, a small MLP): they check the
pipeline, not the paper.
"""

from __future__ import annotations

import numpy as np

from noisecurv.papers.zhu2019 import readers as rd
from noisecurv.papers.zhu2019.dynamics import LABELS
from noisecurv.reproductions import MissingResult
from noisecurv.reproductions.figures import pyplot, save, write_csv


def _pretrain_curve(res, dataset: str, key: str):
  try:
    s, v = res.run(rd.pretrain_config(dataset)).metric(key).run(0)
    return s, v
  except (MissingResult, KeyError):
    return np.zeros(0), np.zeros(0)


def dynamics_figure(res, out, config: str, dataset: str, name: str, title: str,
                    first: int | None = None):
  """Train accuracy, test accuracy (final value in the legend) and expected sharpness against
  the global iteration, θ*_GD's step dashed; `first`: only the first `first` iterations."""
  d = rd.Diffusion(res.run(config))
  plt = pyplot()
  panels = (("train/accuracy", "train accuracy"), ("test/accuracy", "test accuracy"))
  if first is None:
    panels += (("sharpness/sharpness", "expected sharpness (δ = 1e-3)" if dataset != "fashion_mnist"
                else "expected sharpness (δ = 0.01)"),)
  fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 4))
  rows = []
  for ax, (key, label) in zip(axes, panels):
    if first is None and key != panels[-1][0]:
      s, v = _pretrain_curve(res, dataset, key)
      ax.plot(s, v, color="k", lw=0.8, label="GD (θ*_GD)")
    for i, dyn in enumerate(d.dynamics):
      s, v = d.series(dyn, key)
      if first is not None:
        keep = s <= d.offset + first
        s, v = s[keep], v[keep]
      if not len(s):
        continue
      lab = LABELS[dyn] + (f" ({v[-1]:.3f})" if key == "test/accuracy" else "")
      ax.plot(s, v, color=f"C{i}", lw=0.9, marker="." if first else None, label=lab)
      rows += [(dyn, key, int(a), float(b)) for a, b in zip(s, v)]
    ax.axvline(d.offset, color="grey", ls="--", lw=0.8)
    ax.set_xlabel("iteration")
    ax.set_ylabel(label)
    ax.legend(fontsize=6)
  note = " [stand-in data: pipeline check only]" if d.standin else ""
  fig.suptitle(title + note)
  fig.tight_layout()
  return save(fig, out, name) + [write_csv(out, name, ["dynamic", "quantity", "iteration",
                                                       "value"], rows)]


def fig3(res, out):
  return dynamics_figure(res, out, rd.FIG3, "fashion_mnist", "fig3_fmnist",
                         "FashionMNIST, 1,000 + 200 corrupted: dynamics from θ*_GD (Fig. 3)")


def fig8(res, out):
  config = rd.FIG8 if res.scale == "smoke" else rd.FIG3
  return dynamics_figure(res, out, config, "fashion_mnist", "fig8_first50",
                         "The first 50 iterations from θ*_GD (Fig. 8)", first=50)


def fig6(dataset: str):
  def fn(res, out):
    return dynamics_figure(res, out, rd.fig6_config(dataset, res.scale), dataset,
                           f"fig6_{dataset}", f"{dataset}: dynamics from θ*_GD (Fig. 6)")

  return fn


def fig5(res, out):
  """Fig. 5: top-400 spectrum at θ*_GD; â along SGD; Tr(HΣ) vs Tr(HΣ̄) along SGD."""
  d = rd.Diffusion(res.run(rd.FIG5))
  eig = d.run.arrays("sgd/spectrum", d.offset)["eigvals"][0]
  plt = pyplot()
  fig, (a, b, c) = plt.subplots(1, 3, figsize=(15, 4))
  a.plot(np.arange(1, len(eig) + 1), eig, ".", ms=3)
  a.set_xlabel("index")
  a.set_ylabel("eigenvalue of H at θ*_GD")
  a.set_title("top eigenvalues (Fig. 5 left)")
  s, ahat = d.series("sgd", "noise/a_hat")
  _, aiso = d.series("sgd", "noise/a_hat_iso")
  b.plot(s, ahat, label="â")
  b.plot(s, aiso, ":", label="â of isotropic noise")
  b.set_yscale("log")
  b.set_xlabel("iteration")
  b.legend(fontsize=7)
  s2, trs = d.series("sgd", "noise/tr_h_sigma")
  _, tri = d.series("sgd", "noise/tr_h_sigma_iso")
  c.plot(s2, trs, label="Tr(H_tΣ_t)")
  c.plot(s2, tri, ":", label=r"Tr$(H_t\bar\Sigma_t)$")
  c.set_yscale("log")
  c.set_xlabel("iteration")
  c.legend(fontsize=7)
  fig.suptitle("SGD from θ*_GD on FashionMNIST (Σ: 60 minibatches of 20)" +
               (" [stand-in data]" if d.standin else ""))
  fig.tight_layout()
  rows = [("eig", i + 1, float(v), np.nan) for i, v in enumerate(eig)]
  rows += [("a_hat", int(t), float(x), float(y)) for t, x, y in zip(s, ahat, aiso)]
  rows += [("tr_h_sigma", int(t), float(x), float(y)) for t, x, y in zip(s2, trs, tri)]
  return save(fig, out, "fig5_curvature") + [write_csv(out, "fig5_curvature",
                                                       ["series", "x", "value", "isotropic"], rows)]


def fig7(res, out):
  """Fig. 7: ‖∇L‖ and √Tr Σ̂_sgd along SGD from a random initialisation (and from θ*_GD)."""
  m = res.run(rd.FIG7).metrics()
  plt = pyplot()
  fig, axes = plt.subplots(1, 2, figsize=(10, 4))
  rows = []
  s, g = m["noise/grad_norm"].run(0)
  _, n = m["noise/noise_norm"].run(0)
  axes[0].plot(s, g, label="‖∇L(θ_t)‖")
  axes[0].plot(s, n, label="√Tr Σ_sgd(θ_t)")
  axes[0].set_title("SGD from a random initialisation")
  rows += [("init", int(a), float(b), float(c)) for a, b, c in zip(s, g, n)]
  try:
    d = rd.Diffusion(res.run(rd.FIG5))
    s2, g2 = d.series("sgd", "noise/grad_norm")
    _, n2 = d.series("sgd", "noise/noise_norm")
    axes[1].plot(s2, g2, label="‖∇L(θ_t)‖")
    axes[1].plot(s2, n2, label="√Tr Σ_sgd(θ_t)")
    rows += [("theta_gd", int(a), float(b), float(c)) for a, b, c in zip(s2, g2, n2)]
  except MissingResult:
    pass
  axes[1].set_title("SGD from θ*_GD (the Fig. 5 run)")
  for ax in axes:
    ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.legend(fontsize=7)
  fig.tight_layout()
  return save(fig, out, "fig7_noise_vs_grad") + [write_csv(
      out, "fig7_noise_vs_grad", ["start", "iteration", "grad_norm", "noise_norm"], rows)]


def sweep_finals(res, config: str, key: str, dyn: str) -> list[tuple[float, float]]:
  """(swept value, final test accuracy of `dyn`) for every finished trial."""
  out = []
  for ov, run in res.sweep(config):
    if run is not None:
      out.append((float(ov[key]), rd.Diffusion(run).final(dyn, "test/accuracy")))
  return out


def sweeps(res, out):
  """E13: final test accuracy against GD's lr and GLD const's σ, with SGD's (Fig. 3 run)."""
  lr = sweep_finals(res, rd.SWEEP_LR, "experiment.gd_lr", "gd")
  sig = sweep_finals(res, rd.SWEEP_SIGMA, "experiment.sigma", "gld_const")
  if not lr and not sig:
    raise MissingResult("no finished trial of the E13 sweeps")
  try:
    sgd = rd.Diffusion(res.run(rd.FIG3)).final("sgd", "test/accuracy")
  except MissingResult:
    sgd = float("nan")
  plt = pyplot()
  fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
  for ax, pts, xl in ((a, lr, "GD learning rate"), (b, sig, "GLD const σ")):
    if pts:
      x, y = zip(*sorted(pts))
      ax.plot(x, y, "o-")
    ax.axhline(sgd, color="k", ls="--", lw=1, label="SGD (Fig. 3 run)")
    ax.set_xscale("log")
    ax.set_xlabel(xl)
    ax.set_ylabel("final test accuracy")
    ax.legend(fontsize=7)
  fig.suptitle("App. D.3 tuning sweeps from θ*_GD")
  fig.tight_layout()
  rows = [("gd_lr", x, y) for x, y in lr] + [("gld_const_sigma", x, y) for x, y in sig]
  return save(fig, out, "fig13_sweeps") + [write_csv(out, "fig13_sweeps",
                                                     ["sweep", "value", "test_accuracy"], rows)]


def fig1(res, out):
  """Fig. 1: final test accuracy of the five dynamics on SVHN and CIFAR-10 (the Fig. 6 runs)."""
  summary = rd.json_file(res.run(rd.FIG1), "summary.json")
  plt = pyplot()
  fig, axes = plt.subplots(1, len(summary), figsize=(5 * len(summary), 4), squeeze=False)
  rows = []
  for ax, (ds, info) in zip(axes[0], summary.items()):
    dyns = list(info["final"])
    acc = [info["final"][d].get("test/accuracy", np.nan) for d in dyns]
    ax.bar([LABELS[d] for d in dyns], acc)
    ax.set_ylim(max(0.0, np.nanmin(acc) - 0.05), min(1.0, np.nanmax(acc) + 0.02))
    ax.tick_params(axis="x", rotation=45)
    ax.set_title(ds + (" [stand-in data]" if info.get("standin_data") else ""))
    ax.set_ylabel("final test accuracy")
    rows += [(ds, d, a) for d, a in zip(dyns, acc)]
  fig.tight_layout()
  return save(fig, out, "fig1_generalization") + [write_csv(
      out, "fig1_generalization", ["dataset", "dynamic", "test_accuracy"], rows)]
