"""Named registries whose entries carry a config schema.

Every pluggable piece (dataset, model, noise kind, probe, program) is registered
under a name together with the defaults of its config keys. The defaults double
as the schema: a config section may only hold the keys its entry declares, with
values of the declared types (see `noisecurv.configlib.validate`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import ml_collections


@dataclasses.dataclass(frozen=True)
class Entry:
  name: str
  fn: Callable[..., Any]
  defaults: dict[str, Any]
  doc: str

  def schema(self) -> ml_collections.ConfigDict:
    """A fresh ConfigDict holding this entry's default keys."""
    return ml_collections.ConfigDict(_copy(self.defaults))


def _copy(d: dict[str, Any]) -> dict[str, Any]:
  out = {}
  for k, v in d.items():
    out[k] = _copy(v) if isinstance(v, dict) else v
  return out


class Registry:
  """A mapping name -> Entry, filled with the `register` decorator."""

  def __init__(self, kind: str):
    self.kind = kind
    self._entries: dict[str, Entry] = {}

  def register(self, name: str, **defaults: Any) -> Callable[[Callable], Callable]:
    shadow = sorted(k for k in defaults if hasattr(ml_collections.ConfigDict, k))
    if shadow:
      # cfg.values would be the ConfigDict method, not the value: pick another key name.
      raise ValueError(f"{self.kind} {name!r}: keys {shadow} shadow ConfigDict attributes")

    def deco(fn: Callable) -> Callable:
      if name in self._entries and self._entries[name].fn is not fn:
        raise ValueError(f"{self.kind} {name!r} is registered twice")
      self._entries[name] = Entry(name, fn, dict(defaults), (fn.__doc__ or "").strip())
      return fn

    return deco

  def get(self, name: str) -> Entry:
    if name not in self._entries:
      known = ", ".join(sorted(self._entries)) or "(none)"
      raise KeyError(f"unknown {self.kind} {name!r}; known: {known}")
    return self._entries[name]

  def __contains__(self, name: str) -> bool:
    return name in self._entries

  def names(self) -> list[str]:
    return sorted(self._entries)


DATASETS = Registry("dataset")
MODELS = Registry("model")
NOISES = Registry("noise kind")
PROBES = Registry("probe")
PROGRAMS = Registry("program")
