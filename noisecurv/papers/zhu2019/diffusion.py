"""The diffusion phase (spec E5–E8, E10, E13): every Table 1 dynamic started from θ*_GD.

θ*_GD is the final `zhu2019.snapshot` of the pre-training run named by `experiment.pretrain`
(a config file, run first when it has not finished; its data and model sections must equal
this config's). Each dynamic (and each of `seeds` repeats) is one single-run program: the
runner's training step (`noisecurv.runner.step.run_step`) scanned over `log_every` steps,
without an ensemble axis, so a noise structure refreshed every 10 steps really is computed
every 10 steps (under vmap `lax.cond` would evaluate both branches at every step).

Logging: one metrics row per chunk, step = the global iteration (pre-training steps + t),
`run` = the seed index, keys `<dynamic>/<split>/<loss|accuracy>` (full splits; train_noisy /
train_clean when labels are corrupted), `<dynamic>/batch_loss` and `<dynamic>/<probe>/<key>`;
arrays under `arrays/<dynamic>/<probe>/`. Evaluation every `eval.every` steps and at every
step up to `dense_until` (Fig. 8). Probes follow their own schedule, plus every
`probe_early_every` steps before `probe_early_until` (Fig. 5: every 10 for the first 200).
Each (dynamic, seed) checkpoints every `checkpoint_every` steps in `checkpoints/<dyn>-s<r>/`;
a rerun skips finished ones (status `dynamics_done`) and resumes the others exactly.
"""

from __future__ import annotations

import json
import os
import pathlib

import jax
import jax.numpy as jnp
import ml_collections
import numpy as np
from jax.flatten_util import ravel_pytree

from noisecurv import configlib, losses, registry
from noisecurv.papers.zhu2019 import dynamics
from noisecurv.results import Run
from noisecurv.runner.checkpoint import Checkpoints

REPO = pathlib.Path(__file__).resolve().parents[3]

DIFFUSION_DEFAULTS = dict(
    pretrain="configs/zhu2019/fmnist_gd_pretrain.py",  # the θ*_GD config (from the repo root)
    pretrain_arg="",  # its config argument
    dynamics=dynamics.ALL,
    steps=15000,  # diffusion iterations after θ*_GD (§6 #10)
    seeds=1,  # repeats with seeds seed, seed+1, ... (noise and SGD batches; θ*_GD is shared)
    log_every=10,  # steps per compiled chunk and metrics row
    dense_until=50,  # a row, with evaluation, at every step t <= dense_until (Fig. 8)
    probe_early_every=0,  # periodic probes also every ... steps while t < probe_early_until
    probe_early_until=0,
    checkpoint_every=1000,
    **dynamics.DYNAMICS_DEFAULTS,
)


# -- θ*_GD ---------------------------------------------------------------------------------


def results_root(run) -> pathlib.Path:
  """The results root of `run`, whose directory is <root>/<config name>/<slug>."""
  name = run.name
  if name.endswith(".py"):
    name = configlib.config_name(name)
  depth = len(pathlib.PurePosixPath(name).parts) if name else 2
  return run.dir.path.parents[depth]


def load_pretrain(config, run) -> dict:
  """{'theta': flat θ*_GD (numpy), 'steps', 'train_accuracy', 'path', 'standin'}; runs the
  pre-training config first when it has not finished."""
  from noisecurv.runner import launch

  e = config.experiment
  arg = e.pretrain_arg or None
  pcfg = launch.load_config_file(str(REPO / e.pretrain), arg)
  for sec in ("data", "model", "loss"):
    mine, theirs = (configlib.to_jsonable(c)[sec] for c in (config, pcfg))
    if mine != theirs:
      raise ValueError(f"experiment.pretrain {e.pretrain}:{arg or ''} has another {sec} section "
                       f"than this config: {theirs} vs {mine}")
  path = launch.run_dir_for(e.pretrain, arg, {}, pcfg, str(results_root(run)))
  if (Run(path).status.get("status") if path.exists() else None) != "done":
    launch.execute(pcfg, path, name=configlib.config_name(e.pretrain),
                   command=f"{run.name}: pre-training θ*_GD")
  prun = Run(path)
  steps = prun.array_steps("snapshot")
  if not steps:
    raise FileNotFoundError(f"{path}: no 'snapshot' arrays (the pre-training config needs the "
                            f"zhu2019.snapshot probe)")
  info = json.loads((path / "pretrain.json").read_text()) if (path / "pretrain.json").exists() \
      else {}
  runs = json.loads((path / "runs.json").read_text())
  return {"theta": prun.arrays("snapshot", steps[-1])["params"][0], "steps": int(steps[-1]),
          "train_accuracy": info.get("train_accuracy", float("nan")), "path": str(path),
          "extended": bool(info.get("extended", False)),
          "standin": bool(runs.get("standin_data", False))}


# -- the compiled chunk ------------------------------------------------------------------------

_CHUNKS: dict[tuple, object] = {}


def _json(*sections) -> str:
  return json.dumps([configlib.to_jsonable(c) for c in sections], sort_keys=True)


def _cached(key: tuple, build):
  fn = _CHUNKS.get(key)
  if fn is None:
    fn = _CHUNKS[key] = build()
  return fn


def sgd_indices(data_key: jax.Array, step: jax.Array, n: int, m: int) -> jax.Array:
  """m distinct indices of n, uniformly (the runner's 'iid' sampling): i.i.d. across steps."""
  u = jax.random.uniform(jax.random.fold_in(data_key, step), (n,))
  return jax.lax.top_k(u, m)[1]


def chunk_fn(spec, n_steps: int):
  """jit (carry, hyper, X, Y, loop) -> (carry, loop, losses (n,)) for one run."""
  from noisecurv.runner.step import Loop, run_step

  b, n = spec.batch_size, spec.n_train

  def chunk(carry, hyper, X, Y, loop):
    def body(state, _):
      carry, loop = state
      idx = None if b == 0 else sgd_indices(carry.data_key, loop.step, n, b)
      carry, loss, _ = run_step(spec, carry, hyper, X, Y, idx, loop)
      return (carry, Loop(loop.step + 1, loop.epoch, loop.pos)), loss

    (carry, loop), out = jax.lax.scan(body, (carry, loop), None, length=n_steps)
    return carry, loop, out

  return jax.jit(chunk, donate_argnums=(0,))


# -- resume bookkeeping ------------------------------------------------------------------------


def truncate_dynamic(run_dir, dyn: str, r: int, after_step: int) -> None:
  """Drops the metrics rows and arrays of (dynamic, seed r) logged after `after_step`."""
  p = run_dir.metrics_path
  if p.exists():
    keep = []
    for line in p.read_text().splitlines():
      try:
        row = json.loads(line)
      except json.JSONDecodeError:
        continue  # a torn last line
      mine = row.get("run", 0) == r and any(k.startswith(f"{dyn}/") for k in row)
      if not (mine and row.get("step", 0) > after_step):
        keep.append(line)
    tmp = p.with_suffix(".tmp")
    tmp.write_text("".join(k + "\n" for k in keep))
    os.replace(tmp, p)
  for f in (run_dir.path / "arrays" / dyn).glob(f"*/*-s{r}.npz"):
    if int(f.name[:9]) > after_step:
      f.unlink()


def _eval_splits(data) -> dict:
  out = {"train": (data.x_train, data.y_train), "test": (data.x_test, data.y_test)}
  m = data.noisy_mask
  if m is not None and m.any():
    out["train_noisy"] = (data.x_train[m], data.y_train[m])
    out["train_clean"] = (data.x_train[~m], data.y_train[~m])
  return {k: (jnp.asarray(x), jnp.asarray(y)) for k, (x, y) in out.items()}


def _optimizer(config, lr: float):
  from noisecurv.runner.optim import base_optimizer

  cfg = ml_collections.ConfigDict(configlib.to_jsonable(config)["optimizer"])
  cfg.lr = lr
  return base_optimizer(cfg)


# -- the program -------------------------------------------------------------------------------


class _Setup:
  """What every (dynamic, seed) shares: data, model, θ*_GD, evaluator, probes."""

  def __init__(self, config, run, pre):
    from noisecurv.data import load
    from noisecurv.models import build
    from noisecurv.probes import build_probes
    from noisecurv.runner.evaluate import make_evaluator

    self.data = load(config.data, seed=0)
    self.likelihood = losses.get(config.loss)
    self.model = build(config.model, num_classes=self.data.num_classes,
                       input_shape=self.data.input_shape)
    self.X, self.Y = jnp.asarray(self.data.x_train), jnp.asarray(self.data.y_train)
    params0, self.mstate = self.model.init(jax.random.key(0), self.X[:1])
    flat0, unravel = ravel_pytree(params0)
    if flat0.shape != pre["theta"].shape:
      raise ValueError(f"θ*_GD has {pre['theta'].shape[0]} entries, the model {flat0.shape[0]}")
    self.theta = unravel(jnp.asarray(pre["theta"], flat0.dtype))
    self.offset = pre["steps"]
    self.probes = build_probes(config, self.model, self.likelihood, self.data)
    # Jitted probes and evaluator are shared by the runs of this process that have the same
    # data, model and probe settings (the trials of a sweep).
    shared = _json(config.data, config.model) + config.loss
    self.jprobes = {p.name: _cached(("probe", shared, _json(config.probes[p.name])),
                                    lambda p=p: jax.jit(p.fn)) for p in self.probes}
    self.evaluator = _cached(("eval", shared, int(config.eval.batch_size)),
                             lambda: make_evaluator(self.model, self.likelihood,
                                                    config.eval.batch_size, None))
    self.splits = _eval_splits(self.data)
    self.config = config
    self.run = run

  def measure(self, dyn: str, r: int, t: int, params, *, start=False, end=False,
              row=None) -> dict:
    e, c = self.config.experiment, self.config
    row = {} if row is None else row
    if start or end or t <= e.dense_until or (c.eval.every and t % c.eval.every == 0):
      batched = jax.tree.map(lambda a: a[None], params)
      ms = jax.tree.map(lambda a: a[None], self.mstate)
      for split, (xs, ys) in self.splits.items():
        for k, v in self.evaluator(batched, ms, xs, ys).items():
          row[f"{dyn}/{split}/{k}"] = float(np.asarray(v)[0])
    early = (e.probe_early_every > 0 and 0 < t < e.probe_early_until
             and t % e.probe_early_every == 0)
    for p in self.probes:
      periodic = p.every > 0 and not start and (t % p.every == 0 or early)
      if not ((start and p.at_start) or (end and p.at_end) or periodic):
        continue
      key = jax.random.fold_in(jax.random.key(p.seed), self.offset + t)
      arrays = {}
      for k, v in self.jprobes[p.name](params, self.mstate, key).items():
        v = np.asarray(v)
        if v.ndim == 0:
          row[f"{dyn}/{p.name}/{k}"] = float(v)
        else:
          arrays[k] = v[None]
      if arrays:
        self.run.dir.save_arrays(f"{dyn}/{p.name}", self.offset + t, suffix=f"-s{r}",
                                 run=np.asarray([r]), **arrays)
    return row


def _run_dynamic(s: _Setup, index: int, name: str, r: int) -> int | None:
  """Runs (or resumes) dynamic `name` with seed index r; returns the step it diverged at."""
  from noisecurv.runner.step import Carry, Hyper, Loop, StepSpec

  config, run, e = s.config, s.run, s.config.experiment
  dyn = dynamics.build(name, e)
  seed = int(config.seed) + r
  noise_tx = registry.NOISES.get(dyn.noise.kind).fn(dyn.noise, seed=seed * 1000 + index)
  if e.inject_only_on_refresh and name in ("gld_leading", "gld_hessian") and dyn.refresh_every > 1:
    noise_tx = dynamics.only_on_refresh(noise_tx, dyn.refresh_every)
  base_tx = _optimizer(config, dyn.lr)
  spec = StepSpec(model=s.model, likelihood=s.likelihood, noise_tx=noise_tx, base_tx=base_tx,
                  weight_decay=0.0, grad_clip=0.0, schedule=config.optimizer.schedule,
                  total_epochs=1.0, n_train=int(s.X.shape[0]), batch_size=dyn.batch_size,
                  sampling="iid" if dyn.batch_size else "full",
                  grad_chunk=int(config.train.grad_chunk),
                  scale_noise=name == "gld_const", set_momentum=False)
  theta = jax.tree.map(jnp.copy, s.theta)  # the chunk donates its carry; θ*_GD must survive
  carry = Carry(theta, jax.tree.map(jnp.copy, s.mstate), noise_tx.init(theta), base_tx.init(theta),
                jax.random.fold_in(jax.random.key(seed), 0x5D), jnp.zeros((1,), jnp.int32))
  hyper = Hyper(jnp.float32(dyn.lr), jnp.float32(0.0), jnp.float32(dyn.noise_scale))
  loop = Loop(jnp.int32(0), jnp.int32(0), jnp.int32(0))
  tag = f"{name}-s{r}"
  ck = Checkpoints(run.dir.path / "checkpoints" / tag, keep=config.checkpoint.keep)
  t = 0
  if ck.latest() is not None:
    (carry, loop), meta = ck.restore((carry, loop))
    t = int(meta["step"])
    truncate_dynamic(run.dir, name, r, s.offset + t)
    print(f"[zhu2019] {tag}: resumed at step {t}", flush=True)
  else:
    run.log({"step": s.offset, "run": r, **s.measure(name, r, 0, s.theta, start=True)})
  key = ("chunk", _json(dyn.noise, config.model, config.optimizer), dyn.batch_size,
         spec.scale_noise,
         bool(e.inject_only_on_refresh), config.loss, tuple(s.X.shape), str(s.X.dtype),
         int(config.train.grad_chunk))
  prog = run.progress(int(e.steps), label=f"[{tag}] ", start_step=t)
  while t < e.steps:
    n = 1 if t < e.dense_until else min(e.log_every - t % e.log_every, e.steps - t)
    fn = _cached(key + (n,), lambda n=n: chunk_fn(spec, n))
    carry, loop, out = fn(carry, hyper, s.X, s.Y, loop)
    t += n
    out = np.asarray(out)
    row = {"step": s.offset + t, "run": r, f"{name}/batch_loss": float(out.mean())}
    if not np.isfinite(out).all():
      row[f"{name}/diverged"] = 1.0
      run.log(row)
      ck.save(t, (carry, loop))
      print(f"[zhu2019] {tag}: non-finite loss by step {t}", flush=True)
      return t
    run.log(s.measure(name, r, t, carry.params, end=t >= e.steps, row=row))
    if t >= e.steps or (e.checkpoint_every and t % e.checkpoint_every == 0):
      ck.save(t, (carry, loop))
    prog.update(t, force=t >= e.steps, loss=float(out[-1]))
  return None


def diffusion(config, run) -> None:
  """Every dynamic of `experiment.dynamics` × `seeds` from θ*_GD (see the module docstring)."""
  e = config.experiment
  for name in e.dynamics:
    if name not in dynamics.ALL:
      raise ValueError(f"experiment.dynamics: unknown {name!r}; known: {dynamics.ALL}")
  if e.log_every < 1 or e.steps < 1 or e.seeds < 1:
    raise ValueError("experiment.log_every, steps and seeds must be >= 1")
  pre = load_pretrain(config, run)
  s = _Setup(config, run, pre)
  run.dir.write_json("runs.json", {
      "runs": [{"index": r, "seed": int(config.seed) + r} for r in range(e.seeds)],
      "n_train": s.data.n_train, "standin_data": bool(s.data.meta.get("standin", False)),
      "noisy_train_examples": int(s.data.noisy_mask.sum()) if s.data.noisy_mask is not None
      else 0})
  run.dir.write_json("diffusion.json", {
      "pretrain_steps": s.offset, "pretrain_train_accuracy": pre["train_accuracy"],
      "pretrain_extended": pre["extended"], "pretrain_path": pre["path"],
      "dynamics": list(e.dynamics), "steps": int(e.steps), "seeds": int(e.seeds),
      "lr": {n: dynamics.build(n, e).lr for n in e.dynamics}})
  st = run.dir.status()
  done = set(st.get("dynamics_done", []))
  diverged = dict(st.get("diverged", {}))
  for name in e.dynamics:
    for r in range(int(e.seeds)):
      tag = f"{name}-s{r}"
      if tag in done:
        continue
      at = _run_dynamic(s, dynamics.ALL.index(name), name, r)
      if at is not None:
        diverged[tag] = at
      done.add(tag)
      run.dir.update_status(dynamics_done=sorted(done), diverged=diverged)
