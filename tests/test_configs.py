"""Every config in configs/ runs in its smoke mode, and every paper's smoke reproduction passes."""

from __future__ import annotations

import pytest
from conftest import REPO, config_files

from noisecurv import configlib, reproductions
from noisecurv.runner import launch


@pytest.mark.parametrize("path", config_files(), ids=lambda p: str(p.relative_to(REPO / "configs")))
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


@pytest.mark.parametrize("paper", reproductions.available())
def test_reproduce_smoke(paper, results_root, tmp_path, monkeypatch):
  from noisecurv import reproduce

  monkeypatch.chdir(REPO)
  code = reproduce.main(["--paper", paper, "--scale", "smoke", "--workdir", str(results_root),
                         "--reports", str(tmp_path)])
  assert code == 0
  assert (tmp_path / paper / "smoke" / "report.md").exists()
