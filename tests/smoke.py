"""Smoke tests of one paper's configs and its reproduction, instantiated per paper.

Each paper has its own test module (`test_smoke_<key>.py`) so that pytest-xdist's
`--dist loadfile` (pyproject.toml) keeps a paper's config runs and its smoke reproduction on one
worker, in this order: the reproduction then reuses the runs in that worker's results root.
"""

from __future__ import annotations

import pathlib

import pytest
from conftest import REPO, config_files

from noisecurv import configlib
from noisecurv.runner import launch


def paper_of(path: pathlib.Path) -> str:
  """configs/<key>/... -> key; configs/<key>.py -> key."""
  return path.relative_to(REPO / "configs").parts[0].removesuffix(".py")


def paper_tests(paper: str):
  """(test_config_smoke, test_reproduce_smoke) for the configs and reproduction of `paper`."""
  paths = [p for p in config_files() if paper_of(p) == paper]

  @pytest.mark.parametrize("path", paths, ids=lambda p: str(p.relative_to(REPO / "configs")))
  def test_config_smoke(path, results_root):
    mod = launch.load_module(str(path))
    assert mod.__doc__ and "Command" in mod.__doc__, f"{path}: docstring must state the command"
    cfg = mod.get_config("smoke")
    configlib.validate(cfg)
    if hasattr(mod, "sweep"):
      from noisecurv import sweeps

      assert sweeps.trials(str(path), "smoke", str(results_root))  # every trial validates
    rel = str(path.relative_to(REPO))
    _, status = launch.run_config_file(rel, "smoke", workdir=str(results_root))
    assert status["status"] in ("done", "diverged"), status

  def test_reproduce_smoke(results_root, tmp_path, monkeypatch):
    from noisecurv import reproduce

    monkeypatch.chdir(REPO)
    code = reproduce.main(["--paper", paper, "--scale", "smoke", "--workdir", str(results_root),
                           "--reports", str(tmp_path)])
    assert code == 0
    assert (tmp_path / paper / "smoke" / "report.md").exists()

  return test_config_smoke, test_reproduce_smoke
