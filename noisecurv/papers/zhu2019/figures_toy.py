"""Figures of the small zhu2019 experiments (E0–E3, E12): PNG + PDF and the plotted data as CSV."""

from __future__ import annotations

import numpy as np

from noisecurv.noise import toy2d
from noisecurv.papers.zhu2019 import readers as rd
from noisecurv.reproductions.figures import pyplot, save, write_csv

TOY_LABELS = {"gd": "GD", "gld_const": "GLD const", "gld_diag": "GLD diag",
              "gld_leading": "GLD leading", "gld_hessian": "GLD Hessian",
              "gld_first_eig": "GLD 1st eigvec(H)"}
SAMPLER_ORDER = ("gld_const", "gld_dynamic", "gld_diag", "gld_leading", "gld_hessian",
                 "gld_first_eig", "sgd_covariance", "sgd")


def samplers(res, out):
  """E0: relative Frobenius error of each sampler's covariance and its trace ratio."""
  row = rd.row(res.run(rd.SAMPLERS))
  names = [n for n in SAMPLER_ORDER if f"{n}/rel_fro" in row]
  err = [row[f"{n}/rel_fro"] for n in names]
  tr = [row[f"{n}/trace_ratio"] for n in names]
  plt = pyplot()
  fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.4))
  a.bar(names, err)
  a.axhline(0.05, color="k", ls="--", lw=1, label="5% (spec E0)")
  a.axhline(row["wishart_rel_fro_isotropic"], color="grey", ls=":", lw=1,
            label="√((D+1)/n), isotropic")
  a.set_ylabel("‖Ĉ − C‖_F / ‖C‖_F")
  b.bar(names, tr)
  b.axhspan(0.97, 1.03, color="green", alpha=0.15, label="±3%")
  b.set_ylabel("E‖ε‖² / Tr C")
  for ax in (a, b):
    ax.tick_params(axis="x", rotation=60)
    ax.legend(fontsize=7)
  fig.suptitle("Table 1 samplers on a tiny model (E0)")
  return save(fig, out, "fig0_samplers") + [write_csv(
      out, "fig0_samplers", ["sampler", "rel_fro", "trace_ratio"], list(zip(names, err, tr)))]


def _surface(res):
  arr = res.run(rd.SURFACE).arrays("surface", 0)
  return arr["w"], arr["loss"]


def surface(res, out):
  """Fig. 9: contour of the two-basin loss for one data draw, with the two minima."""
  w, loss = _surface(res)
  plt = pyplot()
  fig = plt.figure(figsize=(10, 4.2))
  ax3 = fig.add_subplot(1, 2, 1, projection="3d")
  w1, w2 = np.meshgrid(w, w, indexing="ij")
  ax3.plot_surface(w1, w2, loss, cmap="viridis", linewidth=0)
  ax3.set_xlabel("w₁")
  ax3.set_ylabel("w₂")
  ax = fig.add_subplot(1, 2, 2)
  cs = ax.contour(w1, w2, loss, levels=8)
  ax.clabel(cs, fontsize=6)
  ax.plot([1, -1], [1, -1], "r*", ms=10)
  ax.set_xlabel("w₁")
  ax.set_ylabel("w₂")
  ax.set_title("sharp (1, 1), flat (−1, −1)")
  rows = [(a, b, float(loss[i, j])) for i, a in enumerate(w) for j, b in enumerate(w)]
  return save(fig, out, "fig9_surface") + [write_csv(out, "fig9_surface", ["w1", "w2", "loss"],
                                                     rows)]


def escape(res, out):
  """Fig. 2: trajectories of run 0, success counts (100 and, when run, 1,000 runs), Tr(H_tΣ_t)."""
  run = res.run(rd.ESCAPE)
  arr = run.arrays("escape", 0)
  counts = rd.row(run)
  dyns = [d for d in toy2d.DYNAMICS if f"trajectory_{d}" in arr]
  n_runs = _n_runs(run)
  try:
    more = res.run(rd.ESCAPE_1000)
    counts_1000, n_more = rd.row(more), _n_runs(more)
  except LookupError:
    counts_1000, n_more = {}, 0
  w, loss = _surface(res)
  plt = pyplot()
  fig, (a, b, c) = plt.subplots(1, 3, figsize=(15, 4.2))
  a.contour(*np.meshgrid(w, w, indexing="ij"), loss, levels=8, colors="grey", linewidths=0.6)
  rows = []
  for d in dyns:
    traj = arr[f"trajectory_{d}"]
    idx = np.linspace(0, len(traj) - 1, 100).astype(int)
    a.plot(traj[idx, 0], traj[idx, 1], ".", ms=3, label=TOY_LABELS[d])
    tr = arr[f"tr_h_sigma_{d}"]
    c.plot(np.arange(len(tr)), tr, lw=0.8, label=TOY_LABELS[d])
    rows += [(d, t, float(traj[t, 0]), float(traj[t, 1]), float(tr[t])) for t in range(len(tr))]
  a.set_xlabel("w₁")
  a.set_ylabel("w₂")
  a.legend(fontsize=7)
  a.set_title("one run")
  x = np.arange(len(dyns))
  rate = [counts[f"{d}/rate"] for d in dyns]
  b.bar(x - 0.2, rate, 0.4, label=f"{n_runs} runs")
  if counts_1000:
    b.bar(x + 0.2, [counts_1000.get(f"{d}/rate", np.nan) for d in dyns], 0.4,
          label=f"{n_more} runs (fig2_toy_escape_1000runs)")
  b.set_xticks(x, [TOY_LABELS[d] for d in dyns], rotation=45, ha="right")
  b.set_ylabel("success rate (w₁, w₂ < −0.5 after 500 its)")
  b.legend(fontsize=7)
  c.set_yscale("symlog", linthresh=1e-3)
  c.set_xlabel("iteration")
  c.set_ylabel("Tr(H_t Σ_t), Σ_t = Cov ξ_t (E‖ξ‖² = 0.01)")
  fig.tight_layout()
  paths = save(fig, out, "fig2_escape")
  paths.append(write_csv(out, "fig2_escape_trajectories",
                         ["dynamic", "iteration", "w1", "w2", "tr_h_sigma"], rows))
  paths.append(write_csv(out, "fig2_escape_success", ["dynamic", "rate", "rate_1000runs"],
                         [(d, counts[f"{d}/rate"], counts_1000.get(f"{d}/rate", np.nan))
                          for d in dyns]))
  return paths


def _n_runs(run) -> int:
  """Runs behind a toy_escape row: the row's step is n_runs."""
  return int(run.metric("gd/rate").steps[-1]) if "gd/rate" in run.metrics() else 0


def one_hidden(res, out):
  """Fig. 4: Tr(HΣ) (solid) and Tr(HΣ̄) (dotted) against epoch, per width."""
  run = res.run(rd.ONE_HIDDEN)
  m = run.metrics()
  widths = sorted({int(k.split("/")[0][1:]) for k in m if k.endswith("/tr_h_sigma")})
  plt = pyplot()
  fig, ax = plt.subplots(figsize=(6, 4))
  rows = []
  for i, h in enumerate(widths):
    s, v = m[f"h{h}/tr_h_sigma"].run(0)
    _, iso = m[f"h{h}/tr_h_sigma_iso"].run(0)
    ax.plot(s, v, "-", color=f"C{i}", label=f"h = {h}: Tr(HΣ)")
    ax.plot(s, iso, ":", color=f"C{i}", label=f"h = {h}: " + r"Tr$(H\bar\Sigma)$")
    rows += [(h, int(a), float(b), float(c)) for a, b, c in zip(s, v, iso)]
  ax.set_yscale("log")
  ax.set_xlabel("epoch")
  ax.legend(fontsize=7, ncol=2)
  ax.set_title("One hidden layer, fixed output layer (Fig. 4)")
  return save(fig, out, "fig4_one_hidden") + [write_csv(
      out, "fig4_one_hidden", ["width", "epoch", "tr_h_sigma", "tr_h_sigma_iso"], rows)]


def theory(res, out):
  """E12: OU Monte Carlo against Eq. (13), Prop. 1's ratio against D, App. B's surface."""
  plt = pyplot()
  fig, (a, b, c) = plt.subplots(1, 3, figsize=(14, 4))
  rows = []
  ou = res.run(rd.OU).metrics()
  t = ou["t"].values[:, 0]
  a.errorbar(t, ou["mc_mean"].values[:, 0], 3 * ou["mc_se"].values[:, 0], fmt="o",
             label="Monte Carlo ± 3 SE")
  tt = np.logspace(np.log10(t.min()) - 0.5, np.log10(t.max()) + 0.2, 50)
  ou_info = rd.json_file(res.run(rd.OU), "ou.json")
  lam, sig = np.asarray(ou_info["eigenvalues"]), np.asarray(ou_info["sigma"])
  from noisecurv.papers.zhu2019.theory import ou_escape_exact, prop1_ratio

  a.plot(tt, [ou_escape_exact(lam, sig, x) for x in tt], label="¼Tr((I − e^{−2Ht})Σ)")
  a.plot(tt, tt * 0.5 * np.sum(lam * np.diag(sig)), ":", label="(t/2)Tr(HΣ)")
  a.set_xscale("log")
  a.set_yscale("log")
  a.set_xlabel("t")
  a.legend(fontsize=7)
  a.set_title("Eq. (13), OU escape")
  rows += [("ou", float(x), float(m), float(e)) for x, m, e in
           zip(t, ou["mc_mean"].values[:, 0], ou["exact"].values[:, 0])]
  prop = rd.json_file(res.run(rd.PROP1), "prop1.json")
  for d, v in prop.items():
    b.loglog(v["dims"], v["ratios"], "o-", label=f"d = {d}")
    b.loglog(v["dims"], np.asarray(v["dims"]) ** (2 * float(d) - 1) *
             v["ratios"][-1] / v["dims"][-1] ** (2 * float(d) - 1), ":", color="grey")
    rows += [(f"prop1_d{d}", float(n), float(r), prop1_ratio(n, float(d)))
             for n, r in zip(v["dims"], v["ratios"])]
  b.set_xlabel("D")
  b.set_ylabel(r"Tr$(H\Sigma)$/Tr$(H\bar\Sigma)$")
  b.legend(fontsize=7)
  b.set_title("Prop. 1 (dotted: D^{2d−1})")
  arr = res.run(rd.APPENDIX_B).arrays("surface", 0)
  g = arr["w"]
  cs = c.contour(*np.meshgrid(g, g, indexing="ij"), arr["loss"], levels=10)
  c.clabel(cs, fontsize=6)
  c.plot([1, 0, 0.5], [0, 1, 0.5], "r*")
  c.set_xlabel("w₁")
  c.set_ylabel("w₂")
  c.set_title("App. B: (φ(relu w₁ − relu w₂) − 1)²")
  fig.tight_layout()
  return save(fig, out, "fig12_theory") + [write_csv(out, "fig12_theory",
                                                     ["series", "x", "measured", "exact"], rows)]
