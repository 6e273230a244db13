"""Reduced CPU runs of li2019 and their claims (the configs' `cpu` option; no GPU needed).

    python -m noisecurv.papers.li2019.cpu [--only g10_0,g10_15,...] [--workdir results]
        [--reports reports] [--no_run]

Runs the chosen reduced trials one after another (each a config at `cpu` with the sweep
overrides of one setting), then draws the figures and checks the paper-scale claims on them,
writing reports/li2019/cpu/report.md. Claims whose runs are not in the reduced set are listed
as not run.
"""

from __future__ import annotations

import argparse
import dataclasses
import pathlib
import sys

from noisecurv.papers.li2019 import readers as rd
from noisecurv.papers.li2019.reproduction import PAPER
from noisecurv.reproductions import Experiment, MissingResult, Results

TRIALS = {  # name -> (config, cpu arg, overrides)
    "g10_0": (rd.G10, "cpu", rd.ov(0.0, 5)),
    "g10_15": (rd.G10, "cpu", rd.ov(0.15, 5)),
    "bound_5": (rd.BOUND, "cpu", rd.ov(0.05, 5)),
    "bound_10": (rd.BOUND, "cpu", rd.ov(0.10, 5)),
    "g2_0": (rd.G2, "cpu", rd.ov(0.0, 5)),
    "g2_20": (rd.G2, "cpu", rd.ov(0.2, 5)),
    "literal_0": (rd.LITERAL, "cpu", rd.ov(0.0)),
    "thm3_adaptive": (rd.THM3, "cpu", {"experiment.dynamic": "adaptive_Mm",
                                       "experiment.label_noise": 0.0}),
    "thm3_precond": (rd.THM3, "cpu", {"experiment.dynamic": "precond_Mm",
                                      "experiment.label_noise": 0.0}),
}
CPU_CONFIGS = (rd.G10, rd.G2, rd.BOUND, rd.LITERAL, rd.THM3, rd.ADAM)


def cpu_paper():
  """PAPER with the paper-scale arguments of the reduced configs replaced by `cpu`."""
  exps = [Experiment(c, {"paper": None}) for c in rd.THEORY]
  exps += [Experiment(c, {"paper": "cpu"}, sweep=True) for c in CPU_CONFIGS]
  return dataclasses.replace(PAPER, experiments=tuple(exps),
                             title=PAPER.title + " (CPU, reduced runs)")


def main(argv=None) -> int:
  from noisecurv import reproduce
  from noisecurv.runner import launch

  ap = argparse.ArgumentParser(description=__doc__)
  ap.add_argument("--only", default=",".join(TRIALS))
  ap.add_argument("--workdir", default=None)
  ap.add_argument("--reports", default="reports")
  ap.add_argument("--no_run", action="store_true")
  args = ap.parse_args(argv)
  if not args.no_run:
    for name in filter(None, args.only.split(",")):
      cfg, arg, ov = TRIALS[name]
      launch.run_config_file(cfg, arg, ov, args.workdir, command=f"li2019.cpu {name}")
    for c in rd.THEORY:
      launch.run_config_file(c, None, {}, args.workdir, command="li2019.cpu theory")
  paper = cpu_paper()
  res = Results(paper, "paper", args.workdir)
  claims = []
  for c in paper.claims:
    if "paper" not in c.scales:
      claims.append(c)
      continue
    try:
      c.check(res)
      claims.append(c)
    except (MissingResult, KeyError):  # a run or a config outside the reduced set
      claims.append(dataclasses.replace(c, scales=(), why_not="not in the reduced CPU set"))
    except Exception:  # evaluated (and reported as an error) below
      claims.append(c)
  paper = dataclasses.replace(paper, claims=tuple(claims))
  out = pathlib.Path(args.reports) / paper.key / "cpu"
  rows, figures, fig_errors = reproduce.evaluate(paper, "paper", args.workdir, out)
  reproduce.print_table(rows)
  report = reproduce.write_report(paper, "cpu (reduced)", rows, figures, fig_errors, [], out)
  print(f"\nreport: {report}")
  return 1 if any(r[2] == "FAIL" for r in rows) else 0


if __name__ == "__main__":
  sys.exit(main())
