"""The `thomas2020.shards` program: run a family's training shards, then summarise a figure.

Every shard is an ordinary `train` config executed in its own run directory

    <results root>/thomas2020/shards/<family>/<tier>-<shard>-<hash of the shard config>/

which is shared by every suite that contains that shard (the grid, and the Fig. 1, 2, 4, 5
configs that read it; Fig. 3a, 3b and 6 for the `fig3` family), so each shard trains once: a
finished shard is skipped, an interrupted one resumes from its last checkpoint. Shards of one
family with the same configuration (Fig. 3's clean level `c0` and its width's `h70`) share the
directory of the first such name. The suite's own
run directory gets `shards.json` (shard name → directory relative to `<results root>/thomas2020`,
status, and the shard's labels). With `figure` set, the figure's points and statistics are
written next to it (`points.csv`, `summary.json`) and the statistics logged.
"""

from __future__ import annotations

import pathlib

from noisecurv import configlib
from noisecurv.papers.thomas2020 import setups
from noisecurv.registry import PROGRAMS


def shard_dir(base: pathlib.Path, family: str, tier: str, name: str, cfg) -> pathlib.Path:
  return base / "shards" / family / f"{tier}-{name}-{configlib.config_hash(cfg)}"


def canonical_names(shards: dict) -> dict[str, str]:
  """Shard name → the first name in `shards` with an identical configuration."""
  first: dict[str, str] = {}
  out = {}
  for name, cfg in shards.items():
    out[name] = first.setdefault(configlib.config_hash(cfg), name)
  return out


@PROGRAMS.register("thomas2020.shards", family="grid", tier="smoke", shards=(), figure="",
                   digest="")
def shards_program(config, run) -> None:
  """Runs (or reuses) each named shard of `family` at `tier`, then the figure summary if any."""
  from noisecurv.papers.thomas2020 import analysis
  from noisecurv.runner import launch

  e = config.experiment
  shards = setups.shards_of(e.family, e.tier)
  names = tuple(e.shards) or tuple(shards)
  unknown = sorted(set(names) - set(shards))
  if unknown:
    raise ValueError(f"{e.family}/{e.tier}: unknown shards {unknown}")
  base = run.dir.path.parents[1]  # <results root>/thomas2020
  canonical = canonical_names(shards)
  index: dict[str, dict] = {}
  for i, name in enumerate(names):
    cfg = shards[name]
    path = shard_dir(base, e.family, e.tier, canonical[name], cfg)
    print(f"[thomas2020] shard {i + 1}/{len(names)}: {name}", flush=True)
    st = launch.execute(cfg, path, name=f"thomas2020/{e.family}/{name}",
                        command=f"thomas2020.shards {e.family} {e.tier} {name}")
    index[name] = dict(path=str(path.relative_to(base)), status=st.get("status"),
                       **setups.shard_labels(e.family, e.tier, name))
    run.dir.write_json("shards.json", index)
  bad = {n: v["status"] for n, v in index.items() if v["status"] not in ("done", "diverged")}
  if bad:
    raise RuntimeError(f"shards did not finish: {bad}")
  if e.figure:
    summary = analysis.summarise(e.figure, analysis.open_shards(run.dir.path), run.dir.path)
    run.log({"step": 0, **summary})
