"""A progress line: step, steps/s, loss, ETA, printed at most every `interval` seconds."""

from __future__ import annotations

import sys
import time


def _hms(seconds: float) -> str:
  if seconds != seconds or seconds == float("inf"):
    return "?"
  s = int(round(seconds))
  h, s = divmod(s, 3600)
  m, s = divmod(s, 60)
  return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Progress:
  def __init__(self, total: int, *, label: str = "", interval: float = 2.0, stream=None,
               start_step: int = 0):
    self.total = max(int(total), 1)
    self.label = label
    self.interval = interval
    self.stream = stream or sys.stdout
    self.t0 = time.time()
    self.start_step = start_step
    self._last = 0.0

  def update(self, step: int, force: bool = False, **values: float) -> None:
    now = time.time()
    if not force and now - self._last < self.interval:
      return
    self._last = now
    done = step - self.start_step
    rate = done / max(now - self.t0, 1e-9)
    eta = (self.total - step) / rate if rate > 0 else float("inf")
    parts = [f"{self.label}step {step}/{self.total} ({100 * step / self.total:.0f}%)",
             f"{rate:,.1f} steps/s"]
    for k, v in values.items():
      parts.append(f"{k} {v:.4g}")
    parts.append(f"eta {_hms(eta)}")
    print(" | ".join(parts), file=self.stream, flush=True)

  def elapsed(self) -> float:
    return time.time() - self.t0
