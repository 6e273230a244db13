"""li2019 figures: each reads finished runs only and writes PNG/PDF plus the plotted data as CSV."""

from __future__ import annotations

import numpy as np

from noisecurv.papers.li2019 import readers as rd
from noisecurv.reproductions.figures import pyplot, save, write_csv


def _ens(res, config, noise, batch):
  return rd.ensemble(res, config, noise, batch)


def spectra(config, noise, batch, name):
  """Figs. 1, 12, 13: averaged sorted spectra of H, C and H_p at the spectrum records."""

  def fig(res, out):
    e = _ens(res, config, noise, batch)
    plt = pyplot()
    f, ax = plt.subplots(1, 3, figsize=(13, 3.6))
    rows = []
    for s, a in e.spec.items():
      i = e.rec_steps.index(s)
      lc = np.mean(e.rec["lam_c"][i], 0)
      for j, (lbl, v) in enumerate(
        (("H", np.mean(a["spec_h"], 0)), ("C", lc), ("H_p", np.mean(a["spec_hp"], 0)))
      ):
        ax[j].plot(v, label=f"t={s}")
        ax[j].set_title(f"{lbl} spectrum (mean over runs)")
        rows += [[s, lbl, r, float(x)] for r, x in enumerate(v)]
    for a in ax:
      a.set_yscale("symlog", linthresh=1e-3)
      a.set_xlabel("index (descending)")
      a.legend()
    f.suptitle(f"{name}: r={noise}, m={batch}")
    return save(f, out, name) + [write_csv(out, name, ["t", "matrix", "index", "eig"], rows)]

  return fig


def angles(config, noise, batch, name, top=15):
  """Figs. 2, 14, 15: cos of the principal angles, top eigenvalues of H and C (mean, 2.5-97.5%)."""

  def fig(res, out):
    e = _ens(res, config, noise, batch)
    t = np.asarray(e.rec_steps)
    plt = pyplot()
    f, ax = plt.subplots(1, 3, figsize=(13, 3.6))
    rows = []
    for j, key in enumerate(("cos15", "lam_h", "lam_c")):
      v = e.rec[key][:, :, :top]
      m, lo, hi = v.mean(1), np.quantile(v, 0.025, 1), np.quantile(v, 0.975, 1)
      for i in range(min(top, v.shape[2])):
        ax[j].plot(np.maximum(t, 0.5), m[:, i], lw=1)
        ax[j].fill_between(np.maximum(t, 0.5), lo[:, i], hi[:, i], alpha=0.1)
        rows += [
          [key, i + 1, int(tt), float(a), float(b), float(c)]
          for tt, a, b, c in zip(t, m[:, i], lo[:, i], hi[:, i])
        ]
      ax[j].set_xscale("log")
      ax[j].set_title(
        {"cos15": "cos principal angles H vs C", "lam_h": "top eig H", "lam_c": "top eig C"}[key]
      )
      ax[j].set_xlabel("t")
    ax[1].set_yscale("log")
    ax[2].set_yscale("log")
    f.suptitle(f"{name}: r={noise}, m={batch}")
    return save(f, out, name) + [
      write_csv(out, name, ["quantity", "i", "t", "mean", "q2.5", "q97.5"], rows)
    ]

  return fig


def layers(config, noise, batch, name):
  """Figs. 6, 7: spectra of the layer blocks G_h and H_h; loadings of the top-10 eigenvectors."""

  def fig(res, out):
    e = _ens(res, config, noise, batch)
    plt = pyplot()
    f, ax = plt.subplots(1, 2, figsize=(10, 3.6))
    rows = []
    last = max(e.spec) if e.spec else None
    if last is not None:
      for k in sorted(e.spec[last]):
        if k.startswith("spec_g") or k.startswith("spec_h"):
          v = np.mean(e.spec[last][k], 0)
          ax[0].plot(v, label=k[5:])
          rows += [["spectrum", k[5:], i, float(x)] for i, x in enumerate(v)]
      ax[0].set_yscale("symlog", linthresh=1e-3)
      ax[0].legend()
      ax[0].set_title(f"layer spectra at t={last}")
    load = e.rec["load"].mean(axis=(1, 2))  # (records, layers)
    t = np.maximum(np.asarray(e.rec_steps), 0.5)
    for h in range(load.shape[1]):
      ax[1].plot(t, load[:, h], label=f"layer {h}")
      rows += [["loading", h, int(tt), float(x)] for tt, x in zip(e.rec_steps, load[:, h])]
    ax[1].set_xscale("log")
    ax[1].set_yscale("log")
    ax[1].legend()
    ax[1].set_title("mean squared loading per layer, top-10 eigvecs of H")
    return save(f, out, name) + [write_csv(out, name, ["kind", "which", "i_or_t", "value"], rows)]

  return fig


def dynamics(config, noise, batch, name):
  """Figs. 8, 18-20: f, cos(g_t, g_{t-1}) and ‖g_t‖ of the runs at the loss quantiles."""

  def fig(res, out):
    e = _ens(res, config, noise, batch)
    d = e.dyn
    plt = pyplot()
    f, ax = plt.subplots(1, 3, figsize=(13, 3.6))
    qs = (10, 25, 50, 75, 90)
    for j, key in enumerate(("q_f", "q_cos", "q_g")):
      for i, q in enumerate(qs):
        ax[j].plot(d["steps"], d[key][:, i], lw=0.7, label=f"{q}%")
      ax[j].set_xscale("symlog", linthresh=10)
      ax[j].set_title({"q_f": "loss", "q_cos": "cos(g_t, g_t-1)", "q_g": "‖g_t‖"}[key])
    ax[0].set_yscale("log")
    ax[0].legend()
    rows = [
      [int(t)] + [float(d[k][i, j]) for k in ("q_f", "q_cos", "q_g") for j in range(5)]
      for i, t in enumerate(d["steps"])
    ]
    hdr = ["t"] + [f"{k}_{q}" for k in ("f", "cos", "g") for q in qs]
    return save(f, out, name) + [write_csv(out, name, hdr, rows)]

  return fig


def conditional(config, noise, batch, name):
  """Figs. 9, 10, 23, 24: Δ_t(f) | θ_t for the 10/50/90% runs: mean ± IQR and variance."""

  def fig(res, out):
    e = _ens(res, config, noise, batch)
    d = e.dyn
    t = np.maximum(d["cond_steps"], 0.5)
    plt = pyplot()
    f, ax = plt.subplots(1, 2, figsize=(10, 3.6))
    rows = []
    for i, q in enumerate((10, 50, 90)):
      c = d["cond"][:, i]
      lo, med, hi = np.quantile(c, [0.25, 0.5, 0.75], axis=1)
      ax[0].plot(t, med, label=f"{q}%")
      ax[0].fill_between(t, lo, hi, alpha=0.2)
      ax[1].plot(t, c.var(1), label=f"{q}%")
      rows += [
        [q, int(tt), float(a), float(b), float(cc), float(v)]
        for tt, a, b, cc, v in zip(d["cond_steps"], c.mean(1), lo, hi, c.var(1))
      ]
    ax[0].axhline(0, color="r")
    ax[0].set_xscale("log")
    ax[0].set_yscale("symlog", linthresh=1e-4)
    ax[1].set_xscale("log")
    ax[1].set_yscale("log")
    ax[0].set_title("Δ_t(f) | θ_t: median and IQR")
    ax[1].set_title("Var(Δ_t | θ_t)")
    ax[0].legend()
    return save(f, out, name) + [
      write_csv(out, name, ["quantile", "t", "mean", "q25", "q75", "var"], rows)
    ]

  return fig


def davis_kahan(config, noise, batch, name):
  """Figs. 16, 17: |v_rᵀṽ_r|, ‖sin Θ_s‖_F and the two Davis-Kahan bounds (medians over runs)."""

  def fig(res, out):
    e = _ens(res, config, noise, batch)
    t = np.maximum(np.asarray(e.rec_steps), 0.5)
    plt = pyplot()
    f, ax = plt.subplots(1, 2, figsize=(10, 3.6))
    rows = []
    for r in range(3):
      for key, a in (("dk_vv", 0), ("dk_sub_sin", 0), ("dk_bound", 1), ("dk_sub_bound", 1)):
        v = np.median(e.rec[key][:, :, r], 1)
        ax[a].plot(t, v, label=f"{key} {r + 1}")
        rows += [[key, r + 1, int(tt), float(x)] for tt, x in zip(e.rec_steps, v)]
    ax[1].axhline(1, color="k", lw=0.5)
    for a in ax:
      a.set_xscale("log")
      a.legend(fontsize=6)
    ax[1].set_yscale("log")
    return save(f, out, name) + [write_csv(out, name, ["quantity", "r", "t", "median"], rows)]

  return fig


def bound_terms(name, batch):
  """Figs. 11, 25: diag H (sorted, mean), EC, PWF and the generalisation error per label noise."""

  def fig(res, out):
    levels = []
    for noise, cfg in ((0.0, rd.G10), (0.05, rd.BOUND), (0.10, rd.BOUND), (0.15, rd.G10)):
      try:
        levels.append((noise, rd.ensemble(res, cfg, noise, batch).bound))
      except Exception:  # a level whose run is missing is left out of the figure
        continue
    plt = pyplot()
    f, ax = plt.subplots(1, 4, figsize=(16, 3.6))
    rows = []
    for noise, b in levels:
      dh = np.mean(-np.sort(-b["diag_h"], 1), 0)
      ax[0].plot(dh, label=f"r={noise}")
      for j, key in enumerate(("ec_s0.5", "pwf_s0.5", "gen_err")):
        ax[j + 1].hist(b[key], bins=30, alpha=0.5, label=f"r={noise}")
      rows += [
        [
          noise,
          i,
          float(b["ec_s0.5"][i]),
          float(b["pwf_s0.5"][i]),
          float(b["gen_err"][i]),
          float(b["dtilde_s0.5"][i]),
          float(b["bound_s0.5"][i]),
        ]
        for i in range(len(b["gen_err"]))
      ]
    ax[0].axhline(1 / 0.25, color="r")
    ax[0].set_yscale("log")
    for a, tt in zip(
      ax, ("diag H (sorted, mean)", "effective curvature", "PWF = ‖θ‖²/σ²", "generalisation error")
    ):
      a.set_title(tt)
      a.legend(fontsize=7)
    return save(f, out, name) + [
      write_csv(out, name, ["r", "run", "ec", "pwf", "gen_err", "dtilde", "bound"], rows)
    ]

  return fig


def mnist(config, overrides, name):
  """Figs. 3, 21 (and 4, 22 when CIFAR-10 is present): angles / dynamics of the MLP runs."""

  def fig(res, out):
    run = res.run(config, overrides)
    plt = pyplot()
    f, ax = plt.subplots(1, 3, figsize=(13, 3.6))
    rows = []
    steps = run.array_steps("rec")
    if steps:
      cos = np.stack([run.arrays("rec", s)["cos15"].mean(0) for s in steps])
      for i in range(cos.shape[1]):
        ax[0].plot(np.maximum(steps, 0.5), cos[:, i], lw=1)
      rows += [
        ["cos", i + 1, s, float(cos[j, i])]
        for j, s in enumerate(steps)
        for i in range(cos.shape[1])
      ]
      ax[0].set_xscale("log")
      ax[0].set_title("cos principal angles (mean over repeats)")
    dyn = [run.arrays("dyn", s) for s in run.array_steps("dyn")]
    t = np.concatenate([d["steps"] for d in dyn])
    for j, key in enumerate(("g", "cos")):
      v = np.concatenate([d[key] for d in dyn])
      med = np.nanmedian(v, 1)
      ax[j + 1].plot(t, med, lw=0.6)
      ax[j + 1].set_title(f"median {key}")
      rows += [[key, 0, int(tt), float(x)] for tt, x in zip(t[::10], med[::10])]
    return save(f, out, name) + [write_csv(out, name, ["quantity", "i", "t", "value"], rows)]

  return fig


def theory_table(res, out):
  """Table 1 / E0: the float64 theory checks as a table."""
  vals = rd.theory_values(res)
  rows = [[k, v if isinstance(v, (int, float, bool)) else str(v)] for k, v in sorted(vals.items())]
  plt = pyplot()
  f, ax = plt.subplots(figsize=(7, 0.22 * len(rows) + 0.5))
  ax.axis("off")
  ax.table(
    cellText=[[k, f"{v:.3g}" if isinstance(v, float) else str(v)] for k, v in rows],
    loc="center",
    fontsize=6,
  )
  return save(f, out, "theory_table") + [write_csv(out, "theory_table", ["check", "value"], rows)]


def thm3(res, out):
  """E14-E15: median loss per step for each dynamic; E[Δ | θ_t] of the median run."""
  plt = pyplot()
  f, ax = plt.subplots(1, 2, figsize=(10, 3.6))
  rows = []
  runs = [
    (ov["experiment.dynamic"], r)
    for ov, r in res.sweep(rd.THM3)
    if r is not None and ov.get("experiment.label_noise", 0.0) == 0.0
  ]
  runs += [("adam", r) for _, r in res.sweep(rd.ADAM)[:1] if r is not None]
  for name, r in runs:
    d = r.arrays("dyn", r.array_steps("dyn")[-1])
    med = np.median(d["loss"], 1)
    ax[0].plot(med, label=name)
    c = r.arrays("cond", r.array_steps("cond")[-1])["cond"]
    ax[1].plot(np.maximum(c[:, 0], 0.5), c[:, 1], label=name)
    rows += [[name, i, float(x)] for i, x in enumerate(med)]
  ax[0].set_yscale("log")
  ax[1].set_xscale("log")
  ax[1].set_yscale("symlog", linthresh=1e-5)
  ax[0].legend()
  ax[0].set_title("median loss")
  ax[1].set_title("E[Δ | θ_t], median run")
  return save(f, out, "thm3_dynamics") + [
    write_csv(out, "thm3_dynamics", ["dynamic", "t", "median_loss"], rows)
  ]
