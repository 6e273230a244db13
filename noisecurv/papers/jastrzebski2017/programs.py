"""Programs and probes of jastrzebski2017 (imported with every config).

- `jastrzebski2017.train`: the `train` program on settings derived from scale-free keys
  (η/S multipliers, schedules of η or S, training-set fractions, epoch-based logging;
  see `derive`).
- `jastrzebski2017.interpolate`: Fig. 4, loss and accuracy along the line between the final
  parameters of two endpoint runs (trials of another config's sweep, run first if needed),
  with BN recalibrated at every point.
- probe `jastrzebski2017.snapshot`: the raveled final parameters and BN statistics of every
  run (arrays), which `interpolate` reads back.
- the theory programs E0a–E0e (`theory_programs`).
"""

from __future__ import annotations

import pathlib

import jax
import jax.numpy as jnp
import numpy as np
from jax.flatten_util import ravel_pytree

from noisecurv import configlib, losses
from noisecurv.papers.jastrzebski2017 import theory_programs  # noqa: F401  (registers E0a–e)
from noisecurv.papers.jastrzebski2017.derive import TRAIN_DEFAULTS, derived_config
from noisecurv.registry import PROBES, PROGRAMS

REPO = pathlib.Path(__file__).resolve().parents[3]
SNAPSHOT = "jastrzebski2017.snapshot"


@PROGRAMS.register("jastrzebski2017.train", **TRAIN_DEFAULTS)
def train(config, run) -> None:
  """`train` on the settings `derive.derived_config` computes (written to derived_config.json)."""
  from noisecurv.runner import engine

  derived = derived_config(config)
  run.dir.write_json("derived_config.json", configlib.to_jsonable(derived))
  engine.train(derived, run)


@PROBES.register(SNAPSHOT)
def snapshot(ctx, cfg):
  """θ and the BN running statistics of a run, raveled (`ravel_pytree` order), as arrays."""

  def fn(params, state, key):
    theta = ravel_pytree(params)[0]
    stats = ravel_pytree(state)[0] if jax.tree.leaves(state) else jnp.zeros((0,), theta.dtype)
    return {"params": theta, "state": stats}

  m = dict(quantity="raveled parameters and BN statistics", sample="none")
  return fn, {"params": m, "state": m}


INTERPOLATE_DEFAULTS = dict(
    endpoints="",  # config file (from the repository root) whose sweep trials are the endpoints
    endpoint_arg="",  # its config argument (set by get_config to the same scale)
    pairs=(),  # ((i, j), ...): sweep trial i at α = 0 (θ_A), trial j at α = 1 (θ_B)
    seeds=1,  # pair run r of trial i with run r of trial j, r < seeds
    alpha_min=-1.0,
    alpha_max=2.0,
    num_alphas=61,
    recal_batches=20,  # BN recalibration: this many training batches ...
    recal_batch_size=500,  # ... of this size (the first training examples, un-augmented)
    eval_train_n=10000,  # train loss/accuracy on the first n training examples (0 = all)
    eval_test_n=0,  # test examples (0 = all)
    eval_batch=1000,
    alpha_batch=1,  # interpolation points evaluated at once
    lambda_probe="lam",  # endpoint probe whose lambda_max is reported beside the curves
)


def _results_root(run) -> pathlib.Path:
  """The results root of this run: its directory is <root>/<config name>/<slug>."""
  name = run.name
  if name.endswith(".py"):
    name = configlib.config_name(name)
  depth = len(pathlib.PurePosixPath(name).parts) if name else 1
  return run.dir.path.parents[depth]


def _endpoint_trials(config, run):
  from noisecurv import sweeps
  from noisecurv.runner import launch

  e = config.experiment
  if not e.endpoints:
    raise ValueError("experiment.endpoints must name the config whose trials are the endpoints")
  path = str(REPO / e.endpoints)
  trials = sweeps.trials(path, e.endpoint_arg or None, str(_results_root(run)))
  need = sorted({int(i) for pair in e.pairs for i in pair})
  for i in need:
    t = trials[i]
    if t.status() not in ("done", "diverged"):
      launch.execute(t.config, t.path, name=configlib.config_name(path),
                     command=f"{run.name} endpoint trial {i}")
  return trials


def _load_endpoint(trial):
  """(snapshot arrays, results.Run) of a finished endpoint trial."""
  from noisecurv.results import Run

  r = Run(trial.path)
  steps = r.array_steps("snapshot")
  if not steps:
    raise FileNotFoundError(f"{trial.path}: no 'snapshot' probe arrays (add the "
                            f"{SNAPSHOT!r} probe to the endpoint config)")
  return r.arrays("snapshot", steps[-1]), r


def _lambda(r, probe: str) -> np.ndarray:
  key = f"{probe}/lambda_max"
  m = r.metrics()
  return m[key].last() if key in m else np.full(r.n_runs, np.nan)


@PROGRAMS.register("jastrzebski2017.interpolate", **INTERPOLATE_DEFAULTS)
def interpolate(config, run) -> None:
  """Fig. 4: curves along θ_α = (1 − α)θ_A + αθ_B for each pair of endpoint trials and seed."""
  from noisecurv.models import build
  from noisecurv.papers.jastrzebski2017 import interpolation
  from noisecurv.runner.engine import load_data

  e = config.experiment
  trials = _endpoint_trials(config, run)
  alphas = jnp.linspace(e.alpha_min, e.alpha_max, e.num_alphas)
  fn = None
  summary = {"pairs": [], "alphas": np.asarray(alphas).tolist()}
  for p, (i, j) in enumerate(e.pairs):
    ta, tb = trials[int(i)], trials[int(j)]
    (snap_a, run_a), (snap_b, run_b) = _load_endpoint(ta), _load_endpoint(tb)
    base = derived_config(ta.config) if ta.config.program == "jastrzebski2017.train" \
        else ta.config
    data = load_data(base)
    model = build(base.model, num_classes=data.num_classes, input_shape=data.input_shape)
    params0, state0 = model.init(jax.random.key(0), jnp.asarray(data.x_train[:1]))
    unravel_p = ravel_pytree(params0)[1]
    unravel_s = ravel_pytree(state0)[1] if jax.tree.leaves(state0) else (lambda v, s=state0: s)
    nb, bs = e.recal_batches, min(e.recal_batch_size, data.n_train // max(e.recal_batches, 1))
    recal = jnp.asarray(data.x_train[:nb * bs]).reshape((nb, bs) + data.input_shape)
    ntr = e.eval_train_n or data.n_train
    nte = e.eval_test_n or len(data.y_test)
    sets = {"train": (jnp.asarray(data.x_train[:ntr]), jnp.asarray(data.y_train[:ntr])),
            "test": (jnp.asarray(data.x_test[:nte]), jnp.asarray(data.y_test[:nte]))}
    if fn is None:
      fn = interpolation.curve_fn(model, losses.get(base.loss), eval_batch=e.eval_batch,
                                  alpha_batch=e.alpha_batch)
    lam_a, lam_b = _lambda(run_a, e.lambda_probe), _lambda(run_b, e.lambda_probe)
    for r in range(int(e.seeds)):
      name = f"pair{p}"
      row = {"step": p * 1000 + r, "pair": p, "seed": r, "trial_a": int(i), "trial_b": int(j),
             "lambda_a": float(lam_a[r]), "lambda_b": float(lam_b[r])}
      done = (run.dir.path / "arrays" / name / f"{r:09d}.npz").exists()
      pa, pb = snap_a["params"][r], snap_b["params"][r]
      if not done and np.isfinite(pa).all() and np.isfinite(pb).all():
        out = fn(unravel_p(jnp.asarray(pa)), unravel_p(jnp.asarray(pb)),
                 unravel_s(jnp.asarray(snap_a["state"][r])), alphas, recal, sets)
        flat = {f"{s}_{k}": np.asarray(v) for s, d in out.items() for k, v in d.items()}
        run.dir.save_arrays(name, r, alphas=np.asarray(alphas), **flat)
        run.log(row)
      elif not done:
        run.log({**row, "diverged_endpoint": True})
    summary["pairs"].append({"a": str(ta.path), "b": str(tb.path), "overrides_a": ta.overrides,
                             "overrides_b": tb.overrides})
  run.dir.write_json("interpolation.json", summary)
