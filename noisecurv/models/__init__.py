"""Flax models by name, behind one calling convention.

Every registered model is a linen Module called as `module(x, train=bool)`;
BN layers (if any) keep running statistics in the `batch_stats` collection and
take the module's `ghost_size` (Ghost Batch Norm when > 0). `Model` wraps the
module so that the runner and the curvature probes never touch collections:

    params, state = model.init(key, x)
    out, state = model.apply(params, state, x, train=True)
    out = model.apply_policy(params, state, x, bn="eval")   # probes
"""

from noisecurv.models.model import Model, build
from noisecurv.models import mlp  # noqa: F401  (registers models)

__all__ = ["Model", "build"]
