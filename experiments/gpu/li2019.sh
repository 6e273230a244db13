#!/usr/bin/env bash
# li2019 at paper scale on one H100, in priority order. NOT RUN: no GPU was lent to this task.
#
# Every ensemble command is resumable: the program checkpoints at each record step, so a command
# that hits the 10-minute limit is rerun as is and continues. The times are ESTIMATES from the
# spec (docs/reproductions/li2019.md §5.3: XLA FLOP/byte counts at 3.0 TB/s), not measurements;
# records run one run at a time (lax.map) because XLA:CPU ran the vmapped float64 Lanczos
# pathologically slowly, so the per-record time on the GPU must be measured first (item 0).
#
#   item                                                             est. H100 time
#   0. benchmark: one record chunk + SGD phase, 1,000 runs (15%)       1 min
#   1. Gauss-10 15%, m = 5   (Figs. 1, 2, 6-11, 16, 19; 10,000 runs)   6-9 min (2 commands)
#   2. Gauss-10 0%,  m = 5   (Figs. 1, 2, 6-11, 16, 19)                2 min
#   3. Gauss-10 r = 5%, 10%, m = 5, final only (Fig. 11)              1 min
#   4. Gauss-10 m = 50, both r; r = 5, 10% m = 50 (Figs. 12, 14, 18, 23, 25)  8 min
#   5. Gauss-2, four settings (Figs. 13, 15, 17, 20, 24)               8 min
#   6. MNIST Fig. 3 (m = 64, 256) and Fig. 21 (16 configs)             3 + 11 min
#   7. Theorem 3 / Adam (E14-E15), literal setting                     2 min
#   8. reproduce --paper li2019 --scale paper (figures, claims)        1 min
# Asked for: items 0-3 (≈ 12 min of the project's 30). Items 4-7 (≈ 30 min more) only in a later
# session with its own budget. CIFAR-10 (Figs. 4, 22): not run, no data offline.
set -uo pipefail
cd "$(dirname "$0")/../.."
export NOISECURV_RESULTS="${NOISECURV_RESULTS:-results}"
if [ -z "${NOISECURV_DATA_DIR:-}" ] && [ -d shared/datasets ]; then
  export NOISECURV_DATA_DIR="$PWD/shared/datasets"
fi
export JAX_COMPILATION_CACHE_DIR="${JAX_COMPILATION_CACHE_DIR:-$PWD/.jax_cache}"
G10=configs/li2019/fig1_gauss10_ensemble.py
G2=configs/li2019/fig13_gauss2_ensemble.py
B=configs/li2019/fig11_bound_label_noise.py
run() { timeout 590 python -m noisecurv.main --config "$@"; }

# 0. benchmark: 1,000 runs, 15%, short records (replace the estimates above with its wall time)
run "$G10":runs=1000,records=short --config.experiment.label_noise=0.15 --config.experiment.batch=5 \
  --workdir results/li2019_bench

# 1-2. the headline ensembles (rerun the same line after a timeout: it resumes)
run "$G10" --config.experiment.label_noise=0.15 --config.experiment.batch=5
run "$G10" --config.experiment.label_noise=0.15 --config.experiment.batch=5
run "$G10" --config.experiment.label_noise=0.0 --config.experiment.batch=5
# 3. intermediate label noise for Fig. 11
run "$B" --config.experiment.label_noise=0.05 --config.experiment.batch=5
run "$B" --config.experiment.label_noise=0.1 --config.experiment.batch=5

# ---- beyond the requested budget -------------------------------------------------------------
if [ "${LI2019_ALL:-0}" = 1 ]; then
  for r in 0.0 0.15; do run "$G10" --config.experiment.label_noise=$r --config.experiment.batch=50; done
  for r in 0.05 0.1; do run "$B" --config.experiment.label_noise=$r --config.experiment.batch=50; done
  for r in 0.0 0.2; do for m in 5 50; do
    run "$G2" --config.experiment.label_noise=$r --config.experiment.batch=$m; done; done
  python experiments/sweep.py --config configs/li2019/fig3_mnist_subspaces.py
  python experiments/sweep.py --config configs/li2019/fig21_mnist_dynamics.py
  python experiments/sweep.py --config configs/li2019/ext_thm3_adaptive_sgd.py
  python experiments/sweep.py --config configs/li2019/ext_adam_vs_precond.py
  python experiments/sweep.py --config configs/li2019/fig1_gauss10_literal.py
fi
for c in prop1_decomposition table1_examples cor3_scale_invariance thm4_kl_terms; do
  python -m noisecurv.main --config configs/li2019/theory_$c.py
done

# 8. figures and claims (claims whose runs are missing are reported as failing with 'missing')
python -m noisecurv.reproduce --paper li2019 --scale paper --no_run
