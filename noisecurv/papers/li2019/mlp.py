"""li2019.mlp: MNIST / CIFAR-10 MLP ensembles with matrix-free H and C records (E3, E4, E13).

R repeats (vmapped) of constant-step SGD (minibatches drawn with replacement, η = 0.1) on a
ReLU MLP with `depth` hidden layers of `width` units (LeCun-normal weights, zero biases, spec
§7 #19). Every step logs ‖g_t‖ and cos(g_t, g_{t−1}) per run; every `eval_every` steps the loss
on a fixed training subset; at the record steps the top-15 eigenpairs of H and of C on the
probe set (matrix-free: HVPs and C·v = Gᵀ(Gv)/n by a JVP and a VJP of the per-example loss
vector; float64-basis Lanczos) and the cosines of the principal angles between the two spans.
Arrays: dyn/<t_end> per segment, rec/<t>. Checkpointed at each record step.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from noisecurv import curvature
from noisecurv.data.dataset import load, probe_subset
from noisecurv.papers.li2019 import gauss
from noisecurv.papers.li2019.records import TOP

DEFAULTS = dict(depth=3, width=128, batch=64, lr=0.1, steps=10_000, repeats=10,
                record_steps=(0, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 9999),
                lanczos_steps=80, probe_n=0, eval_n=10_000, eval_every=10)


def lecun_init(net: gauss.Net, key) -> jax.Array:
  parts = []
  for i, (a, b) in enumerate(zip(net.sizes[:-1], net.sizes[1:])):
    parts += [jax.random.normal(jax.random.fold_in(key, i), (a * b,)) / np.sqrt(a), jnp.zeros(b)]
  return jnp.concatenate(parts)


@functools.lru_cache(maxsize=4)
def _advance_fn(net: gauss.Net, m: int, lr: float, seg_max: int, eval_every: int):
  def advance(theta, gprev, t0, t1, keys, x, y, xe, ye):
    runs = theta.shape[0]
    buf = jnp.full((seg_max, runs, 3), jnp.nan, theta.dtype)

    def sg(th, k):
      idx = jax.random.randint(k, (m,), 0, x.shape[0])
      return jax.grad(net.loss)(th, x[idx], y[idx])

    def body(c):
      t, th, gp, buf = c
      g = jax.vmap(sg)(th, jax.vmap(lambda k: jax.random.fold_in(k, t + 1))(keys))
      gn = jnp.linalg.norm(g, axis=1)
      cos = jnp.where(t > 0, jnp.sum(g * gp, 1) / (gn * jnp.linalg.norm(gp, axis=1)), jnp.nan)
      f = jax.lax.cond(t % eval_every == 0,
                       lambda: jax.vmap(net.loss, (0, None, None))(th, xe, ye),
                       lambda: jnp.full((runs,), jnp.nan, th.dtype))
      buf = buf.at[t - t0].set(jnp.stack([f, gn, cos], 1))
      return t + 1, th - lr * g, g, buf

    out = jax.lax.while_loop(lambda c: c[0] < t1, body, (t0, theta, gprev, buf))
    return out[1], out[2], out[3]

  return jax.jit(advance)


def record(net: gauss.Net, theta, x, y, v0, steps: int) -> dict[str, jax.Array]:
  """Top-15 Ritz pairs of H and C on (x, y), matrix-free, and their principal cosines."""
  n = x.shape[0]
  loss = lambda t: net.loss(t, x, y)  # noqa: E731
  losses = lambda t: net.losses(t, x, y)  # noqa: E731
  mv_h = lambda v: jax.jvp(jax.grad(loss), (theta,), (v,))[1]  # noqa: E731
  _, vjp = jax.vjp(losses, theta)
  mv_c = lambda v: vjp(jax.jvp(losses, (theta,), (v,))[1])[0] / n  # noqa: E731
  lh, uh = curvature.lanczos_top_k(mv_h, v0, steps, TOP)
  lc, uc = curvature.lanczos_top_k(mv_c, v0, steps, TOP)
  return {"lam_h": lh, "lam_c": lc, "cos15": curvature.principal_cosines(uh.T, uc.T),
          "cos10": curvature.principal_cosines(uh[:10].T, uc[:10].T), "loss": loss(theta)}


def mlp(config, run) -> None:
  e = config.experiment
  data = load(config.data, int(config.seed))
  x = jnp.asarray(data.x_train.reshape(data.n_train, -1), jnp.float32)
  y = jnp.asarray(data.y_train)
  xe, ye = probe_subset(np.asarray(x), np.asarray(y), int(e.eval_n), 1)
  xp, yp = probe_subset(np.asarray(x), np.asarray(y), int(e.probe_n), 2)
  net = gauss.Net((x.shape[1],) + (int(e.width),) * int(e.depth) + (data.num_classes,))
  T, R = int(e.steps), int(e.repeats)
  recs = np.unique([s for s in e.record_steps if 0 <= s < T])
  bounds = np.unique(np.concatenate([recs, [T]])).astype(int)
  seg_max = int(np.max(np.diff(np.concatenate([[0], bounds]))))
  run.dir.write_json("schedule.json", {"records": recs.tolist(), "p": net.p, "n": int(x.shape[0]),
                                       "standin_data": bool(data.meta.get("standin", False))})
  base = jax.random.PRNGKey(int(config.seed))
  keys = jax.vmap(lambda r: jax.random.fold_in(base, r))(jnp.arange(R))
  theta = jax.vmap(lambda k: lecun_init(net, jax.random.fold_in(k, 0)))(keys)
  gprev = jnp.zeros_like(theta)
  t = 0
  if run.checkpoints.latest() is not None:
    (theta, gprev), meta = run.checkpoints.restore((theta, gprev))
    t = int(meta["t"])
  adv = _advance_fn(net, int(e.batch), float(e.lr), seg_max, int(e.eval_every))
  v0 = jax.random.normal(jax.random.PRNGKey(1234), (net.p,))
  v0 = v0 / jnp.linalg.norm(v0)
  rec = jax.jit(lambda th, xp, yp: jax.lax.map(
      lambda t_: record(net, t_, xp, yp, v0, int(e.lanczos_steps)), th))
  prog = run.progress(T, label=f"li2019 mlp depth={e.depth} m={e.batch}", start_step=t)
  xe, ye, xp, yp = map(jnp.asarray, (xe, ye, xp, yp))
  for b in bounds:
    b = int(b)
    if b < t or (b == t and run.checkpoints.latest() == b):
      continue
    if b > t:
      theta, gprev, buf = adv(theta, gprev, t, b, keys, x, y, xe, ye)
      buf = np.asarray(buf)[: b - t]
      run.dir.save_arrays("dyn", b, steps=np.arange(t, b), f=buf[..., 0], g=buf[..., 1],
                          cos=buf[..., 2])
      prog.update(b)
      t = b
    if b in recs:
      run.dir.save_arrays("rec", b, **jax.device_get(rec(theta, xp, yp)))
    run.checkpoints.save(b, (theta, gprev), {"t": b})
