"""Fig. 5 (E5): η/S invariance breaks down for large β (η = 0.1β, S = 50β), sooner on a smaller training set.

Claim: VGG-11 (BN, plain SGD, constant η, 100 epochs, 5 seeds) at the fixed ratio 0.1β/(50β),
β ∈ {1, 2, 4, 8, 16}, on N = 44,800 (≈ 45k) and N = 12,000 training examples: for the full set
the mean maximum validation accuracy stays within 1 pp of β = 1 up to β = 4; the smallest β with
a drop > 1.5 pp (or a diverged seed), β*, exists for 12k and β*(12k) ≤ β*(45k); at the largest β
where no seed of either N diverged, the drop is at least as large for 12k as for 45k.

Trials: n_train_fraction ∈ {1, 12000/44800} × β (batch_mult = lr_mult = β). Diverged seeds are
recorded (status.json `diverged_runs`), never dropped. The β = 1, 2, 4 models at full N are also
Fig. 4c,d's endpoints (their final parameters are kept by the snapshot probe).

Command:  python -m noisecurv.main --config configs/jastrzebski2017/fig5_beta_breakdown_vgg11.py  (CIFAR-10; β = 1, full N)
          substitute: --config configs/jastrzebski2017/fig5_beta_breakdown_vgg11.py:data=fmnist32
Smoke:    python -m noisecurv.main --config configs/jastrzebski2017/fig5_beta_breakdown_vgg11.py:smoke
Sweep:    python experiments/sweep.py --config configs/jastrzebski2017/fig5_beta_breakdown_vgg11.py:data=fmnist32,reduced
Runtime:  H100 ≈ 45 min (spec: 2 N × 5 β × 5 seeds × 100 epochs); reduced (2 seeds × 30 epochs)
          ≈ 6–8 min; smoke: β = 1 at tiny width, 2 epochs (~20 s).
Headline: curves match up to β ≈ 4 and separate (or diverge, "*") beyond, more so for N = 12k.
"""

from noisecurv.papers.jastrzebski2017 import presets

BETAS = (1.0, 2.0, 4.0, 8.0, 16.0)
FRACTIONS = (1.0, 12_000 / presets.CIFAR_TRAIN)  # N = 44,800 and 12,000


def get_config(arg=None):
  opts = presets.options(arg)
  c = presets.base(data=opts.data, model="vgg11_bn")
  c.name = "jastrzebski2017 Fig. 5: β-rescaling breakdown, VGG-11"
  c.optimizer.lr = 0.1
  c.train.batch_size = 4 if opts.smoke else 50
  presets.cnn(c, opts, paper_epochs=100, smoke_epochs=2, reduced_epochs=30, repeats=5,
              reduced_repeats=2)
  presets.cnn_curvature_probes(c, opts, fro=False)
  presets.snapshot_probe(c)
  return c


def sweep(add):
  for fraction in FRACTIONS:
    for beta in BETAS:
      add(**{"experiment.n_train_fraction": fraction, "experiment.batch_mult": beta,
             "experiment.lr_mult": beta})
