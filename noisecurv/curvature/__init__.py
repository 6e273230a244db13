"""Curvature kernels: pure, jit-able functions over pytrees (see DESIGN.md for the names).

Modules: `pergrad` (per-example gradients and moments), `taps` (factored moments
for flax dense/conv layers), `operators` (H, GGN, F, F̂, C, Σ products and the
`flat` helper), `dense` (materialisation for small d), `spectral` (power
iteration, Lanczos, SLQ), `trace` (Hutchinson, Hutch++, diagonals), `solve` (CG,
eigen-cutoff pseudo-inverses), `metrics` and `subspace` (the papers' metrics),
`precision` (highest-precision matmuls, float64 bookkeeping).
"""

from noisecurv.curvature.dense import (
    covariance_dense,
    eigh_descending,
    materialize,
    second_moment_dense,
)
from noisecurv.curvature.metrics import (
    aic,
    angle_similarity,
    centered_rows,
    expected_sharpness,
    fc_discrepancy,
    interpolate,
    jacobian_input_sensitivity,
    loss_input_sensitivity,
    numerical_rank,
    projection_coefficient,
    random_lowrank_similarity,
    scale_similarity,
    second_moment_norms,
    tic,
    tic_fisher,
    tic_from_grads,
    tr_h_sigma,
    tr_h_sigma_from_rows,
    tr_h_sigma_iso,
    trace_ratio,
)
from noisecurv.curvature.operators import (
    covariance_op,
    covariance_vp,
    fisher_mc_op,
    fisher_op,
    fisher_vp,
    flat,
    ggn_op,
    ggn_vp,
    hessian_op,
    hvp,
    jtlj_op,
    num_params,
    sample_labels,
    second_moment_op,
    second_moment_vp,
)
from noisecurv.curvature.pergrad import (
    GradMoments,
    flat_per_example_grads,
    grad_moments,
    per_example_grads,
)
from noisecurv.curvature.precision import float64, highest
from noisecurv.curvature.solve import (
    cg,
    cutoff_mask,
    pinv_dense,
    pinv_solve,
    trace_pinv_gram,
    trace_pinv_product,
)
from noisecurv.curvature.spectral import (
    LanczosResult,
    SLQResult,
    lanczos,
    lanczos_top_k,
    power_iteration,
    power_iteration_history,
    slq,
    top_ritz_by_step,
)
from noisecurv.curvature.subspace import (
    davis_kahan,
    effective_curvature,
    hessian_residual,
    pac_bayes_terms,
    precision_weighted_norm,
    principal_angles,
    principal_cosines,
)
from noisecurv.curvature.taps import factored_moments
from noisecurv.curvature.trace import (
    Estimate,
    frobenius_sq,
    hutchinson,
    hutchinson_diagonal,
    hutchpp,
    trace_and_frobenius,
    trace_product,
)

__all__ = [
    "Estimate", "GradMoments", "LanczosResult", "SLQResult", "aic", "angle_similarity",
    "centered_rows", "cg", "covariance_dense", "covariance_op", "covariance_vp", "cutoff_mask",
    "davis_kahan", "effective_curvature", "eigh_descending", "expected_sharpness",
    "factored_moments", "fc_discrepancy", "fisher_mc_op", "fisher_op", "fisher_vp", "flat",
    "flat_per_example_grads", "float64", "frobenius_sq", "ggn_op", "ggn_vp", "grad_moments",
    "hessian_op", "hessian_residual", "highest", "hutchinson", "hutchinson_diagonal", "hutchpp",
    "hvp", "interpolate", "jacobian_input_sensitivity", "jtlj_op", "lanczos", "lanczos_top_k",
    "loss_input_sensitivity", "materialize", "num_params", "numerical_rank", "pac_bayes_terms",
    "per_example_grads", "pinv_dense", "pinv_solve", "power_iteration", "power_iteration_history",
    "precision_weighted_norm", "principal_angles", "principal_cosines", "projection_coefficient",
    "random_lowrank_similarity", "sample_labels", "scale_similarity", "second_moment_dense",
    "second_moment_norms", "second_moment_op", "second_moment_vp", "slq", "tic", "tic_fisher",
    "tic_from_grads", "top_ritz_by_step", "tr_h_sigma", "tr_h_sigma_from_rows", "tr_h_sigma_iso",
    "trace_and_frobenius", "trace_pinv_gram", "trace_pinv_product", "trace_product", "trace_ratio",
]
