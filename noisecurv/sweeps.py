"""Expanding a config's `sweep(add)` into trials, validating them, and running them.

A config file may define `sweep(add)`; each `add(**overrides)` call is one trial,
with dotted keys (`add(**{"optimizer.lr": 0.1, "seed": 1})`). Every trial is
built and validated before anything runs, so a typo fails the whole sweep at once.
Each trial lands in its own deterministic run directory: finished trials are
skipped and interrupted ones resume.
"""

from __future__ import annotations

import dataclasses
import pathlib
from typing import Any

import ml_collections

from noisecurv import configlib
from noisecurv.runner import launch


@dataclasses.dataclass
class Trial:
  index: int
  overrides: dict[str, Any]
  config: ml_collections.ConfigDict
  path: pathlib.Path

  def status(self) -> str:
    p = self.path / "status.json"
    if not p.exists():
      return "pending"
    import json

    return json.loads(p.read_text()).get("status", "pending")


def trials(config_path: str, arg: str | None = None, workdir: str | None = None,
           extra: dict[str, Any] | None = None) -> list[Trial]:
  """All trials of the config's sweep (one trial with no overrides if it has none)."""
  mod = launch.load_module(config_path)
  added: list[dict[str, Any]] = []
  if hasattr(mod, "sweep"):
    mod.sweep(lambda **kw: added.append(dict(kw)))
  if not added:
    added = [{}]
  out, errors = [], []
  for i, ov in enumerate(added):
    ov = {**ov, **(extra or {})}
    try:
      cfg = mod.get_config(arg) if arg is not None else mod.get_config()
      launch.apply_overrides(cfg, ov)
      configlib.validate(cfg)
    except (configlib.ConfigError, ValueError, KeyError, TypeError) as e:
      errors.append(f"trial {i} {ov}: {e}")
      continue
    out.append(Trial(i, ov, cfg, launch.run_dir_for(config_path, arg, ov, cfg, workdir)))
  if errors:
    raise configlib.ConfigError("sweep has invalid trials:\n" + "\n".join(errors))
  return out


def shard(items: list, spec: str | None) -> list:
  """`i/n`: the i-th of n interleaved shards (0-based), for array jobs on a cluster."""
  if not spec:
    return items
  i, _, n = spec.partition("/")
  i, n = int(i), int(n)
  if not 0 <= i < n:
    raise ValueError(f"--shard {spec}: need 0 <= i < n")
  return items[i::n]


def run(config_path: str, arg: str | None = None, workdir: str | None = None, *,
        shard_spec: str | None = None, dry_run: bool = False, overwrite: bool = False,
        extra: dict[str, Any] | None = None) -> dict[str, list[int]]:
  """Runs (or lists) the trials; returns trial indices by final status."""
  ts = shard(trials(config_path, arg, workdir, extra), shard_spec)
  name = configlib.config_name(config_path)
  summary: dict[str, list[int]] = {}
  for t in ts:
    if dry_run:
      print(f"trial {t.index:4d} [{t.status():8s}] {t.overrides} -> {t.path}")
      summary.setdefault(t.status(), []).append(t.index)
      continue
    try:
      st = launch.execute(t.config, t.path, name=name, overwrite=overwrite,
                          command=f"sweep {config_path} trial {t.index}")
      status = st.get("status", "failed")
    except Exception as e:  # a failing trial is recorded in its status.json; go on
      print(f"[noisecurv] trial {t.index} failed: {type(e).__name__}: {e}", flush=True)
      status = "failed"
    summary.setdefault(status, []).append(t.index)
  return summary
