"""The ensemble training loop behind the 'train' program.

Runs sharing a batch size are one compiled program: parameters, optimizer and
noise states carry a leading run axis and one `lax.scan` advances all of them
`log_every` steps at a time. Between chunks the host logs metrics, evaluates,
runs probes, checkpoints and prints progress.
"""

from __future__ import annotations

import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from noisecurv import configlib, losses, registry
from noisecurv.data import Dataset, load
from noisecurv.models import build
from noisecurv.probes import build_probes
from noisecurv.runner import ensemble
from noisecurv.runner.evaluate import make_evaluator
from noisecurv.runner.launch import DivergedError, RunContext
from noisecurv.runner.optim import base_optimizer, coupled_weight_decay
from noisecurv.runner.schedules import multiplier
from noisecurv.runner.sharding import shard_runs
from noisecurv.runner.step import (
  Carry,
  Hyper,
  Loop,
  StepSpec,
  fractional_epoch,
  loop_mode,
  make_chunk,
  new_permutation,
)


def load_data(config, label_noise: float | None = None) -> Dataset:
  cfg = config.data
  if label_noise is not None and label_noise != cfg.label_noise:
    cfg = cfg.copy_and_resolve_references()
    cfg.label_noise = label_noise
  return load(cfg, seed=0)  # the data depend on data.seed only, never on the run seed


def plan_segments(config, n_train: int, batch_size: int) -> list[tuple[int, int, int]]:
  """[(start step, steps, batch size)]: constant batch size gives one segment."""
  t = config.train
  if batch_size == 0:
    total = t.steps or int(math.ceil(t.epochs))
    return [(0, total, 0)]
  if batch_size > n_train:
    raise ValueError(f"batch size {batch_size} exceeds the {n_train} training examples")
  sched = t.batch_size_schedule
  if sched.name == "constant":
    total = t.steps or int(math.ceil(t.epochs * (n_train // batch_size)))
    return [(0, total, batch_size)]
  if t.steps:
    raise ValueError("train.batch_size_schedule needs train.epochs, not train.steps")
  segs: list[tuple[int, int, int]] = []
  start = 0
  for e in range(int(math.ceil(t.epochs))):
    b = int(round(batch_size * float(multiplier(sched, float(e), t.epochs))))
    b = min(max(b, 1), n_train)
    n = n_train // b
    if segs and segs[-1][2] == b:
      segs[-1] = (segs[-1][0], segs[-1][1] + n, b)
    else:
      segs.append((start, n, b))
    start += n
  return segs


def _init_carry(model, noise_factory, base_tx, config, x0, seeds, n_train, sampling):
  keys = jax.vmap(jax.random.key)(jnp.asarray(seeds, jnp.uint32))
  init_k, data_k, noise_k = (jax.vmap(lambda k, i=i: jax.random.fold_in(k, i))(keys)
                             for i in range(3))
  params, mstate = jax.vmap(lambda k: model.init(k, x0))(init_k)
  noise_seeds = jax.vmap(lambda k: jax.random.randint(k, (), 0, 2**31 - 1))(noise_k)
  noise_state = jax.vmap(lambda s, p: noise_factory(s).init(p))(noise_seeds, params)
  opt_state = jax.vmap(base_tx.init)(params)
  if sampling == "epoch":
    perm = jax.vmap(new_permutation, in_axes=(0, None, None))(data_k, jnp.int32(0), n_train)
  else:
    perm = jnp.zeros((len(seeds), 1), jnp.int32)
  return Carry(params, mstate, noise_state, opt_state, data_k, perm)


# Compiled programs shared by every run of this process whose config differs only in
# runtime values (seeds, learning rates, momentum, evaluation and probe schedules): sweeps
# and tests then compile each shape once.
_COMPILED: dict[tuple, Any] = {}
_RUNTIME_KEYS = ("seed", "name", "figure", "eval", "checkpoint", "probes", "runs")


def _program_key(config, *extra) -> tuple:
  import json

  d = configlib.to_jsonable(config)
  for k in _RUNTIME_KEYS:
    d.pop(k, None)
  d["optimizer"] = {k: v for k, v in d["optimizer"].items() if k not in ("lr", "momentum")}
  return (json.dumps(d, sort_keys=True), ensemble.varied_axes(config)) + extra


def _cached(key: tuple, build):
  fn = _COMPILED.get(key)
  if fn is None:
    fn = _COMPILED[key] = build()
  return fn


def over_runs(fn, chunk: int):
  """jit of fn(params, state, key) vmapped over the run axis, `chunk` runs at a time.

  Probes such as a dense Hessian per run can need far more memory than training;
  lax.map over chunks of runs bounds it (the last chunk is padded with copies).
  """
  vf = jax.vmap(fn, in_axes=(0, 0, None))

  def f(params, mstate, key):
    R = jax.tree_util.tree_leaves(params)[0].shape[0]
    if chunk <= 0 or chunk >= R:
      return vf(params, mstate, key)
    k = -(-R // chunk)
    pad = k * chunk - R

    def split(x):
      x = jnp.concatenate([x, jnp.repeat(x[-1:], pad, axis=0)]) if pad else x
      return x.reshape((k, chunk) + x.shape[1:])

    out = jax.lax.map(lambda pm: vf(pm[0], pm[1], key),
                      (jax.tree.map(split, params), jax.tree.map(split, mstate)))
    return jax.tree.map(lambda y: y.reshape((k * chunk,) + y.shape[2:])[:R], out)

  return jax.jit(f)


def _rowval(v, single):
  a = np.asarray(v)
  return a.reshape(-1)[0].item() if single else a.tolist()


def train(config, run: RunContext) -> None:
  specs = ensemble.expand(config)
  single = len(specs) == 1
  data = load_data(config)
  likelihood = losses.get(config.loss)
  model = build(config.model, num_classes=data.num_classes, input_shape=data.input_shape)
  probes = build_probes(config, model, likelihood, data)
  run.dir.write_json("probes.json", {p.name: p.meta for p in probes})
  run.dir.write_json("runs.json", {"runs": [s.__dict__ for s in specs],
                                   "varied": list(ensemble.varied_axes(config)),
                                   "n_train": data.n_train, "input_shape": data.input_shape,
                                   "num_classes": data.num_classes,
                                   "standin_data": bool(data.meta.get("standin", False)),
                                   "noisy_train_examples": int(data.noisy_mask.sum())
                                   if data.noisy_mask is not None else 0})
  groups = ensemble.groups(specs, config.runs.chunk_size)
  if config.checkpoint.keep_best and len(specs) > 1:
    raise ValueError("checkpoint.keep_best needs a single run")
  st = run.dir.status()
  done = set(st.get("groups_done", []))
  diverged = {int(k): v for k, v in st.get("diverged_runs", {}).items()}
  for gi, group in enumerate(groups):
    if gi in done:
      continue
    suffix = f"-g{gi}" if len(groups) > 1 else ""
    label = (f"[{len(group)} runs] " if len(groups) == 1 else
             f"[group {gi + 1}/{len(groups)}: {len(group)} runs] ") if not single else ""
    diverged.update(_train_group(config, run, gi, suffix, group, data, model, likelihood,
                                 probes, single, label))
    done.add(gi)
    run.dir.update_status(groups_done=sorted(done), diverged_runs=diverged)
  if config.figure:
    from noisecurv.runner.plots import plot_run

    plot_run(run.dir.path)
  if len(diverged) == len(specs):
    run.dir.update_status(all_diverged=True)
    raise DivergedError(f"all {len(specs)} runs produced a non-finite loss "
                        f"(first at step {min(diverged.values())})")


def _train_group(config, run, gi, suffix, group, data, model, likelihood, probes, single, label):
  tcfg = config.train
  R = len(group)
  run_ids = [s.index for s in group]
  B0 = group[0].batch_size
  X = jnp.asarray(data.x_train)
  varied = ensemble.varied_axes(config)
  if "label_noise" in varied:
    cache: dict[float, np.ndarray] = {}
    for s in group:
      if s.label_noise not in cache:
        cache[s.label_noise] = load_data(config, s.label_noise).y_train
    Y = jnp.asarray(np.stack([cache[s.label_noise] for s in group]))
    label_axis = 0
  else:
    Y = jnp.asarray(data.y_train)
    label_axis = None
  N = int(X.shape[0])
  segments = plan_segments(config, N, B0)
  total = segments[-1][0] + segments[-1][1]
  total_epochs = tcfg.epochs or (total * B0 / N if B0 else float(total))
  sampling = tcfg.sampling if B0 else "full"
  if sampling not in ("epoch", "iid", "full"):
    raise ValueError(f"train.sampling {tcfg.sampling!r} not in ('epoch', 'iid')")
  log_every = max(int(tcfg.log_every), 1)
  for what, every in (("eval.every", config.eval.every), ("checkpoint.every",
                                                          config.checkpoint.every)):
    if every and every % log_every:
      raise ValueError(f"{what}={every} must be a multiple of train.log_every={log_every}")
  for p in probes:
    if p.every and p.every % log_every:
      raise ValueError(f"probes.{p.name}.every={p.every} must be a multiple of "
                       f"train.log_every={log_every}")

  noise_entry = registry.NOISES.get(config.noise.kind)
  noise_cfg = config.noise
  if "stop_fraction" in noise_cfg:
    from noisecurv.noise import resolve_stop

    noise_cfg = resolve_stop(noise_cfg, total)  # e.g. wen2019: noise for the first quarter
  noise_factory = lambda seed: noise_entry.fn(noise_cfg, seed=seed)
  base_tx = base_optimizer(config.optimizer)
  spec_kw = dict(model=model, likelihood=likelihood, noise_tx=noise_factory(0), base_tx=base_tx,
                 weight_decay=coupled_weight_decay(config.optimizer),
                 grad_clip=float(config.optimizer.grad_clip), schedule=config.optimizer.schedule,
                 total_epochs=float(total_epochs), n_train=N, sampling=sampling,
                 grad_chunk=int(tcfg.grad_chunk), scale_noise="noise_scale" in varied,
                 set_momentum="momentum" in varied)
  arrs = ensemble.as_arrays(group)
  hyper = Hyper(jnp.asarray(arrs["lr"]), jnp.asarray(arrs["momentum"]),
                jnp.asarray(arrs["noise_scale"]))
  carry = _init_carry(model, noise_factory, base_tx, config, X[:1], arrs["seed"], N, sampling)
  # Traces the model once per program shape, not once per group or trial (sweeps, tests).
  per_step = _cached(_program_key(config, "loop_mode"), lambda: loop_mode(
      tcfg.loop, model, *jax.tree.map(lambda a: a[0], (carry.params, carry.model_state)), X[:1]))
  loop = Loop(jnp.int32(0), jnp.int32(0), jnp.int32(0))
  div_at = np.full((R,), -1, np.int64)

  ck = run.checkpoints
  latest = ck.latest()
  if latest is not None:
    meta_group = ck.restore_meta(latest).get("group")
    if meta_group == gi:
      (carry, loop, div_arr), meta = ck.restore((carry, loop, jnp.asarray(div_at)))
      div_at = np.asarray(div_arr)
      run.dir.truncate_metrics(after_step=int(meta["step"]), runs=set(run_ids))
      run.dir.truncate_arrays(after_step=int(meta["step"]), suffix=suffix)
      print(f"[noisecurv] resumed group {gi} at step {meta['step']}", flush=True)
  if config.runs.shard:
    carry, hyper = shard_runs((carry, hyper), R)

  # The train split carries each run's own labels (label_axis 0 under runs.label_noise);
  # every other split has one set of labels shared by all runs.
  evaluators = {ax: _cached(_program_key(config, "eval", config.eval.batch_size, ax),
                            lambda ax=ax: make_evaluator(model, likelihood,
                                                         config.eval.batch_size, ax))
                for ax in {label_axis, None}}
  vprobes = {p.name: _cached(_program_key(config, "probe", p.name,
                                          configlib.to_jsonable(config.probes[p.name]).__repr__()),
                             lambda p=p: over_runs(p.fn, config.runs.probe_chunk))
             for p in probes}
  step = int(loop.step)
  prog = run.progress(total, label=label, start_step=step)
  best = -np.inf

  def measure(step, *, start=False, end=False, row=None):
    row = row if row is not None else {}
    due_eval = (start and config.eval.at_start) or end or (
        config.eval.every and step % config.eval.every == 0)
    if due_eval:
      for split, (xs, ys) in _eval_splits(config, data, Y, label_axis).items():
        ev = evaluators[label_axis if split == "train" else None]
        for k, v in ev(carry.params, carry.model_state, xs, ys).items():
          row[f"{split}/{k}"] = _rowval(v, single)
    for p in probes:
      if p.due(step, start=start, end=end):
        key = jax.random.fold_in(jax.random.key(p.seed), step)
        out = vprobes[p.name](carry.params, carry.model_state, key)
        arrays = {}
        for k, v in out.items():
          v = np.asarray(v)
          if v.ndim == 1:
            row[f"{p.name}/{k}"] = _rowval(v, single)
          else:
            arrays[k] = v
        if arrays:
          run.dir.save_arrays(p.name, step, suffix=suffix, run=np.asarray(run_ids), **arrays)
    return row

  if step == 0:
    row = measure(0, start=True)
    if row:
      run.log({"step": 0, "epoch": 0.0, "run": run_ids[0] if single else run_ids, **row})

  for seg_start, seg_len, B in segments:
    seg_end = seg_start + seg_len
    if step >= seg_end:
      continue
    spec = StepSpec(batch_size=B, **spec_kw)
    if B and sampling == "epoch" and step == seg_start and seg_start > 0 and int(loop.pos):
      loop = loop._replace(pos=jnp.int32(N))  # a new batch size starts a new epoch
    while step < seg_end:
      n = min(log_every - step % log_every, seg_end - step)
      fn = _cached(_program_key(config, "chunk", B, n, N, label_axis, per_step),
                   lambda spec=spec, n=n: make_chunk(spec, n, label_axis, per_step))
      carry, loop, losses_, lrs = fn(carry, hyper, X, Y, loop)
      step += n
      losses_ = np.asarray(losses_)
      bad = ~np.isfinite(losses_).all(axis=0)
      div_at = np.where(bad & (div_at < 0), step, div_at)
      epoch = float(jax.device_get(fractional_epoch(spec, loop)))
      row = {"step": step, "epoch": epoch, "run": run_ids[0] if single else run_ids,
             "train/batch_loss": _rowval(losses_.mean(axis=0), single),
             "lr": _rowval(np.asarray(lrs)[-1], single)}
      end = step >= total
      measure(step, end=end, row=row)
      if (div_at >= 0).any():
        row["diverged"] = _rowval(div_at >= 0, single)
      run.log(row)
      if config.checkpoint.keep_best and config.checkpoint.keep_best in row:
        v = row[config.checkpoint.keep_best]
        v = v if "loss" not in config.checkpoint.keep_best else -v
        if np.isfinite(v) and v > best:
          best = v
          ck.save(step, (carry, loop, jnp.asarray(div_at)), {"group": gi}, name="best")
      all_div = (div_at >= 0).all() and (tcfg.stop_on_divergence or R > 1)
      if end or all_div or (config.checkpoint.every and step % config.checkpoint.every == 0):
        ck.save(step, (carry, loop, jnp.asarray(div_at)), {"group": gi})
      live = losses_[-1][np.isfinite(losses_[-1])]
      prog.update(step, force=end, loss=float(np.median(live)) if live.size else float("nan"))
      if all_div:
        print(f"[noisecurv] all {R} runs of group {gi} diverged by step {step}", flush=True)
        return {i: int(d) for i, d in zip(run_ids, div_at) if d >= 0}
  return {i: int(d) for i, d in zip(run_ids, div_at) if d >= 0}


def _eval_splits(config, data: Dataset, Y, label_axis):
  n = config.eval.train_n
  xtr = data.x_train[:n] if n else data.x_train
  ytr = (Y[:, :n] if label_axis == 0 else Y[:n]) if n else Y
  out = {"train": (jnp.asarray(xtr), ytr)}
  out["test"] = (jnp.asarray(data.x_test), jnp.asarray(data.y_test))
  if data.x_val is not None:
    out["val"] = (jnp.asarray(data.x_val), jnp.asarray(data.y_val))
  if label_axis is None and data.noisy_mask is not None and data.noisy_mask.any():
    # An empty split (all labels corrupted: no clean examples) is left out, not averaged over zero.
    for name, sel in (("train_noisy", data.noisy_mask), ("train_clean", ~data.noisy_mask)):
      if sel.any():
        out[name] = (jnp.asarray(data.x_train[sel]), jnp.asarray(data.y_train[sel]))
  return out
