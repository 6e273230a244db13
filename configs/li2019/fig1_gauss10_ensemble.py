"""li2019 E1, E2, E6-E10 (Figs. 1, 2, 6-12, 14, 16, 18, 19, 23, 25): 10,000 SGD runs on Gauss-10.

Claim: along constant-step SGD on Gauss-10 the top-10 eigenspaces of H and M_t = C stay aligned
(cos γ₁..γ₁₀ ≈ 1), H_p = C − H does not vanish (≈ −H at 0% labels noise, C ≥ 10× smaller than
H at 15%), SGD converges in < 50 iterations at 0% (cos(g_t, g_{t−1}) ≈ 0.25), the conditional
Δ_t(f) has two phases, and more label noise raises EC, PWF and the generalisation error.
Setting (Table 2, spec §7 #1): standardised inputs, θ₀ ~ N(0, 0.5²I), η = 0.1, m = 5,
T = 400 (0%) / 10,000 (15%), batches drawn with replacement.

Command:  python -m noisecurv.main --config configs/li2019/fig1_gauss10_ensemble.py:noise=0.15,batch=5
Smoke:    python -m noisecurv.main --config configs/li2019/fig1_gauss10_ensemble.py:smoke
Reduced:  python -m noisecurv.papers.li2019.cpu --only g10_0,g10_15 (arg `cpu`: 16 runs, short
          record grid, 1 spectrum run, 100 draws, T capped at 2,000; CPU minutes)
Sweep:    python experiments/sweep.py --config configs/li2019/fig1_gauss10_ensemble.py
          (noise ∈ {0, 0.15} × batch ∈ {5, 50})
Runtime:  H100 est. 6-9 min for 15%/m=5, ≈ 2 min for 0% (spec §5.3); smoke ≈ 1-4 min on 2 shared CPU cores (compiles).
Headline: mean cos γ₁..γ₉ ≥ 0.9 for t ≥ 10; median f(θ₅₀) ≤ 0.05 at 0%.
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False, cpu=False, noise=0.0, batch=5, runs=10_000,
                             records="default", spectrum_subset=1000, literal=False)
  c = configlib.base(program="li2019.ensemble")
  c.name = "li2019_gauss10"
  e = c.experiment
  e.k = 10
  e.label_noise = opts.noise
  e.batch = opts.batch
  # steps, lr, t_mid = 0: Table 2's values for (k, r), resolved by the program
  e.runs = opts.runs
  e.records = opts.records
  e.spectrum_subset = opts.spectrum_subset
  if opts.literal:  # App. A.1 literally: raw inputs, θ₀ ~ N(0, I), float64 (spec §7 #1)
    e.standardize, e.init_std, e.float64, e.sigmas = False, 1.0, True, (1.0,)
  if opts.cpu:  # reduced, named as such: 100 runs, short grid, 100 conditional draws
    e.runs, e.records, e.spectrum_subset, e.cond_draws = 16, "short", 1, 100
    e.record_chunk, e.n_test = 16, 2000
    e.lanczos_steps, e.max_steps = 48, 2000  # the 15% runs stop at T = 2,000
  if opts.smoke:
    # records dominate the smoke time (≈ 2-4 s per run and record on 2 cores): 4 runs, 2 records
    e.runs, e.steps, e.record_steps, e.t_mid = 4, 60, (0, 59), 59
    e.spectrum_subset, e.cond_draws, e.lanczos_steps, e.n_test = 1, 32, 24, 500
    e.power_steps, e.record_chunk = 5, 4
  return c


def sweep(add):
  for noise in (0.0, 0.15):
    for batch in (5, 50):
      add(**{"experiment.label_noise": noise, "experiment.batch": batch})
