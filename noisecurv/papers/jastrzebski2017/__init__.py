"""Jastrzębski et al. (2017), "Three factors influencing minima in SGD": paper-specific code.

Modules:

- `ou`: E0a/E0b, the stationary loss of SGD near a quadratic minimum (Eq. 8–9): Gaussian
  H/S noise chains and online linear regression, with their exact discrete-time values.
- `minibatch`: E0c, the covariance of the minibatch gradient (Eq. 6–7).
- `gibbs`: E0d, the Gibbs law of the isotropic SDE in a double well and the Laplace
  ratio (Eq. 10–12, with the corrected exponent).
- `fisher_gap`: E0e, the gap between the per-example gradient covariance K and H at a
  logistic-regression MLE (Appendix A).
- `interpolation`: BN recalibration and 1-D interpolation between two minima (Fig. 4).
- `derive`: the `jastrzebski2017.train` program's settings (η/S multipliers, schedules,
  training-set fractions, epoch-aligned logging) on top of the `train` program.
- `programs`: the registered programs and the parameter-snapshot probe.
- `stats`, `tables`, `figures_*`, `claims_*`, `reproduction`: reading results, figures
  and the spec's pass criteria.
"""
