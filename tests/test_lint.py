"""The repository is ruff-clean (configuration in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import REPO


def test_ruff_clean():
  ruff = shutil.which("ruff")
  if ruff is None:
    pytest.skip("ruff is not installed (pip install -e '.[dev]')")
  p = subprocess.run([ruff, "check", "."], cwd=REPO, capture_output=True, text=True)
  assert p.returncode == 0, p.stdout + p.stderr
