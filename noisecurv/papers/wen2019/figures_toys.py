"""Figures of the toys W1–W4 (read results only; PNG + PDF + the plotted data as CSV)."""

from __future__ import annotations

import numpy as np

from noisecurv.papers.wen2019 import common as cm
from noisecurv.reproductions.figures import pyplot, save, write_csv

TITLES = {"sgd": "SGD (batch 10)", "iso": "GD + isotropic (σ = 0.1)",
          "full": "GD + full Fisher noise", "diag": "GD + diagonal Fisher noise"}


def fig1(res, out):
  run = res.run(cm.FIG1)
  a = run.arrays("clouds", 0)
  plt = pyplot()
  fig, axes = plt.subplots(2, 2, figsize=(8, 8), sharex=True, sharey=True)
  rows = []
  for ax, (i, regime) in zip(axes.ravel(), enumerate(("sgd", "iso", "full", "diag"))):
    pts = a["clouds"][i]
    ax.contour(a["grid_w1"], a["grid_w2"], a["grid_loss"], levels=15, linewidths=0.6,
               cmap="Greys")
    ax.scatter(pts[:2000, 0], pts[:2000, 1], s=2, alpha=0.4)
    ax.plot(*a["theta"], "r+", ms=10)
    ax.plot(*a["w_ls"], "k*", ms=8)
    ax.set_title(TITLES[regime])
    ax.set_xlabel("w1")
    ax.set_ylabel("w2")
    rows += [[regime, j, float(p[0]), float(p[1])] for j, p in enumerate(pts[:2000])]
  fig.suptitle("Fig. 1: one-step updates from θ_k (red +); ★ least squares")
  return save(fig, out, "fig1_noise_clouds") + [
      write_csv(out, "fig1_noise_clouds", ["regime", "draw", "w1", "w2"], rows)]


def fig4(res, out):
  run = res.run(cm.FIG4)
  a = run.arrays("quadratic", 0)
  plt = pyplot()
  fig, axes = plt.subplots(1, 3, figsize=(14, 4.2))
  aa = a["a"]
  g = np.linspace(-1.3, 1.3, 121)
  ww = np.stack(np.meshgrid(g, g), -1)
  loss = 0.5 * np.einsum("...i,ij,...j->...", ww, aa, ww)
  rows = []
  for ax, kind, name in ((axes[0], "full", "C = √A (full)"), (axes[1], "diag", "C = √diag A")):
    t = a[f"traj_{kind}"]
    ax.contour(g, g, loss, levels=15, linewidths=0.6, cmap="Greys")
    ax.plot(t[:, 0], t[:, 1], "-", lw=0.5, color="grey")
    ax.scatter(t[:, 0], t[:, 1], c=np.arange(len(t)), cmap="winter", s=10)
    ax.plot(*t[0], "o", color="blue")
    ax.plot(*t[-1], "o", color="green")
    ax.set_title(f"{name}, α = 0.1, every 10 its")
    rows += [[kind, "trajectory", j * 10, float(p[0]), float(p[1])] for j, p in enumerate(t)]
  k = np.arange(a["exact_full"].size)
  for kind, col in (("full", "C1"), ("diag", "C0"), ("none", "k")):
    axes[2].plot(k, a[f"exact_{kind}"], color=col, label=f"exact, {kind}")
    if f"mc_mean_{kind}" in a:
      axes[2].plot(k, a[f"mc_mean_{kind}"], color=col, lw=0.5, alpha=0.6, label=f"MC, {kind}")
    rows += [[kind, "exact_loss", int(i), float(v), ""] for i, v in zip(k, a[f"exact_{kind}"])]
  axes[2].set_yscale("log")
  axes[2].set_xlabel("iteration")
  axes[2].set_ylabel("E[L(θ_k)]")
  axes[2].legend(fontsize=7)
  fig.suptitle("Fig. 4: Eq. 2 on ½θᵀAθ, A = [[5, 4], [4, 5]]")
  return save(fig, out, "fig4_quadratic") + [
      write_csv(out, "fig4_quadratic", ["noise", "series", "k", "x", "y"], rows)]


def thm41(res, out):
  run = res.run(cm.THM41)
  plt = pyplot()
  fig, ax = plt.subplots(figsize=(6.5, 4.2))
  rows = []
  for step in run.array_steps("thm41"):
    a = run.arrays("thm41", step)
    ks = a["k"]
    for kind, ls in (("full", "-"), ("diag", "--")):
      line, = ax.plot(ks, a[f"exact_{kind}"], ls, lw=1, label=f"A{step} {kind}")
      ax.plot(ks, a[f"bound_{kind}"], ls, lw=0.5, color=line.get_color(), alpha=0.5)
      rows += [[step, kind, int(k), float(v), float(b)]
               for k, v, b in zip(ks, a[f"exact_{kind}"], a[f"bound_{kind}"])]
  ax.set_xscale("log")
  ax.set_yscale("log")
  ax.set_xlabel("k")
  ax.set_ylabel("E[L(θ_k)] (thin: ν/(k+γ))")
  ax.legend(fontsize=6, ncol=2)
  ax.set_title("Theorem 4.1: exact expected loss and bound")
  return save(fig, out, "thm41_rate") + [
      write_csv(out, "thm41_rate", ["matrix", "noise", "k", "expected_loss", "bound"], rows)]


def appb(res, out):
  run = res.run(cm.APPB)
  a = run.arrays("hellinger", 0)
  plt = pyplot()
  fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
  st = a["stationary"]
  names = ("C = √A", "C = √diag A", "C = I")
  ax1.boxplot([st[:, i] for i in range(3)])
  ax1.set_xticks([1, 2, 3], names)
  ax1.set_ylabel("H²(π_S, π_S') at t → ∞")
  ax2.plot(a["lams"], np.median(a["scaling"], axis=0), "o-")
  ax2.set_xscale("log")
  ax2.set_xlabel("λ (C = λ√A)")
  ax2.set_ylabel("median H² at t = 1")
  fig.suptitle("App. B: Hellinger distance of the OU laws on datasets differing in one point")
  rows = [["stationary", i, names[j], float(st[i, j])] for i in range(st.shape[0])
          for j in range(3)]
  rows += [["scaling", i, f"lambda={lam:g}", float(v)] for i in range(a["scaling"].shape[0])
           for lam, v in zip(a["lams"], a["scaling"][i])]
  return save(fig, out, "appB_hellinger") + [
      write_csv(out, "appB_hellinger", ["part", "pair", "setting", "h2"], rows)]
