"""Where dataset files live, the error raised when they are missing, and a decode cache.

The data directory is, in order: `cfg.data_dir`, `$NOISECURV_DATA_DIR`, then
`../shared/datasets` beside the repository root (the folder above the
`noisecurv` package). Each dataset reads its own folder below it, e.g.
`<data dir>/mnist/`.

Decoded arrays are cached in-process, keyed by (path, mtime, size) of the
files they came from, because many configs of one session reload the same
files; cached arrays are read-only so no caller can change them for the next.
"""

from __future__ import annotations

import functools
import os
import pathlib
from collections.abc import Callable, Sequence
from typing import Any

ENV_VAR = "NOISECURV_DATA_DIR"


def default_data_dir() -> pathlib.Path:
  """`<repository root>/../shared/datasets`; the repository root is the folder above the package."""
  return pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "datasets"


def data_root(data_dir: str | None = None) -> tuple[pathlib.Path, str]:
  """The data directory and, for messages, which setting chose it."""
  if data_dir:
    return pathlib.Path(data_dir).expanduser(), "data.data_dir"
  env = os.environ.get(ENV_VAR)
  if env:
    return pathlib.Path(env).expanduser(), f"${ENV_VAR}"
  return default_data_dir(), "the default, ../shared/datasets beside the repository"


def dataset_folder(cfg, folder: str) -> tuple[pathlib.Path, str]:
  """`<data dir>/<folder>` for the data config `cfg`, and which setting chose the data dir."""
  root, origin = data_root(cfg.get("data_dir"))
  return root / folder, origin


class DatasetNotFoundError(FileNotFoundError):
  """A dataset's files are not in the data directory (the message says where and how to fix it)."""


def not_found(dataset: str, folder: pathlib.Path, origin: str, expected: Sequence[str],
              missing: Sequence[str] = (), download: str = "") -> DatasetNotFoundError:
  """The error for a missing dataset: what was expected, where, and how to fix it."""
  lines = [f"dataset {dataset!r} not found in {folder}",
           f"  expected: {'; '.join(expected)}"]
  if missing and not folder.is_dir():
    lines.append("  the folder does not exist")
  elif missing:
    lines.append(f"  missing: {', '.join(missing)}")
  lines.append(f"  data directory {folder.parent} comes from {origin}")
  lines.append(f"  fix: put the official files in {folder}/, or choose a data directory that has a "
               f"{folder.name}/ folder with --config.data.data_dir=DIR or {ENV_VAR}=DIR")
  if download:
    lines.append(f"  download: {download}")
  lines.append("  or: --config.data.loader=tfds where tensorflow-datasets is installed and online")
  err = DatasetNotFoundError("\n".join(lines))
  err.dataset, err.folder, err.expected = dataset, folder, tuple(expected)
  return err


# ---------------------------------------------------------------------------
# Decode cache


def file_stamp(*paths: pathlib.Path) -> tuple[tuple[str, int, int], ...]:
  """(path, mtime_ns, size) per file: a cache key that changes when a file is rewritten."""
  out = []
  for p in paths:
    st = os.stat(p)
    out.append((str(p), st.st_mtime_ns, st.st_size))
  return tuple(out)


def cached_by_files(maxsize: int = 16) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
  """Caches `fn(stamp, *args)`; its numpy outputs (nested in dicts/tuples) become read-only."""

  def deco(fn):
    @functools.lru_cache(maxsize=maxsize)
    def wrapper(stamp, *args):
      return _freeze(fn(stamp, *args))

    wrapper.__doc__ = fn.__doc__
    return wrapper

  return deco


def _freeze(tree):
  if isinstance(tree, dict):
    return {k: _freeze(v) for k, v in tree.items()}
  if isinstance(tree, tuple):
    return tuple(_freeze(v) for v in tree)
  if hasattr(tree, "flags"):
    tree.flags.writeable = False
  return tree
