"""The compiled training step and the scanned chunk of steps, vmapped over an ensemble.

Per-run state (`Carry`) has a leading run axis; the loop state (`Loop`: step, epoch,
position in the epoch) is shared by all runs, since runs advance in lockstep. Keeping
the loop state unbatched lets `lax.cond` (new epoch -> new permutation) stay a real
branch under `vmap`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from noisecurv.configlib import LOOPS
from noisecurv.losses import Likelihood
from noisecurv.models import Model
from noisecurv.noise import NoiseContext
from noisecurv.runner.schedules import multiplier


class Carry(NamedTuple):
  params: Any
  model_state: Any
  noise_state: Any
  opt_state: Any
  data_key: jax.Array  # typed key, per run
  perm: jax.Array  # (N,) current epoch's permutation ('epoch' sampling), else (1,)


class Loop(NamedTuple):
  step: jax.Array  # int32
  epoch: jax.Array  # int32 completed passes ('epoch' sampling)
  pos: jax.Array  # int32 position in the current permutation


class Hyper(NamedTuple):
  lr: jax.Array
  momentum: jax.Array
  noise_scale: jax.Array


@dataclasses.dataclass(frozen=True)
class StepSpec:
  """Static description of one compiled program (one batch size)."""

  model: Model
  likelihood: Likelihood
  noise_tx: optax.GradientTransformationExtraArgs
  base_tx: optax.GradientTransformation
  weight_decay: float
  grad_clip: float
  schedule: Any  # optimizer.schedule ConfigDict
  total_epochs: float
  n_train: int
  batch_size: int  # 0 = full batch
  sampling: str  # 'epoch' | 'iid'
  grad_chunk: int
  scale_noise: bool  # runs vary noise_scale
  set_momentum: bool


def fractional_epoch(spec: StepSpec, loop: Loop) -> jax.Array:
  if spec.batch_size == 0:
    return loop.step.astype(jnp.float32)
  if spec.sampling == "epoch":
    return loop.epoch.astype(jnp.float32) + loop.pos.astype(jnp.float32) / spec.n_train
  return loop.step.astype(jnp.float32) * spec.batch_size / spec.n_train


def new_permutation(data_key: jax.Array, epoch: jax.Array, n: int) -> jax.Array:
  return jax.random.permutation(jax.random.fold_in(data_key, epoch), n)


def _loss_fn(spec: StepSpec, rng=None):
  def loss_fn(params, model_state, x, y, w=None):
    out, new_state = spec.model.apply(params, model_state, x, train=True, rng=rng)
    per = spec.likelihood.loss(out, y)
    loss = jnp.mean(per) if w is None else jnp.sum(per * w)
    return loss, new_state

  return loss_fn


def _full_batch_grad(spec: StepSpec, params, model_state, X, Y, rng=None):
  """Gradient of the mean loss over the whole split, accumulated over chunks if asked."""
  loss_fn = _loss_fn(spec, rng)
  n = X.shape[0]
  c = spec.grad_chunk
  if c <= 0 or c >= n:
    (loss, new_state), g = jax.value_and_grad(loss_fn, has_aux=True)(params, model_state, X, Y)
    return loss, new_state, g
  k = -(-n // c)
  pad = k * c - n
  w = jnp.concatenate([jnp.full((n,), 1.0 / n), jnp.zeros((pad,))]).reshape(k, c)
  Xp = jnp.concatenate([X, jnp.zeros((pad,) + X.shape[1:], X.dtype)]).reshape((k, c) + X.shape[1:])
  Yp = jnp.concatenate([Y, jnp.zeros((pad,) + Y.shape[1:], Y.dtype)]).reshape((k, c) + Y.shape[1:])

  def body(acc, chunk):
    xs, ys, ws = chunk
    (l, st), g = jax.value_and_grad(loss_fn, has_aux=True)(params, model_state, xs, ys, ws)
    return (acc[0] + l, jax.tree.map(jnp.add, acc[1], g)), st

  zero = jax.tree.map(jnp.zeros_like, params)
  (loss, g), states = jax.lax.scan(body, (jnp.zeros(()), zero), (Xp, Yp, w))
  new_state = jax.tree.map(lambda s: s[-1], states)
  return loss, new_state, g


def run_step(spec: StepSpec, carry: Carry, hyper: Hyper, X, Y, idx, loop: Loop):
  """One update of one run. idx: (B,) example indices, or None for the full batch."""
  # Dropout masks (models with dropout only) are a function of the run's data key and step.
  rng = (jax.random.fold_in(jax.random.fold_in(carry.data_key, 0x0D50), loop.step)
         if spec.model.needs_rng else None)
  loss_fn = _loss_fn(spec, rng)
  params, mstate = carry.params, carry.model_state
  if idx is None:
    x, y = X, Y
    loss, new_mstate, g = _full_batch_grad(spec, params, mstate, X, Y, rng)
  else:
    x, y = X[idx], Y[idx]
    (loss, new_mstate), g = jax.value_and_grad(loss_fn, has_aux=True)(params, mstate, x, y)
  lr = hyper.lr * multiplier(spec.schedule, fractional_epoch(spec, loop), spec.total_epochs)
  if spec.grad_clip > 0:
    g = _clip(g, spec.grad_clip)
  ctx = NoiseContext(
      loss_fn=lambda p, xb, yb: loss_fn(p, mstate, xb, yb)[0],
      per_example_loss_fn=lambda p, xb, yb: spec.likelihood.loss(
          spec.model.apply(p, mstate, xb, train=True, rng=rng)[0], yb),
      apply_fn=lambda p, xb: spec.model.apply(p, mstate, xb, train=True, rng=rng)[0],
      likelihood=spec.likelihood, batch=(x, y), train_data=(X, Y), lr=lr, step=loop.step)
  g_noisy, noise_state = spec.noise_tx.update(g, carry.noise_state, params, noise_ctx=ctx)
  if spec.scale_noise:
    g_noisy = jax.tree.map(lambda a, b: a + hyper.noise_scale * (b - a), g, g_noisy)
  if spec.weight_decay:
    g_noisy = jax.tree.map(lambda a, p: a + spec.weight_decay * p, g_noisy, params)
  hp = dict(carry.opt_state.hyperparams)
  hp["learning_rate"] = jnp.asarray(lr, jnp.asarray(hp["learning_rate"]).dtype)
  if spec.set_momentum and "momentum" in hp:
    hp["momentum"] = jnp.asarray(hyper.momentum, jnp.asarray(hp["momentum"]).dtype)
  opt_state = carry.opt_state._replace(hyperparams=hp)
  updates, opt_state = spec.base_tx.update(g_noisy, opt_state, params)
  params = optax.apply_updates(params, updates)
  new = carry._replace(params=params, model_state=new_mstate, noise_state=noise_state,
                       opt_state=opt_state)
  return new, loss, lr


def _clip(g, max_norm):
  norm = optax.global_norm(g)
  factor = jnp.minimum(1.0, max_norm / (norm + 1e-12))
  return jax.tree.map(lambda a: a * factor, g)


def _indices(spec: StepSpec, carry: Carry, loop: Loop):
  """This step's example indices for one run."""
  B, N = spec.batch_size, spec.n_train
  if spec.sampling == "epoch":
    return jax.lax.dynamic_slice(carry.perm, (loop.pos,), (B,))
  u = jax.random.uniform(jax.random.fold_in(carry.data_key, loop.step), (N,))
  return jax.lax.top_k(u, B)[1]  # B distinct indices, uniformly at random


def make_chunk(spec: StepSpec, n_steps: int, label_axis: int | None,
               per_step: bool = False) -> Callable:
  """(carry, hyper, X, Y, loop) -> (carry, loop, losses (n, R), lrs (n, R)) over n steps.

  One compiled program scans the n steps, unless `per_step`: then one compiled step (no loop
  in the program) is called n times. XLA:CPU runs convolutions' gradients an order of
  magnitude slower inside a loop body than outside one (see `loop_mode`); on accelerators the
  scan saves the per-step dispatch.
  """
  B, N = spec.batch_size, spec.n_train

  def one_run(carry, hyper, X, Y, loop):
    idx = None if B == 0 else _indices(spec, carry, loop)
    return run_step(spec, carry, hyper, X, Y, idx, loop)

  vstep = jax.vmap(one_run, in_axes=(0, 0, None, label_axis, None))

  def chunk(carry, hyper, X, Y, loop):
    def body(state, _):
      carry, loop = state
      if B and spec.sampling == "epoch":
        new_epoch = loop.pos + B > N
        loop = Loop(loop.step, jnp.where(new_epoch, loop.epoch + 1, loop.epoch),
                    jnp.where(new_epoch, 0, loop.pos))
        perm = jax.lax.cond(
            new_epoch,
            lambda: jax.vmap(new_permutation, in_axes=(0, None, None))(carry.data_key,
                                                                       loop.epoch, N),
            lambda: carry.perm)
        carry = carry._replace(perm=perm)
      carry, loss, lr = vstep(carry, hyper, X, Y, loop)
      pos = loop.pos + B if (B and spec.sampling == "epoch") else loop.pos
      return (carry, Loop(loop.step + 1, loop.epoch, pos)), (loss, lr)

    if per_step:  # no loop in the program (a scan of length 1 still compiles to a while)
      (carry, loop), (loss, lr) = body((carry, loop), None)
      return carry, loop, loss[None], lr[None]
    (carry, loop), (losses, lrs) = jax.lax.scan(body, (carry, loop), None, length=n_steps)
    return carry, loop, losses, lrs

  program = jax.jit(chunk, donate_argnums=(0,))
  if not per_step:
    return program

  def stepwise(carry, hyper, X, Y, loop):
    out = []
    for _ in range(n_steps):
      carry, loop, losses, lrs = program(carry, hyper, X, Y, loop)
      out.append((losses, lrs))
    return carry, loop, jnp.concatenate([o[0] for o in out]), jnp.concatenate([o[1] for o in out])

  return stepwise


def has_convolution(fn: Callable, *args) -> bool:
  """Whether the jaxpr of fn(*args) (nested jaxprs included) has a convolution."""
  return "conv_general_dilated" in str(jax.make_jaxpr(fn)(*args))


def loop_mode(setting: str, model: Model, params, state, x) -> bool:
  """Whether training runs compiled steps one at a time (True) or scanned chunks (False).

  `train.loop`: 'scan', 'steps', or 'auto' = 'steps' on a CPU for models with convolutions
  (XLA:CPU: a convolution's weight gradient inside a while loop runs ~10x slower than the same
  program without the loop; measured in docs/benchmarks.md), else 'scan'.
  """
  if setting not in LOOPS:
    raise ValueError(f"train.loop {setting!r} not in {LOOPS}")
  if setting != "auto":
    return setting == "steps"
  if jax.default_backend() != "cpu":
    return False
  return has_convolution(lambda p, s, x: model.apply(p, s, x, train=False)[0], params, state, x)
