"""thomas2020 §5.1–5.5 grid (App. B.2): H, F, C of small nets across data, sizes, lrs and batches.

Claim: this grid feeds Figs. 1, 2, 4 and 5 (their configs read it): 5 architectures (logreg,
mlp, big_mlp, cnn, cnn_bn) × datasets × N × lr {1e-2, 5e-3, 1e-3} × batch {64, 512}, SGD with
momentum 0.9 on 7×7 greyscale inputs; at every probe time H, F, C on a 5k test subset (r, s,
traces), at the end TIC, TIC_F, Tr C/Tr F and sensitivity, and F, C on training data (Fig. 1).
One shard per (dataset, arch, N) is an ordinary `train` run (lrs × batches as vmapped runs) in
`<workdir>/thomas2020/shards/grid/`, shared with the figure configs and resumable.

Tiers (argument `tier=`): `full` is the paper's grid (MNIST, CIFAR-10, SVHN; N ∈ {5k, 10k,
20k, 25k, 50k}; 750k steps, probes every 75k; 450 runs). CIFAR-10 and SVHN are not available
here, so the runs made are REDUCED: `gpu_reduced` (MNIST + Fashion-MNIST as a substitute, all 5
archs, N ∈ {5k, 50k}, batch 64, 30k steps, 3 probe times, F/C on a 5k training subset),
`cpu` (logreg + mlp, 2 datasets, lr {1e-2, 1e-3}, N ∈ {5k, 20k}, 75k steps, 2k test subset),
`cpu_small` (one ~10-minute CPU command: mlp 49→32→10 on MNIST + Fashion-MNIST, N = 1k,
3 lrs, 10k steps, 1k test subset),
`smoke` (sklearn digits, logreg + small mlp, 400 steps). Filters
`dataset=`, `arch=`, `n=` run part of a tier, e.g. one GPU command per dataset.

Command:  python -m noisecurv.main --config configs/thomas2020/grid_info_matrices.py:tier=gpu_reduced
Smoke:    python -m noisecurv.main --config configs/thomas2020/grid_info_matrices.py:smoke
Sweep:    shards are internal; split a tier with :tier=gpu_reduced,dataset=mnist (or arch=, n=)
Runtime:  smoke ~1 min on a 2-core CPU; gpu_reduced ~6 min on one H100 (estimate, see
          experiments/gpu/thomas2020.sh); full ≈ 3 h on one H100 (spec §4); cpu_small ~17 min
          wall (~6 min CPU, 2 shards, measured on a shared 2-core CPU).
Headline: TIC against the gap has log-log Pearson ≥ 0.9 (paper's Fig. 4a; see fig4 config).
"""

from noisecurv.papers.thomas2020 import setups


def get_config(arg=None):
  return setups.suite_from_arg(arg, "grid", "full")
