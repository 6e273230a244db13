"""The curves PNG written into every run directory of the 'train' program."""

from __future__ import annotations

import pathlib

import numpy as np

from noisecurv.results import Run


def _band(ax, s, label):
  steps, v = s.steps, s.values
  ok = np.isfinite(v).any(axis=1)
  steps, v = steps[ok], v[ok]
  if v.shape[1] == 1:
    ax.plot(steps, v[:, 0], label=label)
    return
  med = np.nanmedian(v, axis=1)
  lo, hi = np.nanquantile(v, 0.1, axis=1), np.nanquantile(v, 0.9, axis=1)
  ax.plot(steps, med, label=f"{label} (median)")
  ax.fill_between(steps, lo, hi, alpha=0.25, label=f"{label} (10–90%)")


def plot_run(path: str | pathlib.Path, out_name: str = "curves.png") -> pathlib.Path | None:
  import matplotlib

  matplotlib.use("Agg")
  import matplotlib.pyplot as plt

  run = Run(path)
  m = run.metrics()
  loss_keys = ("train/batch_loss", "train/loss", "test/loss")
  acc_keys = ("train/accuracy", "test/accuracy", "val/accuracy")
  panels = [("loss", [k for k in loss_keys if k in m]),
            ("accuracy", [k for k in acc_keys if k in m])]
  probe_keys = [k for k in m if "/" in k and k.split("/")[0] not in
                ("train", "test", "val", "train_noisy", "train_clean")]
  if probe_keys:
    panels.append(("probes", probe_keys[:6]))
  panels = [p for p in panels if p[1]]
  if not panels:
    return None
  fig, axes = plt.subplots(1, len(panels), figsize=(4.5 * len(panels), 3.4), squeeze=False)
  for ax, (title, keys) in zip(axes[0], panels):
    for k in keys:
      _band(ax, m[k], k)
    ax.set_xlabel("step")
    ax.set_title(title)
    if title in ("loss", "probes"):
      vals = np.concatenate([m[k].values[np.isfinite(m[k].values)] for k in keys])
      if vals.size and (vals > 0).all():
        ax.set_yscale("log")
    ax.legend(fontsize=7)
  fig.suptitle(run.path.parent.name + "/" + run.path.name, fontsize=8)
  fig.tight_layout()
  out = run.path / out_name
  fig.savefig(out, dpi=110)
  plt.close(fig)
  return out
