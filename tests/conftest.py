"""Shared fixtures: a tiny config factory and the datasets directory (when present)."""

from __future__ import annotations

import os
import pathlib

import pytest

REPO = pathlib.Path(__file__).resolve().parents[1]
DATASETS = pathlib.Path(os.environ.get("NOISECURV_DATA_DIR", REPO.parent / "shared" / "datasets"))

os.environ.setdefault("MPLBACKEND", "Agg")
# Each xdist worker is one process per core: LAPACK's own OpenBLAS threads spin against the other
# worker's (beside a second process on 2 cores, a program of five vmapped eighs ran 29x slower
# with OpenBLAS's default threads, 0.9x with one: benchmarks/lapack_batch.py, docs/benchmarks.md).
# Set before numpy, scipy or jax load OpenBLAS.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


@pytest.fixture
def datasets_dir():
  if not (DATASETS / "mnist").exists():
    pytest.skip(f"datasets not present at {DATASETS} (set NOISECURV_DATA_DIR to run these cases)")
  return DATASETS


def tiny_config(**kw):
  """A digits MLP that trains in a couple of seconds (compiles dominate)."""
  from noisecurv import configlib

  c = configlib.base(data="digits", model="mlp")
  c.data.flatten = True
  c.model.hidden = (8,)
  c.optimizer.lr = 0.05
  c.train.batch_size = 16
  c.train.steps = 20
  c.train.log_every = 5
  c.eval.every = 10
  c.eval.batch_size = 512
  c.checkpoint.every = 10
  c.figure = False
  for k, v in kw.items():
    node = c
    *path, last = k.split(".")
    for p in path:
      node = node[p]
    node[last] = v
  return c


@pytest.fixture(scope="session")
def results_root(tmp_path_factory):
  """One results root per test session: config smoke runs are reused by the reproduce tests."""
  return tmp_path_factory.mktemp("results")


def config_files() -> list[pathlib.Path]:
  """Every experiment config (files defining get_config; shared modules start with '_')."""
  out = []
  for p in sorted((REPO / "configs").rglob("*.py")):
    if p.name.startswith("_") or p.name == "common.py":
      continue
    out.append(p)
  return out
