"""Fig. 4a,b endpoints (E4): the three ResNet-56 models whose interpolations Fig. 4a,b draws.

Claim (checked by fig4_interp_resnet56): the higher-η/S model sits in the wider basin. This
config only trains the endpoints: pre-activation ResNet-56, plain SGD, BN, constant η, 200
epochs, 3 seeds each; λ_max(H) at the end (10k training examples, BN in eval mode) and the final
parameters (snapshot probe) are kept.

Models (sweep trials; η = 0.1·lr_mult, S = 128·batch_mult): 0 = (η 0.1, S 128), 1 = (0.1, 1024),
2 = (0.01, 128); ratios 7.8e-4, 9.8e-5, 7.8e-5. Pair (a) is 0–1 (same η, S ×8), pair (b) is 0–2
(same S, η ÷10).

Command:  python -m noisecurv.main --config configs/jastrzebski2017/fig4_resnet56_endpoints.py  (CIFAR-10; model 0)
          substitute: --config configs/jastrzebski2017/fig4_resnet56_endpoints.py:data=fmnist32
Smoke:    python -m noisecurv.main --config configs/jastrzebski2017/fig4_resnet56_endpoints.py:smoke
Sweep:    python experiments/sweep.py --config configs/jastrzebski2017/fig4_resnet56_endpoints.py:data=fmnist32,reduced
Runtime:  H100 ≈ 4–9 min per model and seed-ensemble at 200 epochs (spec); reduced (60 epochs)
          ≈ 10 min for the three; smoke: model 0 at ResNet-8, width 1/4, 2 epochs (~20 s).
Headline: λ_max(model 0) < λ_max(models 1, 2).
"""

from noisecurv.papers.jastrzebski2017 import presets

MODELS = ((1.0, 1.0), (8.0, 1.0), (1.0, 0.1))  # (batch_mult, lr_mult)


def get_config(arg=None):
  opts = presets.options(arg)
  c = presets.base(data=opts.data, model="preact_resnet56")
  c.name = "jastrzebski2017 Fig. 4a,b endpoints: ResNet-56 at three (η, S)"
  c.optimizer.lr = 0.1
  c.train.batch_size = 4 if opts.smoke else 128
  presets.cnn(c, opts, paper_epochs=200, smoke_epochs=2, reduced_epochs=60, repeats=3,
              reduced_repeats=3)
  presets.cnn_curvature_probes(c, opts, fro=False)
  presets.snapshot_probe(c)
  return c


def sweep(add):
  for batch_mult, lr_mult in MODELS:
    add(**{"experiment.batch_mult": batch_mult, "experiment.lr_mult": lr_mult})
