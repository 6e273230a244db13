"""Programs that analyse trained networks: Fig. 2 (gradient variance) and Fig. 5b (λ_max).

- `wen2019.grad_variance`: trains SB for `pretrain_epochs` (a `wen2019.train` run in the
  subdirectory `pretrain/`, resumable), freezes it and measures the per-layer variance of the
  four regimes' update directions (`variance`).
- `wen2019.hessian_lmax`: reads the final parameters of every trial of a Table-1 row config
  (probe `wen2019.snapshot`; missing trials are run first), keeps the seeds of the chosen rate
  (`tables.entry`) and measures λ_max after BN folding and temperature calibration, and without
  them (`fold`).
"""

from __future__ import annotations

import json
import pathlib

import jax
import jax.numpy as jnp
import ml_collections
import numpy as np
from jax.flatten_util import ravel_pytree

from noisecurv import configlib, losses, registry
from noisecurv.papers.wen2019 import fold, tables, variance
from noisecurv.registry import PROGRAMS

REPO = pathlib.Path(__file__).resolve().parents[3]


def _sub_run(run, name: str, config):
  from noisecurv.runner.checkpoint import Checkpoints
  from noisecurv.runner.launch import RunContext
  from noisecurv.runner.rundir import RunDir

  d = RunDir(run.dir.path / name)
  return RunContext(config, d, Checkpoints(d.path / "checkpoints"), f"{run.name}/{name}")


def _unravel_like(model, x0, params_flat: np.ndarray, state_flat: np.ndarray):
  params, state = model.init(jax.random.key(0), x0)
  p = ravel_pytree(params)[1](jnp.asarray(params_flat))
  s = ravel_pytree(state)[1](jnp.asarray(state_flat)) if jax.tree.leaves(state) else state
  return p, s


def _final_snapshot(path: pathlib.Path) -> dict[str, np.ndarray]:
  from noisecurv.results import Run

  r = Run(path)
  steps = r.array_steps("snapshot")
  if not steps:
    raise FileNotFoundError(f"{path}: no wen2019.snapshot arrays (experiment.snapshot=False?)")
  return r.arrays("snapshot", steps[-1])


@PROGRAMS.register("wen2019.grad_variance", pretrain_epochs=20.0, pretrain_lr=0.1,
                   small_batch=128, large_batch=4096, draws=100, estimator="ghost_variance",
                   full_matrix="C")
def grad_variance(config, run) -> None:
  """W5 / Fig. 2 (see module docstring); config.data/model/optimizer describe the network."""
  from noisecurv.models import build
  from noisecurv.runner import engine
  from noisecurv.runner.launch import execute

  e = config.experiment
  if run.dir.status().get("variance_done"):
    return
  pre = config.copy_and_resolve_references()
  pre.unlock()
  pre.program = "wen2019.train"
  pre.experiment = registry.PROGRAMS.get("wen2019.train").schema()
  pre.experiment.update(dict(method="sb", schedule="constant", sb_lr=float(e.pretrain_lr),
                             small_batch=int(e.small_batch), large_batch=int(e.large_batch),
                             epochs=float(e.pretrain_epochs), snapshot=True,
                             eval_every_epochs=float(e.pretrain_epochs),
                             checkpoint_every_epochs=max(1.0, float(e.pretrain_epochs) / 4)))
  sub = run.dir.path / "pretrain"
  execute(pre, sub, name=f"{run.name} pretrain", command=f"{run.name} pretrain")
  data = engine.load_data(config)
  model = build(config.model.copy_and_resolve_references(), num_classes=data.num_classes,
                input_shape=data.input_shape)
  model = _with_ghost(model, int(e.small_batch))
  x_all, y_all = jnp.asarray(data.x_train), jnp.asarray(data.y_train)
  snap = _final_snapshot(sub)
  params, state = _unravel_like(model, x_all[:1], snap["params"][0], snap["state"][0])
  res = variance.layer_variances(model, losses.get(config.loss), params, state, x_all, y_all,
                                 jax.random.PRNGKey(int(config.seed)), m_s=int(e.small_batch),
                                 m_l=int(e.large_batch), draws=int(e.draws),
                                 estimator=e.estimator, matrix=e.full_matrix)
  names = list(res["sb"])
  arrays = {r: np.array([res[r][n] for n in names]) for r in variance.REGIMES}
  run.dir.save_arrays("variance", 0, names=np.array(names), **arrays)
  kern = np.array(["kernel" in n for n in names])
  ratio = lambda a, b: np.median(arrays[a][kern] / arrays[b][kern])
  run.log({"step": 0, "layers": int(kern.sum()),
           "median_lb_over_sb": float(ratio("lb", "sb")),
           "median_full_over_sb": float(ratio("lb_full", "sb")),
           "median_diag_over_sb": float(ratio("lb_diag", "sb")),
           "expected_lb_over_sb": variance.expected_lb_ratio(int(e.small_batch),
                                                             int(e.large_batch), data.n_train),
           "standin_data": bool(data.meta.get("standin", False))})
  run.dir.update_status(variance_done=True)


def _with_ghost(model, ghost: int):
  from noisecurv.models import Model

  m = model.module
  return Model(m.clone(ghost_size=ghost), model.name) if hasattr(m, "ghost_size") else model


def _results_root(run) -> pathlib.Path:
  """The results root of this run: its directory is <root>/<config name>/<slug>."""
  name = run.name
  if name.endswith(".py"):
    name = configlib.config_name(name)
  depth = len(pathlib.PurePosixPath(name).parts) if name else 1
  return run.dir.path.parents[depth]


@PROGRAMS.register("wen2019.hessian_lmax", rows=("lenet_fmnist",), source_arg="",
                   n_hessian=10000, lanczos_steps=30, temperature_set="test")
def hessian_lmax(config, run) -> None:
  """W8 / Fig. 5b: λ_max of the final SB, LB and LB + diag models of each Table-1 row in
  `rows` (config configs/wen2019/table1_<row>.py at argument `source_arg`)."""
  e = config.experiment
  done = {int(r["step"]) for r in _rows(run)}
  key = jax.random.PRNGKey(int(config.seed))
  row_i = 0
  for row in e.rows:
    path = str(REPO / f"configs/wen2019/table1_{row}.py")
    for t in _source_trials(run, path, e.source_arg):
      ent = tables.entry(_Run(t.path))
      if any(row_i + j not in done for j in range(len(ent.runs))):
        _lmax_trial(config, run, t, ent, row, row_i, key, done)
      row_i += len(ent.runs)


def _rows(run):
  from noisecurv.results import Run

  return Run(run.dir.path).rows()


def _Run(path):
  from noisecurv.results import Run

  return Run(path)


def _source_trials(run, path: str, arg: str):
  from noisecurv import sweeps
  from noisecurv.runner.launch import execute

  trials = sweeps.trials(path, arg or None, str(_results_root(run)))
  for t in trials:
    if t.status() not in ("done", "diverged"):
      execute(t.config, t.path, name=configlib.config_name(path), command=f"{run.name} source")
  return trials


def _lmax_trial(config, run, t, ent, row: str, row_i: int, key, done: set[int]) -> None:
  from noisecurv.models import build
  from noisecurv.runner import engine

  e = config.experiment
  derived = ml_collections.ConfigDict(json.loads((t.path / "derived_config.json").read_text()))
  data = engine.load_data(derived)
  snap = _final_snapshot(t.path)
  model = build(derived.model, num_classes=data.num_classes, input_shape=data.input_shape)
  plain_cfg = derived.model.copy_and_resolve_references()
  plain_cfg.bn = False
  plain = build(plain_cfg, num_classes=data.num_classes, input_shape=data.input_shape)
  n_h = min(int(e.n_hessian), data.n_train)
  xh, yh = jnp.asarray(data.x_train[:n_h]), jnp.asarray(data.y_train[:n_h])
  x_t, y_t = ((data.x_test, data.y_test) if e.temperature_set == "test"
              else (data.x_val, data.y_val))
  for j, (r, seed) in enumerate(zip(ent.runs, ent.seeds)):
    if row_i + j in done:
      continue
    out = _lmax_one(model, plain, snap["params"][r], snap["state"][r], xh, yh, jnp.asarray(x_t),
                    np.asarray(y_t), jax.random.fold_in(key, row_i + j), int(e.lanczos_steps),
                    losses.get(derived.loss))
    run.log({"step": row_i + j, "row": row, "method": ent.method, "seed": seed, "lr": ent.lr,
             "test_accuracy": float(ent.test[j]), "standin_data": ent.standin, **out})


def _lmax_one(model, plain, p_flat, s_flat, xh, yh, x_t, y_t, key, steps, lik) -> dict:
  params, state = _unravel_like(model, xh[:1], p_flat, s_flat)
  variables = {"params": params, **state}
  layout = fold.trace_layout(model.module, variables, xh[:1])
  p_plain, _ = plain.init(jax.random.key(0), xh[:1])
  plain_layout = fold.trace_layout(plain.module, {"params": p_plain}, xh[:1])
  folded = fold.fold_params(params, state.get("batch_stats", {}), layout, p_plain, plain_layout)
  apply_bn = jax.jit(lambda p, s, x: model.apply(p, s, x, train=False)[0])
  apply_plain = jax.jit(lambda p, x: plain.apply(p, {}, x, train=False)[0])
  n = min(1000, x_t.shape[0])
  diff = float(jnp.max(jnp.abs(apply_bn(params, state, x_t[:n]) - apply_plain(folded, x_t[:n]))))
  logits = np.concatenate([np.asarray(apply_plain(folded, x_t[i:i + 1000]))
                           for i in range(0, x_t.shape[0], 1000)])
  temp = fold.fit_temperature(logits, y_t)
  calibrated = fold.scale_last(folded, plain_layout, 1.0 / temp)
  k1, k2 = jax.random.split(key)
  loss_plain = lambda p: jnp.mean(lik.loss(plain.apply(p, {}, xh, train=False)[0], yh))
  loss_bn = lambda p: jnp.mean(lik.loss(model.apply(p, state, xh, train=False)[0], yh))
  lam = float(jax.jit(lambda p, k: fold.lambda_max(loss_plain, p, k, steps))(calibrated, k1))
  lam_raw = float(jax.jit(lambda p, k: fold.lambda_max(loss_bn, p, k, steps))(params, k2))
  return {"lambda_max": lam, "lambda_max_raw": lam_raw, "temperature": temp,
          "fold_max_abs_diff": diff}
