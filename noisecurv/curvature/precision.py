"""Precision scopes for curvature kernels.

Two rules from DESIGN.md live here:

* curvature products run float32 with full-precision matmuls (`highest`): TF32,
  the GPU default, has ~1e-3 relative error, which moves eigenvalues and breaks
  eigenvalue cutoffs such as the TIC's τ = 1e-3;
* Krylov bases, tridiagonals and other bookkeeping run float64.

Float64 inside a jitted float32 program: `float64()` switches x64 on for the
*trace* of the bookkeeping code only (jax's `enable_x64` context manager) and
hands back `ambient`, a caller that traces a user callback (a matvec) with the
x64 setting the caller had. The matvec therefore runs exactly as it would
outside (float32 for float32 params, with no default-dtype constants silently
promoted), while vectors and scalars of the Krylov recursion are float64. This
works whether or not the caller enabled x64 and under jit and vmap. Arrays that
leave the scope are float64 only where a docstring says so; everything else is
cast back to the caller's dtype.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import jax

try:
  _enable_x64 = jax.enable_x64
except AttributeError:  # older jax
  from jax.experimental import enable_x64 as _enable_x64  # type: ignore[no-redef]


def highest():
  """Context manager: full-precision float32 matmuls and convolutions (no TF32)."""
  return jax.default_matmul_precision("highest")


def x64_enabled() -> bool:
  return bool(jax.config.jax_enable_x64)


@contextlib.contextmanager
def float64() -> Iterator[Callable[..., Any]]:
  """Traces the body with x64 on; yields `ambient(fn, *args)` to call fn with the caller's setting.

      with float64() as ambient:
        v = v0.astype(jnp.float64)                      # float64 bookkeeping
        w = ambient(matvec, v.astype(v0.dtype))         # matvec as the caller defined it
  """
  ambient_x64 = x64_enabled()

  def ambient(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    with _enable_x64(ambient_x64), highest():
      return fn(*args, **kwargs)

  with _enable_x64(True):
    yield ambient
