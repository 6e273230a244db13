"""Orbax checkpoints of a whole training carry (params, optimizer/noise state, keys, loop).

Typed PRNG keys are stored as their raw key data and rebuilt from the restore template, so a
resumed run continues with exactly the keys it would have used.
"""

from __future__ import annotations

import json
import pathlib
import shutil
from typing import Any

import jax
import numpy as np
import orbax.checkpoint as ocp


def _is_key(x: Any) -> bool:
  return hasattr(x, "dtype") and jax.dtypes.issubdtype(x.dtype, jax.dtypes.prng_key)


def _to_storable(tree: Any) -> Any:
  return jax.tree.map(lambda x: jax.random.key_data(x) if _is_key(x) else x, tree)


def _abstract(tree: Any) -> Any:
  def f(x):
    if _is_key(x):
      x = jax.random.key_data(x)
    x = np.asarray(x) if not hasattr(x, "shape") else x
    return jax.ShapeDtypeStruct(x.shape, x.dtype)

  return jax.tree.map(f, tree)


def _from_storable(restored: Any, like: Any) -> Any:
  def f(r, t):
    if _is_key(t):
      return jax.random.wrap_key_data(r, impl=jax.random.key_impl(t))
    return r

  return jax.tree.map(f, restored, like)


class Checkpoints:
  """Numbered checkpoints `<dir>/<step>/` with a `meta.json`; keeps the newest `keep`."""

  def __init__(self, directory: str | pathlib.Path, keep: int = 2):
    self.dir = pathlib.Path(directory).absolute()
    self.keep = max(1, keep)
    self._ckpt = ocp.StandardCheckpointer()

  def steps(self) -> list[int]:
    if not self.dir.exists():
      return []
    out = []
    for p in self.dir.iterdir():
      if p.is_dir() and p.name.isdigit() and (p / "meta.json").exists():
        out.append(int(p.name))
    return sorted(out)

  def latest(self) -> int | None:
    s = self.steps()
    return s[-1] if s else None

  def save(self, step: int, tree: Any, meta: dict[str, Any] | None = None,
           name: str | None = None) -> None:
    """Saves `tree` as checkpoint `step` (or under `name`, e.g. 'best', kept apart)."""
    target = self.dir / (name or str(step))
    if target.exists():
      shutil.rmtree(target)
    self.dir.mkdir(parents=True, exist_ok=True)
    self._ckpt.save(target / "state", _to_storable(tree))
    self._ckpt.wait_until_finished()
    # meta.json is written last: a checkpoint without it is incomplete and ignored.
    (target / "meta.json").write_text(json.dumps({"step": step, **(meta or {})}))
    if name is None:
      for old in self.steps()[:-self.keep]:
        shutil.rmtree(self.dir / str(old), ignore_errors=True)

  def restore_meta(self, step: int | None = None, name: str | None = None) -> dict[str, Any]:
    target = self.dir / (name or str(self.latest() if step is None else step))
    return json.loads((target / "meta.json").read_text())

  def restore(self, like: Any, step: int | None = None,
              name: str | None = None) -> tuple[Any, dict[str, Any]]:
    """Restores into the structure of `like`; returns (tree, meta)."""
    if name is None:
      step = self.latest() if step is None else step
      if step is None:
        raise FileNotFoundError(f"no checkpoint in {self.dir}")
      name = str(step)
    target = self.dir / name
    restored = self._ckpt.restore(target / "state", _abstract(like))
    meta = json.loads((target / "meta.json").read_text())
    return _from_storable(restored, like), meta
