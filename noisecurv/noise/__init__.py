"""Noise-injecting gradient transformations (optax), selected by `config.noise.kind`.

A noise kind is registered with `@NOISES.register(kind, **defaults)` on a factory
`fn(cfg, *, seed) -> optax.GradientTransformationExtraArgs`. The transform is
applied to the gradient before the base optimizer; its update takes the extra
keyword `noise_ctx` (a `NoiseContext`, built by the runner inside the jitted
step) from which it computes whatever statistics it needs. Its PRNG key and any
cached structure (eigenvectors, refresh counters) live in its state, so
checkpoints and resumes are exact.

Kinds: 'none'; zhu2019 Table 1 (`gld`, `hessian_aligned`): isotropic, langevin,
gld_dynamic, gld_diag, gld_leading, sgd_covariance, gld_hessian, gld_first_eig;
wen2019 (`large_batch`, `kfac`): lb_diag, lb_full, lb_trace, lb_multiplicative, lb_kfac.
"""

from noisecurv.noise import base, gld, hessian_aligned, kfac, large_batch  # noqa: F401
from noisecurv.noise.context import NoiseContext
from noisecurv.noise.transform import NoiseState, make_config, resolve_stop, set_key, set_scale

__all__ = ["NoiseContext", "NoiseState", "make_config", "resolve_stop", "set_key", "set_scale"]
