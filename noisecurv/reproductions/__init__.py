"""Paper reproductions: which configs to run, which figures to draw, which claims to check.

Each paper module (`noisecurv/reproductions/<key>.py`) defines `PAPER = Paper(...)`.
Figures and claims read results only (through `Results`), never training code.
A claim names the scales at which it is meaningful; at other scales it is
reported as not run, with its reason, and does not fail the reproduction.
"""

from __future__ import annotations

import dataclasses
import importlib
import pathlib
from collections.abc import Callable
from typing import Any

from noisecurv import configlib
from noisecurv.results import Run

SCALES = ("smoke", "paper")
REPO = pathlib.Path(__file__).resolve().parents[2]


@dataclasses.dataclass(frozen=True)
class Experiment:
  """A config to run; `args[scale]` is its config argument at that scale (absent: not run)."""

  config: str  # path relative to the repository root
  args: dict[str, str | None]
  sweep: bool = False  # run every trial of its sweep(add), not only the base config
  note: str = ""  # e.g. why it is not run at paper scale here (missing data)

  def arg(self, scale: str) -> str | None:
    return self.args.get(scale)

  def runs_at(self, scale: str) -> bool:
    return scale in self.args


@dataclasses.dataclass(frozen=True)
class Measured:
  value: Any  # number or text shown in the table
  passed: bool
  detail: str = ""


@dataclasses.dataclass(frozen=True)
class Claim:
  name: str
  paper: str  # the paper's (or spec's) value, as text
  check: Callable[[Results], Measured]
  scales: tuple[str, ...] = SCALES
  why_not: str = ""  # why it is not meaningful at the scales it skips
  figure: str = ""


@dataclasses.dataclass(frozen=True)
class Figure:
  name: str
  fn: Callable[[Results, pathlib.Path], list[pathlib.Path]]  # writes PNG/PDF + CSV, returns paths
  caption: str = ""
  scales: tuple[str, ...] = SCALES


@dataclasses.dataclass(frozen=True)
class Paper:
  key: str
  title: str
  experiments: tuple[Experiment, ...]
  figures: tuple[Figure, ...]
  claims: tuple[Claim, ...]
  notes: str = ""


class MissingResult(LookupError):
  """A claim or figure needs a run that has not finished."""


class Results:
  """Finds the run directories of a paper's experiments at one scale."""

  def __init__(self, paper: Paper, scale: str, workdir: str | None = None):
    self.paper = paper
    self.scale = scale
    self.workdir = workdir

  def _experiment(self, config: str) -> Experiment:
    for e in self.paper.experiments:
      if e.config == config:
        return e
    raise KeyError(f"{config} is not an experiment of {self.paper.key}")

  def path(self, config: str, overrides: dict[str, Any] | None = None) -> pathlib.Path:
    from noisecurv.runner import launch

    e = self._experiment(config)
    arg = e.arg(self.scale)
    cfg = launch.load_config_file(str(REPO / config), arg)
    launch.apply_overrides(cfg, overrides or {})
    return launch.run_dir_for(config, arg, overrides or {}, cfg, self.workdir)

  def run(self, config: str, overrides: dict[str, Any] | None = None) -> Run:
    """The finished run of `config` at this scale (with these sweep overrides)."""
    p = self.path(config, overrides)
    st = Run(p).status if p.exists() else {}
    if st.get("status") not in ("done", "diverged"):
      raise MissingResult(f"{configlib.config_name(config)} ({self.scale}) has no finished run "
                          f"at {p} (status: {st.get('status', 'missing')})")
    return Run(p)

  def sweep(self, config: str) -> list[tuple[dict[str, Any], Run | None]]:
    """(overrides, finished run or None) for every trial of the config's sweep."""
    from noisecurv import sweeps

    e = self._experiment(config)
    out = []
    for t in sweeps.trials(str(REPO / config), e.arg(self.scale), self.workdir):
      ok = t.path.exists() and Run(t.path).status.get("status") in ("done", "diverged")
      out.append((t.overrides, Run(t.path) if ok else None))
    return out


PAPER_KEYS = ("quickstart", "thomas2020", "wen2019", "jastrzebski2017", "li2019", "zhu2019")


def _module_name(key: str) -> str | None:
  here = pathlib.Path(__file__).parent
  if (here / f"{key}.py").exists():
    return f"noisecurv.reproductions.{key}"
  if (here.parent / "papers" / key / "reproduction.py").exists():
    return f"noisecurv.papers.{key}.reproduction"
  return None


def get(key: str) -> Paper:
  """The PAPER of `noisecurv/papers/<key>/reproduction.py` (or reproductions/<key>.py)."""
  name = _module_name(key)
  if name is None:
    raise KeyError(f"no reproduction {key!r}; known: {available()}")
  return importlib.import_module(name).PAPER


def available() -> list[str]:
  return [k for k in PAPER_KEYS if _module_name(k)]
