"""Fig. 3 (E3): on an η × S grid, a higher η/S ends in a wider minimum with better validation accuracy.

Claim: a 4-layer BN ReLU MLP (784–512–512–512–10, D = 935,434) trained on Fashion-MNIST
(50k/10k/10k) with plain SGD for 300 epochs at η ∈ {0.00625, …, 0.1} × S ∈ {25, …, 800}
(factor 2 on both axes, so equal-ratio diagonals exist) reaches ≈100% train accuracy; λ_max(H)
and ‖H‖_F on 10k training examples (BN in eval mode) fall with η/S (Spearman ≤ −0.7), the
validation accuracy rises with it (Spearman ≥ +0.5), runs on one equal-ratio diagonal agree
within 1 pp, and the spread of log λ_max within a diagonal is ≤ 0.35 of the spread over the grid.

The whole grid is one run directory: the 5 learning rates of a batch size are one vmapped
program, the 6 batch sizes run one after another (a rerun resumes at the last checkpoint of
the unfinished batch size, so the grid runs in 10-minute chunks).

Command:  python -m noisecurv.main --config configs/jastrzebski2017/fig3_lr_bs_grid_fmnist_mlp.py
Smoke:    python -m noisecurv.main --config configs/jastrzebski2017/fig3_lr_bs_grid_fmnist_mlp.py:smoke
Sweep:    python experiments/sweep.py --config configs/jastrzebski2017/fig3_lr_bs_grid_fmnist_mlp.py  (grid replicates, seeds 1–2)
          reduced (GPU plan): --config …:reduced  (100 epochs instead of 300)
          cpu (reduced for a 2-core CPU): --config …:cpu  (5k training examples, width 128,
          η ∈ {0.0125, …, 0.1} × S ∈ {25, …, 200}, 60 epochs, curvature on 2k examples)
Runtime:  H100 ≈ 5–6 min (spec: 245 s with a fused epoch); 2-core CPU ≈ 15 h;
          smoke: ~20 s (width 32, 320 examples, S ∈ {4, 16}, 3 epochs);
          cpu: 325 s on a shared 2-core CPU (measured 2026-11-23; Spearman(η/S, λ_max) = −0.87).
Headline: λ_max from ≈260 (η/S = 7.8e-6) to < 0.1 (η/S ≥ 1e-3); Spearman(η/S, λ_max) ≈ −0.98;
          validation accuracy 88.7% → 90.8% (spec reference run).
"""

from noisecurv.papers.jastrzebski2017 import presets

LRS = (0.00625, 0.0125, 0.025, 0.05, 0.1)
BATCH_SIZES = (25, 50, 100, 200, 400, 800)
SMOKE_BATCH_SIZES = (4, 16)
CPU_LRS = (0.0125, 0.025, 0.05, 0.1)
CPU_BATCH_SIZES = (25, 50, 100, 200)
CPU_TRAIN, CPU_WIDTH, CPU_EPOCHS = 5_000, 128, 60


def grid(c, opts) -> None:
  """The E3 grid (shared with fig3_equal_loss_control)."""
  c.name = "jastrzebski2017 Fig. 3: η × S grid, BN-MLP on Fashion-MNIST"
  presets.digits_split(c, opts.smoke, cpu_train=CPU_TRAIN if opts.cpu else 0)
  c.runs.lr = CPU_LRS if opts.cpu else LRS
  c.optimizer.lr = c.runs.lr[0]
  c.runs.batch_size = (SMOKE_BATCH_SIZES if opts.smoke else
                       CPU_BATCH_SIZES if opts.cpu else BATCH_SIZES)
  c.train.batch_size = c.runs.batch_size[0]
  presets.epochs(c, 300, 3, opts, reduced=100)
  c.experiment.log_every_epochs = 0.0  # the 6 batch sizes share one step cadence
  c.train.log_every = 5 if opts.smoke else 100  # divides every group's total steps
  c.eval.train_n = 64 if opts.smoke else 0  # smoke: every split has 64 examples (one compile)
  if opts.smoke:
    c.model.hidden = (32, 32, 32)
  if opts.cpu:  # reduced for a shared 2-core CPU (named in the run's title)
    c.model.hidden = (CPU_WIDTH,) * 3
    c.train.epochs = float(CPU_EPOCHS)
    c.train.log_every = 25  # 5,000/200 steps per epoch at the largest S
    c.name += f" [cpu: reduced, {CPU_TRAIN} examples, width {CPU_WIDTH}, {CPU_EPOCHS} epochs]"


def get_config(arg=None):
  opts = presets.options(arg, images=False)
  c = presets.base(data="fashion_mnist", model="bn_mlp4")
  grid(c, opts)
  c.eval.every = 0 if opts.smoke or opts.cpu else 5000
  c.checkpoint.every = 0 if opts.smoke else 10000
  presets.curvature_probes(c, smoke=opts.smoke, n=2_000 if opts.cpu else 10_000)
  return c


def sweep(add):
  for seed in (1, 2):
    add(seed=seed)
