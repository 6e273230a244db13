"""Small helpers shared by the papers' figure scripts: saving PNG+PDF and CSV."""

from __future__ import annotations

import csv
import pathlib
from collections.abc import Sequence

import numpy as np


def pyplot():
  import matplotlib

  matplotlib.use("Agg")
  import matplotlib.pyplot as plt

  return plt


def legend(ax, **kw) -> None:
  """``ax.legend(**kw)`` when the axes hold a labelled artist (an empty panel gets none)."""
  if ax.get_legend_handles_labels()[0]:
    ax.legend(**kw)


def save(fig, out: pathlib.Path, name: str) -> list[pathlib.Path]:
  out.mkdir(parents=True, exist_ok=True)
  paths = [out / f"{name}.png", out / f"{name}.pdf"]
  fig.savefig(paths[0], dpi=120, bbox_inches="tight")
  fig.savefig(paths[1], bbox_inches="tight")
  pyplot().close(fig)
  return paths


def write_csv(out: pathlib.Path, name: str, header: Sequence[str],
              rows: Sequence[Sequence]) -> pathlib.Path:
  out.mkdir(parents=True, exist_ok=True)
  p = out / f"{name}.csv"
  with open(p, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(header)
    for r in rows:
      w.writerow([f"{x:.6g}" if isinstance(x, (float, np.floating)) else x for x in r])
  return p
