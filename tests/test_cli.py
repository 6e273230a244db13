"""The command lines as a user runs them (subprocesses)."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def _run(*args, cwd=REPO):
  return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True,
                        timeout=600)


def test_unknown_override_key_fails_before_compute(tmp_path):
  p = _run("-m", "noisecurv.main", "--config", "configs/quickstart.py:smoke",
           "--config.optimizer.lrr=0.1", "--workdir", str(tmp_path))
  assert p.returncode == 2
  assert "optimizer.lrr" in p.stderr
  assert not any(tmp_path.iterdir())  # nothing was created


def test_mistyped_override_fails(tmp_path):
  p = _run("-m", "noisecurv.main", "--config", "configs/quickstart.py:smoke",
           "--config.optimizer.lr=fast", "--workdir", str(tmp_path))
  assert p.returncode == 2
  assert "optimizer.lr" in p.stderr and "fast" in p.stderr


def test_unknown_config_option_fails(tmp_path):
  p = _run("-m", "noisecurv.main", "--config", "configs/quickstart.py:smok",
           "--workdir", str(tmp_path))
  assert p.returncode != 0
  assert "unknown config option 'smok'" in p.stderr


def test_sweep_dry_run_and_shard(tmp_path):
  p = _run("experiments/sweep.py", "--config", "configs/quickstart.py:smoke", "--dry_run",
           "--shard", "1/2", "--workdir", str(tmp_path))
  assert p.returncode == 0, p.stderr
  lines = [x for x in p.stdout.splitlines() if x.startswith("trial")]
  assert len(lines) == 1 and "optimizer.lr': 0.05" in lines[0]


def test_sweep_rejects_invalid_trials_before_running(tmp_path):
  p = _run("experiments/sweep.py", "--config", "configs/quickstart.py:smoke",
           "--set", "optimizer.nope=1", "--workdir", str(tmp_path))
  assert p.returncode == 2
  assert "optimizer.nope" in p.stderr
  assert not any(tmp_path.iterdir())
