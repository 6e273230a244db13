"""Zhu, Wu, Yu, Wu, Ma (ICML 2019): the anisotropic noise of SGD and escaping sharp minima.

Spec: `../shared/specs/zhu2019.md` (experiments E0–E13). Modules:

- `probes`: the probes the configs add: `zhu2019.snapshot` (θ as arrays), `zhu2019.sgd_noise`
  (Σ̂_sgd from minibatch gradients: ‖∇L‖, √Tr Σ̂, Tr(HΣ̂), Tr(HΣ̄), λ₁, â) and
  `zhu2019.hessian_spectrum` (top eigenvalues of H, dense or Lanczos).
- `pretrain`: θ*_GD (E4), full-batch GD extended until the training set is memorised.
- `dynamics`: the Table 1 dynamics of the neural-net experiments as noise sections (E5, E10).
- `diffusion`: the diffusion phase, every dynamic from θ*_GD, resumable (E5–E8, E10, E13).
- `toy`: the 2-D two-basin toy, its surface (E1) and escape runs (E2) on `noisecurv.noise.toy2d`.
- `one_hidden`: one-hidden-layer nets with a fixed output layer (E3, Fig. 4).
- `samplers`: the empirical check of every Table 1 sampler on a tiny model (E0).
- `theory`: Eq. (13) on an OU process, Prop. 1's scaling, App. B's non-convex example (E12).
- `summary`: Fig. 1 from the Fig. 6 runs (E11).
- `presets`: the data, model and schedule settings shared by the config files.
- `programs`: registers every program and probe; `reproduction`: the PAPER (figures, claims).
"""
