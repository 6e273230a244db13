"""The `cpu` scale of jastrzebski2017: what fits a shared 2-core CPU, reduced and named so.

    python -m noisecurv.papers.jastrzebski2017.cpu_scale [--only e0a,fig3,...] [--no_run]
        [--workdir results] [--reports reports]

Runs the experiments that have a `cpu` argument (the theory checks E0a–E0e at full size,
Fig. 3 and its E8b control, and Fig. 6, the last three with their configs' `cpu` option:
fewer examples, a smaller grid, fewer epochs), then draws the figures and checks the claims
meaningful at that scale, exactly as `python -m noisecurv.reproduce` does for `smoke` and
`paper` (that command's --scale choices are fixed by the shared module). `--only` runs a
subset of the experiments (keys of `tables.CONFIGS`), so that each command stays short; the
figures and claims always read every finished result. Exits 1 when a claim fails.
"""

from __future__ import annotations

import argparse
import dataclasses
import pathlib

from noisecurv import reproduce
from noisecurv.papers.jastrzebski2017.reproduction import PAPER
from noisecurv.papers.jastrzebski2017.tables import CONFIGS

SCALE = "cpu"


def main(argv=None) -> int:
  ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
  ap.add_argument("--only", default="", help=f"comma-separated keys of {sorted(CONFIGS)}")
  ap.add_argument("--workdir", default=None, help="results root (default ./results)")
  ap.add_argument("--reports", default="reports")
  ap.add_argument("--no_run", action="store_true", help="only read existing results")
  args = ap.parse_args(argv)
  from absl import logging

  logging.set_verbosity(logging.WARNING)
  keys = [k for k in args.only.split(",") if k]
  unknown = [k for k in keys if k not in CONFIGS]
  if unknown:
    raise SystemExit(f"unknown experiments {unknown}; known: {sorted(CONFIGS)}")
  chosen = {CONFIGS[k] for k in keys}
  run_paper = PAPER if not keys else dataclasses.replace(
      PAPER, experiments=tuple(e for e in PAPER.experiments if e.config in chosen))
  problems = [] if args.no_run else reproduce.run_experiments(run_paper, SCALE, args.workdir)
  out = pathlib.Path(args.reports) / PAPER.key / SCALE
  rows, figures, fig_errors = reproduce.evaluate(PAPER, SCALE, args.workdir, out)
  reproduce.print_table(rows)
  report = reproduce.write_report(PAPER, SCALE, rows, figures, fig_errors, problems, out)
  print(f"\nreport: {report}")
  return 1 if any(r[2] == "FAIL" for r in rows) else 0


if __name__ == "__main__":
  raise SystemExit(main())
