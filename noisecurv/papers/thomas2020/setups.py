"""The neural-network experiments of §5.1–5.5 as `train` configs: data, models, probes, tiers.

Shared pieces (spec §3.3, App. B.2): 7×7 greyscale inputs (ITU-R 601 luma, area/antialiased
resize, per-pixel z-score from the training subset), K = 10, softmax cross-entropy, SGD with
heavy-ball momentum 0.9 at a constant step size, no weight decay. The five architectures are the
model presets `logreg`, `mlp70`, `big_mlp`, `cnn`, `cnn_bn`.

A *family* maps a tier to named *shards*, each one `train` config (one compiled program per batch
size, its learning rates or seeds vmapped as runs):

* `grid` (Figs. 1, 2, 4, 5): one shard per (dataset, architecture, N); runs = lr × batch size.
* `fig3` (Figs. 3, 6): one shard per hidden width h (`h<width>`, seeds as runs) and one per
  label-corruption level c (`c<percent>`, h = 70, seeds as runs). The levels are separate
  shards, not vmapped runs (`runs.label_noise`): the engine's evaluator maps the per-run label
  axis over the test split's labels as well and fails (see docs/reproductions/thomas2020.md).
  The clean level `c0` is the `h70` shard's configuration, so both names share one run.

Tiers say how much of the paper's grid runs; everything below paper scale is named reduced.
"""

from __future__ import annotations

import dataclasses
import hashlib

import ml_collections

from noisecurv import configlib

ARCHS = ("logreg", "mlp", "big_mlp", "cnn", "cnn_bn")
MODEL_OF = {"logreg": "logreg", "mlp": "mlp70", "big_mlp": "big_mlp", "cnn": "cnn",
            "cnn_bn": "cnn_bn"}
# Smoke-sized widths (the paper's widths make CPU Hessians take minutes).
SMOKE_MODEL = {"mlp": dict(hidden=(12,)), "big_mlp": dict(hidden=(12, 12)),
               "cnn": dict(channels=(4, 6)), "cnn_bn": dict(channels=(4, 6))}
# Datasets the loaders know; which of them exist on a machine is decided by the data directory.
PAPER_DATASETS = ("mnist", "cifar10", "svhn")
SUBSTITUTE = {"fashion_mnist": "Fashion-MNIST, a substitute for CIFAR-10 and SVHN (unavailable)"}
FIG3_WIDTHS = (8, 10, 16, 20, 25, 30, 40, 50, 60, 70, 80, 100)
FIG3_LEVELS = tuple(round(0.1 * i, 1) for i in range(11))


def data_section(c: ml_collections.ConfigDict, dataset: str, n_train: int | None,
                 n_test: int | None = None, standin: bool = False) -> None:
  """7×7 greyscale, per-pixel z-score (spec §3.3 [default]); nested seeded training subsets."""
  c.data.greyscale = dataset in ("cifar10", "cifar100", "svhn")
  c.data.resize = 7
  c.data.normalize = "pixel"
  c.data.n_train = n_train
  c.data.n_test = n_test
  c.data.subset = "random"  # the first n of one seeded permutation: N-subsets are nested
  if standin:
    c.data.standin = "fixture"


def info_probes(c, *, every: int, n_test: int, n_train_probe: int, batch: int,
                final_only: bool = False, train_probe: bool = True, merged: bool = False) -> None:
  """The probes of spec §3.3: on the test subset, H/F/C every `every` steps without
  eigendecompositions (`test`) and everything (TIC, TIC_F, sensitivity) at the end (`final`);
  F and C on a training subset (`train`, Fig. 1) at the same times.

  merged: one `final` probe with everything at every time (one compiled probe instead of two:
  cheaper for the CPU smoke tier, dearer on the GPU where eigendecompositions cost more).
  """
  common = dict(probe_set="test", n=n_test, batch_size=batch, seed=0)
  if not final_only and not merged:
    configlib.add_probe(c, "test", "thomas2020.info", every=every, at_start=True, at_end=False,
                        eig=False, sensitivity=False, **common)
  configlib.add_probe(c, "final", "thomas2020.info", every=every if merged else 0,
                      at_start=merged, at_end=True, eig=True, sensitivity=True, **common)
  if train_probe:
    configlib.add_probe(c, "train", "thomas2020.info", probe_set="train", n=n_train_probe,
                        every=every, at_start=True, at_end=True, matrices="FC", eig=False,
                        sensitivity=False, batch_size=batch, seed=0)


@dataclasses.dataclass(frozen=True)
class GridTier:
  datasets: tuple[str, ...]
  archs: tuple[str, ...]
  sizes: tuple[int, ...]
  lrs: tuple[float, ...]
  batch_sizes: tuple[int, ...]
  steps: int
  probes: int  # probe times after step 0 (every steps/probes)
  n_test_probe: int
  n_train_probe: int  # 0: the whole training subset
  smoke_widths: bool = False
  standin: bool = False
  log_every: int = 1000
  reduced: str = ""  # what is below paper scale ('' for the paper's grid)
  mlp_hidden: tuple[int, ...] = ()  # a narrower `mlp` than the paper's 70 (CPU tiers)


GRID_TIERS = {
    "smoke": GridTier(("digits",), ("logreg", "mlp"), (600,), (5e-3, 5e-2), (64,),
                      steps=400, probes=2, n_test_probe=200, n_train_probe=200,
                      smoke_widths=True, log_every=100,
                      reduced="CI pipeline check: sklearn digits, logreg + small mlp, 400 steps"),
    "cpu": GridTier(("mnist", "fashion_mnist"), ("logreg", "mlp"), (5000, 20000), (1e-2, 1e-3),
                    (64,), steps=75_000, probes=5, n_test_probe=2000, n_train_probe=2000,
                    reduced="2 archs, 2 datasets, 2 lrs, B 64, N {5k, 20k}, 75k steps, 2k test"),
    # One ~10-minute command on a shared 2-core CPU: 2 shards, 6 runs.
    "cpu_small": GridTier(("mnist", "fashion_mnist"), ("mlp",), (1000,),
                          (1e-2, 5e-3, 1e-3), (64,), steps=10_000, probes=2, n_test_probe=1000,
                          n_train_probe=1000, mlp_hidden=(32,), log_every=1000,
                          reduced="MNIST + Fashion-MNIST substitute, mlp 49→32→10 only, "
                                  "N = 1k, B 64, 10k steps (paper 750k), 1k test subset "
                                  "(paper 5k)"),
    "gpu_reduced": GridTier(("mnist", "fashion_mnist"), ARCHS, (5000, 50000), (1e-2, 5e-3, 1e-3),
                            (64,), steps=30_000, probes=3, n_test_probe=5000, n_train_probe=5000,
                            reduced="MNIST + Fashion-MNIST substitute, B 64, N {5k, 50k}, "
                                    "30k steps (paper 750k), 5k train subset for F, C"),
    "full": GridTier(PAPER_DATASETS, ARCHS, (5000, 10000, 20000, 25000, 50000),
                     (1e-2, 5e-3, 1e-3), (64, 512), steps=750_000, probes=10, n_test_probe=5000,
                     n_train_probe=0),
}


def grid_shard(tier: str, dataset: str, arch: str, n_train: int) -> ml_collections.ConfigDict:
  """One (dataset, architecture, N) of the grid: lr × batch size as runs."""
  t = GRID_TIERS[tier]
  c = configlib.base(data=dataset, model=MODEL_OF[arch])
  c.name = f"thomas2020 grid {tier}: {dataset} {arch} N={n_train}"
  data_section(c, dataset, n_train, standin=t.standin)
  if t.smoke_widths and arch in SMOKE_MODEL:
    c.model.update(SMOKE_MODEL[arch])
  if t.mlp_hidden and arch == "mlp":
    c.model.hidden = t.mlp_hidden
  c.optimizer.lr = t.lrs[0]
  c.optimizer.momentum = 0.9
  c.runs.lr = t.lrs
  c.runs.batch_size = t.batch_sizes
  # Dense probes hold several d×d matrices per run (337 MB each for big_mlp) and, for the CNNs,
  # a batch of tangents through every im2col window: one run at a time off the CPU smoke tier.
  c.runs.probe_chunk = 0 if t.smoke_widths else 1
  c.train.batch_size = t.batch_sizes[0]
  c.train.steps = t.steps
  c.train.log_every = t.log_every
  every = t.steps // t.probes
  c.eval.every = every
  c.checkpoint.every = every
  # CNN Hessians materialise a batch of tangents through every im2col window: smaller batches.
  batch = 64 if arch.startswith("cnn") and not t.smoke_widths else 256
  info_probes(c, every=every, n_test=t.n_test_probe, n_train_probe=t.n_train_probe, batch=batch,
              merged=t.smoke_widths)
  c.figure = False
  return c


def grid_shards(tier: str) -> dict[str, ml_collections.ConfigDict]:
  t = GRID_TIERS[tier]
  return {f"{ds}-{a}-n{n}": grid_shard(tier, ds, a, n)
          for ds in t.datasets for a in t.archs for n in t.sizes}


@dataclasses.dataclass(frozen=True)
class Fig3Tier:
  dataset: str
  widths: tuple[int, ...]
  levels: tuple[float, ...]
  seeds: int
  steps: int
  n_train: int
  n_test_probe: int
  batch_size: int = 256
  lr: float = 5e-3
  standin: bool = False
  log_every: int = 1000
  evals: int = 5  # evaluations (and checkpoints) during training
  noise_width: int = 70  # the label-noise shard's width (App. B.3)
  reduced: str = ""


FIG3_TIERS = {
    # CI's budget allows two shards (each compiles its own training step and probe): one width,
    # and the corruption levels 0 (that width's run) and 1.
    "smoke": Fig3Tier("svhn", (16,), (0.0, 1.0), seeds=1, steps=400, n_train=256,
                      n_test_probe=200, batch_size=64, lr=2e-2, standin=True, log_every=100,
                      evals=2, noise_width=16,
                      reduced="CI pipeline check on an SVHN-format stand-in, 256 examples"),
    # Fits a shared 2-core CPU in two ~10-minute commands (widths; levels).
    "cpu": Fig3Tier("fashion_mnist", (10, 20, 40), (0.0, 0.5, 1.0), seeds=2, steps=20_000,
                    n_train=2000, n_test_probe=1000, noise_width=20,
                    reduced="Fashion-MNIST-2k substitute for SVHN-2k; widths {10, 20, 40}, "
                            "c ∈ {0, 0.5, 1} at h = 20, 2 seeds, 20k steps (paper 150k), "
                            "1k test subset (paper 5k)"),
    "paper": Fig3Tier("svhn", FIG3_WIDTHS, FIG3_LEVELS, seeds=3, steps=150_000, n_train=2000,
                      n_test_probe=5000),
    "fmnist": Fig3Tier("fashion_mnist", FIG3_WIDTHS, FIG3_LEVELS, seeds=3, steps=150_000,
                       n_train=2000, n_test_probe=5000,
                       reduced="Fashion-MNIST-2k as a substitute for SVHN-2k (unavailable)"),
    "paper750k": Fig3Tier("svhn", FIG3_WIDTHS, FIG3_LEVELS, seeds=3, steps=750_000, n_train=2000,
                          n_test_probe=5000),
}


def fig3_shard(tier: str, width: int, level: float = 0.0) -> ml_collections.ConfigDict:
  """An SVHN-2k MLP 49→h→10 (App. B.3), a fraction `level` of its training labels redrawn
  uniformly (test labels clean, spec §6.17); seeds as runs."""
  t = FIG3_TIERS[tier]
  c = configlib.base(data=t.dataset, model="mlp")
  c.name = f"thomas2020 fig3 {tier}: {t.dataset} h={width}" + (f" c={level:g}" if level else "")
  data_section(c, t.dataset, t.n_train, standin=t.standin)
  # c = 1 redraws N − 1 of the N labels: with every label redrawn the engine's evaluation of the
  # (then empty) clean-label split divides by zero. One example in 2,000 changes nothing: a
  # redrawn label keeps its value with probability 1/10 anyway.
  c.data.label_noise = float(min(level, (t.n_train - 1) / t.n_train))
  c.model.hidden = (width,)
  c.optimizer.lr = t.lr
  c.optimizer.momentum = 0.9  # App. B.3 gives only lr and batch; momentum as in B.2
  c.runs.repeats = t.seeds
  c.runs.probe_chunk = 3  # dense-probe runs at once hold d×d matrices: a few at a time
  c.train.batch_size = t.batch_size
  c.train.steps = t.steps
  c.train.log_every = t.log_every
  c.eval.every = t.steps // t.evals
  c.checkpoint.every = t.steps // t.evals
  info_probes(c, every=0, n_test=t.n_test_probe, n_train_probe=0, batch=256, final_only=True,
              train_probe=False)
  c.figure = False
  return c


def fig3_shards(tier: str) -> dict[str, ml_collections.ConfigDict]:
  t = FIG3_TIERS[tier]
  out = {f"h{w}": fig3_shard(tier, w) for w in t.widths}
  out.update({level_name(c): fig3_shard(tier, t.noise_width, c) for c in t.levels})
  return out


def level_name(level: float) -> str:
  return f"c{round(100 * level)}"


def is_level(name: str) -> bool:
  return name[:1] == "c" and name[1:].isdigit()


FAMILIES = {"grid": (grid_shards, GRID_TIERS), "fig3": (fig3_shards, FIG3_TIERS)}


def shards_of(family: str, tier: str) -> dict[str, ml_collections.ConfigDict]:
  if family not in FAMILIES:
    raise ValueError(f"unknown family {family!r}; known: {sorted(FAMILIES)}")
  build, tiers = FAMILIES[family]
  if tier not in tiers:
    raise ValueError(f"{family}: unknown tier {tier!r}; known: {sorted(tiers)}")
  return build(tier)


def select(shards: dict, **filters: str) -> tuple[str, ...]:
  """Names of the shards whose name parts contain every given value (dataset=, arch=, n=, h=)."""
  names = []
  for name in shards:
    parts = name.split("-")
    if all(not v or any(p == v or p == f"n{v}" or p == f"h{v}" for p in parts)
           for v in filters.values()):
      names.append(name)
  if not names:
    raise ValueError(f"no shard matches {filters}; shards: {sorted(shards)}")
  return tuple(names)


def suite_config(family: str, tier: str, names: tuple[str, ...] = (), figure: str = ""
                 ) -> ml_collections.ConfigDict:
  """A `thomas2020.shards` config running `names` (all when empty) of a family's tier.

  The digest of the shard configs is part of the config (hence of its run directory), so a
  change to any shard gives a new suite directory rather than a stale finished one.
  """
  shards = shards_of(family, tier)
  names = tuple(names) or tuple(shards)
  c = configlib.base(program="thomas2020.shards")
  c.experiment.family = family
  c.experiment.tier = tier
  c.experiment.shards = names
  c.experiment.figure = figure
  blob = "".join(configlib.config_hash(shards[n]) for n in names)
  c.experiment.digest = hashlib.sha256(blob.encode()).hexdigest()[:12]
  c.figure = False
  return c


def tier_note(family: str, tier: str) -> str:
  return FAMILIES[family][1][tier].reduced


def shard_labels(family: str, tier: str, name: str) -> dict:
  """What a shard is, for figures: dataset (and whether it substitutes), arch, N, width."""
  if family == "grid":
    ds, arch, n = name.split("-")
    out = dict(dataset=ds, arch=arch, n_train=int(n[1:]))
  else:
    t = FIG3_TIERS[tier]
    ds = t.dataset
    out = dict(dataset=ds, arch="mlp", n_train=t.n_train,
               width=t.noise_width if is_level(name) else int(name[1:]),
               label_noise=is_level(name))
  out["substitute"] = ds in SUBSTITUTE
  out["reduced"] = tier_note(family, tier)
  return out


def suite_from_arg(arg: str | None, family: str, default_tier: str, figure: str = "",
                   kind: str = "") -> ml_collections.ConfigDict:
  """The suite config of a config file's argument: `smoke`, `tier=<name>`, and shard filters
  `dataset=`, `arch=`, `n=` (grid) or `h=` (fig3) to run part of a tier (e.g. one GPU command).

  kind 'widths' keeps the fig3 width shards, 'noise' the label-corruption shards.
  """
  opts = configlib.parse_arg(arg, smoke=False, tier=default_tier, dataset="", arch="", n=0, h=0)
  tier = "smoke" if opts.smoke else opts.tier
  shards = shards_of(family, tier)
  if kind == "widths":
    shards = {k: v for k, v in shards.items() if not is_level(k)}
  elif kind == "noise":
    shards = {k: v for k, v in shards.items() if is_level(k)}
  filters = dict(dataset=opts.dataset, arch=opts.arch, n=str(opts.n or ""), h=str(opts.h or ""))
  names = select(shards, **filters) if any(filters.values()) else tuple(shards)
  return suite_config(family, tier, names, figure)
