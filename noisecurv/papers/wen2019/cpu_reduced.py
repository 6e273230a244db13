"""The CPU-reduced tier of wen2019: the experiments that fit a 2-core CPU, checked by the
paper-scale claims.

    python -m noisecurv.papers.wen2019.cpu_reduced [--only fig1,fig4,...] [--workdir results]
        [--reports reports] [--no_run]

The toys (Fig. 1, Fig. 4, Theorem 4.1, App. B) run in full, as at paper scale. Fig. 2 and
Fig. 3 (+ the Fig. 5a probe) run on real Fashion-MNIST with the full-width LeNet-5-BN at the
configs' `size=cpu`: smaller batches (M_S = 16, M_L = 512 or 128), a short pre-training
and few updates; their claims are the paper-scale checks applied to these reduced runs, and the
report says so. Tables 1–2 and Fig. 5b need hundreds of epochs: GPU only
(experiments/gpu/wen2019.sh). Writes `reports/wen2019/cpu/report.md`.
"""

from __future__ import annotations

import argparse
import dataclasses
import pathlib
import sys

from noisecurv.papers.wen2019 import common as cm
from noisecurv.papers.wen2019.reproduction import PAPER
from noisecurv.reproductions import Experiment, Paper

CPU_DATA = "data=fashion_mnist,size=cpu"
# figure name -> (config, argument at this tier, sweep)
TIER = {
    "fig1": (cm.FIG1, None, False),
    "fig4": (cm.FIG4, None, False),
    "thm41": (cm.THM41, None, False),
    "appB": (cm.APPB, None, False),
    "fig2": (cm.FIG2, CPU_DATA, False),
    "fig3": (cm.FIG3, CPU_DATA, True),
    "fig5a": (cm.FIG3, CPU_DATA, True),  # the probe rides on the Fig. 3 runs
}
NOTE = ("CPU-reduced tier (2 cores): toys in full; Fig. 2 and Fig. 3/5a on real Fashion-MNIST "
        "with LeNet-5-BN at size=cpu (M_S = 16, M_L = 512 / 128, short runs). Claims are the "
        "paper-scale checks applied to these reduced runs; Tables 1-2 and Fig. 5b are GPU only.")


def cpu_paper(only: tuple[str, ...] = tuple(TIER)) -> Paper:
  """PAPER restricted to the figures `only`, with the CPU arguments at scale 'paper'."""
  configs = {}
  for name in only:
    config, arg, sweep = TIER[name]
    configs[config] = Experiment(config, {"paper": arg}, sweep=sweep, note="cpu-reduced tier")
  keep = set(only)
  return dataclasses.replace(
      PAPER, experiments=tuple(configs.values()),
      figures=tuple(f for f in PAPER.figures if f.name in keep),
      claims=tuple(c for c in PAPER.claims if c.figure in keep and "paper" in c.scales),
      notes=NOTE)


def main(argv=None) -> int:
  from noisecurv import reproduce

  ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
  ap.add_argument("--only", default=",".join(TIER), help="comma-separated figure names")
  ap.add_argument("--workdir", default=None)
  ap.add_argument("--reports", default="reports")
  ap.add_argument("--no_run", action="store_true")
  args = ap.parse_args(argv)
  from absl import logging

  logging.set_verbosity(logging.WARNING)
  only = tuple(s for s in args.only.split(",") if s)
  unknown = set(only) - set(TIER)
  if unknown:
    ap.error(f"unknown figures {sorted(unknown)}; choose from {sorted(TIER)}")
  paper = cpu_paper(only)
  problems = [] if args.no_run else reproduce.run_experiments(paper, "paper", args.workdir)
  out = pathlib.Path(args.reports) / paper.key / "cpu"
  rows, figures, fig_errors = reproduce.evaluate(paper, "paper", args.workdir, out)
  reproduce.print_table(rows)
  report = reproduce.write_report(paper, "cpu-reduced (paper-scale claims)", rows, figures,
                                  fig_errors, problems, out)
  print(f"\nreport: {report}")
  return 1 if any(r[2] == "FAIL" for r in rows) else 0


if __name__ == "__main__":
  sys.exit(main())
