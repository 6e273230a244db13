"""Li, Gu, Zhou, Chen, Banerjee (2019): Hessian based analysis of SGD for deep nets.

Spec: `docs/reproductions/li2019.md` (experiments E0-E15). Modules:

- `gauss`: Gauss-k data with per-class corruption and the 50-10-30-k ReLU net on a flat θ.
- `schedule`: the scalar, record and spectrum grids (spec §4.1).
- `records`: per-run curvature records (H, C = M_t, H_p, principal angles, Davis-Kahan, layer
  loadings, full spectra, Theorem 4 bound terms).
- `ensemble`: the `li2019.ensemble` program (vmapped SGD runs + records; E1, E2, E6-E12, E13).
- `theory`: the `li2019.theory` program (E0a-E0e: Prop. 1, Table 1, Cor. 3, Thm. 4 algebra, angles).
- `adaptive`: the `li2019.adaptive` program (E14-E15: Theorem 3 dynamics and Adam).
- `mlp`: the `li2019.mlp` program (E3, E4, E13: MNIST/CIFAR-10 MLPs, matrix-free records).
- `programs`: registers the programs; `reproduction`, `figures`, `claims`: the PAPER.
"""
