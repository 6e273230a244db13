"""Scheduled probes: functions of (params, state) on a fixed probe set.

A probe kind is registered with `@PROBES.register(kind, **defaults)` on a factory
`fn(ctx: ProbeContext, cfg) -> Probe`. `Probe.fn(params, state, key) -> dict` is a
pure, jit-able function of one run; the runner vmaps it over the ensemble.
Scalar outputs go to metrics.jsonl as `<probe name>/<key>`, array outputs to
`arrays/`. `Probe.meta` names, for each output, its matrix, sample set, size and
whether per-example or mini-batch gradients were used (written to probes.json).
"""

from noisecurv.probes import (
    basic,  # noqa: F401  (registers probes)
    curvature,  # noqa: F401  (registers curvature probes)
)
from noisecurv.probes.base import Probe, ProbeContext, build_probes

__all__ = ["Probe", "ProbeContext", "build_probes"]
