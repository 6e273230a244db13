"""Sharding the run axis of an ensemble over all local devices (jax.sharding)."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec


def run_mesh() -> Mesh:
  return Mesh(np.array(jax.local_devices()), ("runs",))


def shard_runs(tree: Any, n_runs: int) -> Any:
  """Places every leaf with a leading run axis split over the devices (others replicated).

  The number of runs must be a multiple of the device count; jit then partitions the
  vmapped program along runs, with no communication between devices.
  """
  mesh = run_mesh()
  n_dev = mesh.devices.size
  if n_runs % n_dev:
    raise ValueError(f"runs.shard: {n_runs} runs do not split over {n_dev} devices; use a "
                     f"multiple of {n_dev} (runs.repeats or runs.chunk_size)")
  split = NamedSharding(mesh, PartitionSpec("runs"))
  rep = NamedSharding(mesh, PartitionSpec())

  def put(x):
    if hasattr(x, "shape") and x.ndim >= 1 and x.shape[0] == n_runs:
      return jax.device_put(x, split)
    return jax.device_put(x, rep)

  return jax.tree.map(put, tree)
