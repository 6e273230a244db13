"""Noise-injecting gradient transformations (optax), selected by `config.noise.kind`.

A noise kind is registered with `@NOISES.register(kind, **defaults)` on a factory
`fn(cfg, *, seed) -> optax.GradientTransformationExtraArgs`. The transform is
applied to the gradient before the base optimizer; its update takes the extra
keyword `noise_ctx` (a `NoiseContext`, built by the runner inside the jitted
step) from which it computes whatever statistics it needs. Its PRNG key and any
cached structure (eigenvectors, refresh counters) live in its state, so
checkpoints and resumes are exact.
"""

from noisecurv.noise.context import NoiseContext
from noisecurv.noise import base  # noqa: F401  (registers 'none')

__all__ = ["NoiseContext"]
