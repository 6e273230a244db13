"""Loading a config file, naming its run directory, and executing its program there."""

from __future__ import annotations

import dataclasses
import importlib.util
import pathlib
import platform
import shutil
import sys
import time
import traceback
from typing import Any

import ml_collections

from noisecurv import configlib, registry
from noisecurv.runner.checkpoint import Checkpoints
from noisecurv.runner.progress import Progress
from noisecurv.runner.rundir import RunDir


class DivergedError(RuntimeError):
  """Raised by a program when every run of its ensemble produced a non-finite loss."""


@dataclasses.dataclass
class RunContext:
  """What a program gets: its config, run directory, checkpoints and a progress printer."""

  config: ml_collections.ConfigDict
  dir: RunDir
  checkpoints: Checkpoints
  name: str

  def log(self, row: dict[str, Any]) -> None:
    self.dir.log(row)

  def progress(self, total: int, label: str = "", start_step: int = 0) -> Progress:
    return Progress(total, label=label, start_step=start_step)


def load_config_file(path: str, arg: str | None = None) -> ml_collections.ConfigDict:
  """Imports `path` and calls its get_config(arg)."""
  p = pathlib.Path(path)
  if not p.exists():
    raise FileNotFoundError(f"config file {path} does not exist")
  spec = importlib.util.spec_from_file_location(f"_noisecurv_config_{p.stem}", p)
  mod = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(mod)
  return mod.get_config(arg) if arg is not None else mod.get_config()


def load_module(path: str):
  p = pathlib.Path(path)
  spec = importlib.util.spec_from_file_location(f"_noisecurv_config_{p.stem}", p)
  mod = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(mod)
  return mod


def apply_overrides(config: ml_collections.ConfigDict, overrides: dict[str, Any]) -> None:
  """Sets dotted keys, refusing unknown ones with the list of known keys."""
  for key, value in overrides.items():
    parts = key.removeprefix("config.").split(".")
    node = config
    for i, part in enumerate(parts):
      if not isinstance(node, ml_collections.ConfigDict) or part not in node:
        where = ".".join(parts[:i]) or "the config"
        known = sorted(node.keys()) if isinstance(node, ml_collections.ConfigDict) else []
        raise configlib.ConfigError(f"unknown config key {'.'.join(parts)!r}: {where} has no "
                                    f"{part!r}; known: {known}")
      if i == len(parts) - 1:
        try:
          node[part] = value
        except TypeError as e:
          raise configlib.ConfigError(f"config key {'.'.join(parts)!r}: {e}") from e
      else:
        node = node[part]


def run_dir_for(config_path: str, arg: str | None, overrides: dict[str, Any],
                config: ml_collections.ConfigDict, workdir: str | None) -> pathlib.Path:
  root = pathlib.Path(workdir or configlib.default_results_root())
  return root / configlib.config_name(config_path) / configlib.run_slug(arg, overrides, config)


def execute(config: ml_collections.ConfigDict, run_path: str | pathlib.Path, *,
            name: str = "", command: str = "", overwrite: bool = False) -> dict[str, Any]:
  """Validates, then runs `config.program` in `run_path`; returns the final status.

  A finished run (status done or diverged) is skipped unless `overwrite`. Any other
  existing directory is resumed from its latest checkpoint by the program.
  """
  configlib.validate(config)
  rd = RunDir(run_path)
  st = rd.status()
  if st.get("status") in ("done", "diverged") and not overwrite:
    print(f"[noisecurv] {st['status']} already, skipping: {rd.path}", flush=True)
    return st
  if overwrite and rd.path.exists():
    shutil.rmtree(rd.path)
    rd = RunDir(run_path)
  rd.write_json("config.json", configlib.to_jsonable(config))
  rd.write_json("run.json", _run_info(command))
  resumed = (rd.path / "checkpoints").exists()
  rd.set_status("running", resumed=resumed, error=None)
  ctx = RunContext(config, rd, Checkpoints(rd.path / "checkpoints", keep=config.checkpoint.keep),
                   name)
  program = registry.PROGRAMS.get(config.program).fn
  t0 = time.time()
  print(f"[noisecurv] {'resuming' if resumed else 'running'} {name or config.program} "
        f"-> {rd.path}", flush=True)
  try:
    program(config, ctx)
  except DivergedError as e:
    rd.set_status("diverged", error=str(e), wall_s=time.time() - t0)
    print(f"[noisecurv] diverged: {e}", flush=True)
    return rd.status()
  except KeyboardInterrupt:
    rd.set_status("failed", error="interrupted", resumable=True, wall_s=time.time() - t0)
    print(f"[noisecurv] interrupted; rerun the same command to resume: {rd.path}", flush=True)
    raise
  except Exception as e:
    rd.set_status("failed", error=f"{type(e).__name__}: {e}",
                  traceback=traceback.format_exc(limit=20), wall_s=time.time() - t0)
    raise
  st = rd.status()
  final = "diverged" if st.get("all_diverged") else "done"
  rd.set_status(final, wall_s=time.time() - t0)
  print(f"[noisecurv] {final} in {time.time() - t0:.1f}s: {rd.path}", flush=True)
  return rd.status()


def run_config_file(config_path: str, arg: str | None = None,
                    overrides: dict[str, Any] | None = None, workdir: str | None = None, *,
                    overwrite: bool = False, command: str = "") -> tuple[pathlib.Path, dict]:
  """Loads, overrides, names and executes one config; the library twin of the CLI."""
  overrides = dict(overrides or {})
  config = load_config_file(config_path, arg)
  apply_overrides(config, overrides)
  path = run_dir_for(config_path, arg, overrides, config, workdir)
  status = execute(config, path, name=configlib.config_name(config_path), command=command,
                   overwrite=overwrite)
  return path, status


def _run_info(command: str) -> dict[str, Any]:
  import jax

  try:
    devices = [str(d) for d in jax.devices()]
  except RuntimeError:
    devices = []
  return {"command": command or " ".join(sys.argv), "python": platform.python_version(),
          "jax": jax.__version__, "devices": devices, "host": platform.node(),
          "started": time.strftime("%Y-%m-%dT%H:%M:%S")}
