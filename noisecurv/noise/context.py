"""What a noise transform may use inside the training step."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import jax

from noisecurv.losses import Likelihood


@dataclasses.dataclass(frozen=True)
class NoiseContext:
  """Closures and arrays of the current step (all traced inside the step's jit).

  loss_fn(params, x, y) -> scalar mean loss (training-mode forward; BN state updates dropped)
  per_example_loss_fn(params, x, y) -> (B,) per-example losses
  apply_fn(params, x) -> model outputs (training-mode forward, for sampling labels: true Fisher)
  batch: (x, y) of this step; train_data: (X, Y) the whole training split
  lr: the learning rate of this step (parameter-level noise placement multiplies by it)
  step: the optimizer step count
  """

  loss_fn: Callable[[Any, jax.Array, jax.Array], jax.Array]
  per_example_loss_fn: Callable[[Any, jax.Array, jax.Array], jax.Array]
  apply_fn: Callable[[Any, jax.Array], jax.Array]
  likelihood: Likelihood
  batch: tuple[jax.Array, jax.Array]
  train_data: tuple[jax.Array, jax.Array]
  lr: jax.Array
  step: jax.Array
