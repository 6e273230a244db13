"""The 'none' noise kind: the identity transform."""

from __future__ import annotations

import optax

from noisecurv.registry import NOISES


@NOISES.register("none", scale=0.0)
def none(cfg, *, seed: int) -> optax.GradientTransformationExtraArgs:
  """No noise: the base optimizer alone."""
  return optax.with_extra_args_support(optax.identity())
