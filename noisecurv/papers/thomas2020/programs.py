"""thomas2020 programs: the analytic and Monte-Carlo checks of §2–3 and §5.4, and the NN suites.

Each theory program writes `results.json` (every measured number, read back by the claims)
and logs one summary row. The neural-network experiments run the `train` program through
`thomas2020.shards` (module `shards`), with the `thomas2020.info` probe (module `info`).
"""

from __future__ import annotations

from typing import Any

import jax

from noisecurv.papers.thomas2020 import chi2, examples, info, quadratic_checks, shards, tables
from noisecurv.registry import PROGRAMS

del info, shards  # imported for their registrations


def _finish(run, results: dict[str, Any], summary: dict[str, Any]) -> None:
  run.dir.write_json("results.json", results)
  run.log({"step": 0, **summary})


@PROGRAMS.register("thomas2020.tables", grid_lo=-6.0, grid_hi=1.0, grid_num=141, steps=10_000,
                   gamma=0.8, mc_chains=100)
def tables_program(config, run) -> None:
  """Tables 1 and 2 (§5.4) from the exact recursions, each cell checked by Monte-Carlo chains."""
  e = config.experiment
  grid = tables.alpha_grid(e.grid_lo, e.grid_hi, e.grid_num)
  tb = tables.compute(grid, e.steps, e.gamma)
  rows = (tables.simulate_cells(tb, jax.random.PRNGKey(config.seed), e.mc_chains)
          if e.mc_chains > 0 else tb.rows())
  summary = {f"count/{r['method']}/beta={r['beta']}/eps={r['eps']:g}": r["count"] for r in rows}
  if e.mc_chains > 0:
    summary["mc_max_abs_z"] = max(abs(r["z"]) for r in rows)
  _finish(run, {"rows": rows, "grid": grid.tolist(), "gamma": e.gamma, "steps": e.steps,
                "mc_chains": e.mc_chains}, summary)


@PROGRAMS.register("thomas2020.prop1", n_random=20, n_trained=20, max_steps=400)
def prop1_program(config, run) -> None:
  """Prop. 1: the χ² bounds between H, F and C, exactly, on a discrete toy (T20-P1)."""
  e = config.experiment
  res = chi2.prop1(int(config.seed), e.n_random, e.n_trained, e.max_steps)
  rows = res["rows"]
  summary = {k: min(r[k] for r in rows) for k in rows[0] if "margin" in k}
  summary["teacher_max_abs_diff"] = res["teacher_max_abs_diff"]
  _finish(run, res, summary)


@PROGRAMS.register("thomas2020.example1", sizes=(100, 10_000, 1_000_000))
def example1_program(config, run) -> None:
  """Example 1: mean regression, C = Σ̂ does not approach H = F = I (T20-E1)."""
  rows = examples.example1(tuple(config.experiment.sizes), seed=int(config.seed))
  _finish(run, {"rows": rows}, {"c_minus_i_fro": rows[-1]["c_minus_i_fro"],
                                "limit": rows[-1]["limit"]})


@PROGRAMS.register("thomas2020.example2", n=1_000_000)
def example2_program(config, run) -> None:
  """Example 2: least squares, H = F, and C ∝ H only under isotropic noise (T20-E2)."""
  rows = examples.example2(int(config.experiment.n), seed=int(config.seed))
  _finish(run, {"rows": rows}, {f"s_ch/{r['sigma']}": r["s_ch"] for r in rows})


@PROGRAMS.register("thomas2020.prop2", max_k=10_000)
def prop2_program(config, run) -> None:
  """Prop. 2's bound and Schmidt's eq. (4) against the exact E[Δ_k] (T20-P2)."""
  rows = quadratic_checks.prop2(int(config.experiment.max_k))
  _finish(run, {"rows": rows}, {"max_excess": max(r["max_excess"] for r in rows)})


@PROGRAMS.register("thomas2020.prop3", n_chains=20_000, steps=300, record=(1, 10, 100, 300))
def prop3_program(config, run) -> None:
  """Prop. 3: Monte-Carlo SG against the moment recursion, and the Lyapunov identity (T20-P3)."""
  e = config.experiment
  rows = quadratic_checks.prop3(int(config.seed), int(e.n_chains), int(e.steps), tuple(e.record))
  _finish(run, {"rows": rows}, {
      "max_abs_z": max(max(r["max_abs_z_mean"], r["max_abs_z_second"]) for r in rows),
      "max_lyapunov_residual": max(r["lyapunov_residual"] for r in rows)})


@PROGRAMS.register("thomas2020.limit_cycles", steps=200_000, gamma=0.8)
def limit_cycles_program(config, run) -> None:
  """Props. 4, 5 and App. A.2.3: stationary suboptimality of SG and Polyak (T20-P4/P5/A23)."""
  res = quadratic_checks.limit_cycles(int(config.experiment.steps), float(config.experiment.gamma))
  _finish(run, res, {"prop4_max_rel_err": max(r["rel_err"] for r in res["prop4"]),
                     "prop5_max_rel_err": max(r["rel_err"] for r in res["prop5"])})
