"""thomas2020 shared pieces (not an experiment; the config tests skip this file).

The pieces live in `noisecurv.papers.thomas2020.setups` so that programs and configs share
them; this module names them for readers of `configs/thomas2020/`:

- preprocessing (spec §3.3): `data_section` — greyscale (ITU-R 601) for colour sets, resize to
  7×7 (area for MNIST's 28 → 7, antialiased linear for 32 → 7), per-pixel z-score from the
  training subset, nested seeded subsets of size N;
- the five architectures: `ARCHS` → model presets `MODEL_OF` (logreg d = 500, mlp70 d = 4,210,
  big_mlp d = 9,180, cnn d = 4,680, cnn_bn d = 4,720);
- probe settings: `info_probes` — the `thomas2020.info` probe on a fixed 5k test subset
  (H, F, C dense, τ = 1e-3, float32 with full-precision matmuls, float64 eigendecompositions),
  F and C on a training subset for Fig. 1;
- tiers: `GRID_TIERS` (smoke, cpu, gpu_reduced, full) and `FIG3_TIERS` (smoke, paper, fmnist,
  paper750k), with what each reduces.

Command: none (imported by the thomas2020 configs through the package).
"""

from noisecurv.papers.thomas2020.setups import (  # noqa: F401
    ARCHS,
    FIG3_LEVELS,
    FIG3_TIERS,
    FIG3_WIDTHS,
    GRID_TIERS,
    MODEL_OF,
    SUBSTITUTE,
    data_section,
    fig3_shard,
    grid_shard,
    info_probes,
)
