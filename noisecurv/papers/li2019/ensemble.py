"""li2019.ensemble: R vmapped constant-step SGD runs on Gauss-k with curvature records (E1-E13).

One compiled while-loop advances all runs between record steps (θ_{t+1} = θ_t − η g_t, g_t the
mean of m per-example gradients at indices drawn i.i.d. with replacement; run r uses
fold_in(key, r), its init fold_in(key_r, 0), step t fold_in(key_r, t + 1)). Every step logs, per
run, f(θ_t) on S, ‖g_t‖, cos(g_t, g_{t−1}) and training accuracy into a device buffer that the
host reduces to quantile-run trajectories after each segment. At scalar-grid steps the runs at
the 10/50/90% loss quantiles get K fresh minibatches: Δ = f(θ_t − ηg) − f(θ_t) (Figs. 9, 10) and
the Theorem 1 quantities (‖μ‖², Tr M, Tr M^{(m)}, L_t = ‖H‖₂ by power iteration). At record steps
every run gets `records.record` (chunked over runs), a spectrum subset gets full spectra, and at
θ_T the bound terms of Theorem 4 are computed. Checkpointed at every record step (resumable).

Arrays: dyn/<t_end> (per segment), rec/<t>, spec/<t>, bound/<T>; summary.json.
"""

from __future__ import annotations

import functools
import time
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from noisecurv.papers.li2019 import gauss, records, schedule

DEFAULTS = dict(
    k=10, label_noise=0.0, batch=5, lr=0.0, steps=0, runs=10_000, init_std=0.5,
    standardize=True, float64=False, records="default", record_steps=(), t_mid=0,
    spectrum_subset=1000, lanczos_steps=64, record_chunk=1000, cond_draws=1000,
    power_steps=20, n_test=10_000, data_seed=0, sigmas=(0.5, 1.0), delta=0.05,
    force_wrong=False, max_steps=0,
)
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)
COND_Q = (0.1, 0.5, 0.9)
DECILES = tuple(np.round(np.arange(0.1, 1.0, 0.1), 2))


def _keys(seed: int, runs: int):
  base = jax.random.PRNGKey(seed)
  return jax.vmap(lambda r: jax.random.fold_in(base, r))(jnp.arange(runs))


def _power(mv, p: int, steps: int, dtype):
  """|λ|_max of a symmetric operator by plain power iteration (a local L_t for Theorem 1)."""
  v = jnp.ones((p,), dtype) / jnp.sqrt(p)
  v = jax.lax.fori_loop(0, steps, lambda _, v: mv(v) / (jnp.linalg.norm(mv(v)) + 1e-30), v)
  return jnp.linalg.norm(mv(v))


@functools.lru_cache(maxsize=8)
def _advance_fn(net: gauss.Net, m: int, lr: float, seg_max: int, n_draws: int, power_steps: int):
  """jit(state, t0, t1, keys, grid_pos, x, y) -> (state, buf (seg_max, R, 4), cond, cstats)."""

  def sg(theta, key, x, y):
    idx = jax.random.randint(key, (m,), 0, x.shape[0])
    return jax.grad(net.loss)(theta, x[idx], y[idx])

  def cond_draws(theta, key, x, y):
    """K conditional Δ draws at a fixed θ and the Theorem 1 quantities."""
    n = x.shape[0]
    g = records.per_example_grads(net, theta, x, y)
    idx = jax.random.randint(key, (n_draws, m), 0, n)
    gs = jnp.mean(g[idx], 1)
    f0 = net.loss(theta, x, y)
    d = jax.vmap(lambda gj: net.loss(theta - lr * gj, x, y))(gs) - f0
    st = records.sigma_stats(g, m)
    mv = lambda v: jax.jvp(jax.grad(lambda th: net.loss(th, x, y)), (theta,), (v,))[1]  # noqa: E731
    lam = _power(mv, theta.size, power_steps, theta.dtype)
    stats = jnp.stack([jnp.mean(d), jnp.var(d), st["mu_sq"], st["tr_c"], st["tr_cm"], lam, f0])
    return d, stats

  def advance(theta, gprev, t0, t1, keys, grid_pos, cond, cstats, x, y):
    runs = theta.shape[0]
    buf = jnp.full((seg_max, runs, 4), jnp.nan, theta.dtype)
    qs = jnp.asarray(COND_Q, theta.dtype)

    def body(carry):
      t, theta, gprev, buf, cond, cstats = carry
      f = jax.vmap(net.loss, (0, None, None))(theta, x, y)
      acc = 1.0 - jax.vmap(net.error, (0, None, None))(theta, x, y)
      kt = jax.vmap(lambda k: jax.random.fold_in(k, t + 1))(keys)
      g = jax.vmap(sg, (0, 0, None, None))(theta, kt, x, y)
      gn = jnp.linalg.norm(g, axis=1)
      cos = jnp.where(t > 0, jnp.sum(g * gprev, 1) / (gn * jnp.linalg.norm(gprev, axis=1)), jnp.nan)
      buf = buf.at[t - t0].set(jnp.stack([f, gn, cos, acc], 1))
      gp = grid_pos[t]

      def sample(args):
        cond, cstats = args
        sel = gauss.quantile_index(f, qs)
        ck = jax.random.fold_in(jax.random.fold_in(keys[0], 2**30), t)
        d, st = jax.vmap(cond_draws, (0, 0, None, None))(
            theta[sel], jax.random.split(ck, len(COND_Q)), x, y)
        st = jnp.concatenate([sel[:, None].astype(st.dtype), st], 1)
        return cond.at[gp].set(d), cstats.at[gp].set(st)

      if n_draws > 0:
        cond, cstats = jax.lax.cond(gp >= 0, sample, lambda a: a, (cond, cstats))
      return t + 1, theta - lr * g, g, buf, cond, cstats

    out = jax.lax.while_loop(lambda c: c[0] < t1, body, (t0, theta, gprev, buf, cond, cstats))
    return out[1], out[2], out[3], out[4], out[5]

  return jax.jit(advance)


@functools.lru_cache(maxsize=8)
def _record_fn(net: gauss.Net, m: int, lanczos_steps: int, k: int):
  # lax.map, not vmap: XLA:CPU runs the vmapped float64 Lanczos regions pathologically slowly
  # (minutes for 2 runs against 2 s per run mapped); one run per iteration keeps the cost linear.
  def many(th, x, y, v0):
    return jax.lax.map(lambda t: records.record(net, t, x, y, m, v0, lanczos_steps, k), th)

  return jax.jit(many)


@functools.lru_cache(maxsize=8)
def _spectra_fn(net: gauss.Net):
  return jax.jit(lambda th, x, y: jax.lax.map(lambda t: records.spectra(net, t, x, y), th))


@functools.lru_cache(maxsize=8)
def _bound_fn(net: gauss.Net, sigmas: tuple[float, ...], delta: float):
  def many(th, *a):
    return jax.lax.map(lambda t: records.bound_terms(net, t, *a, sigmas=sigmas, delta=delta), th)

  return jax.jit(many)


def _chunked(fn, theta, chunk, *args):
  parts = [jax.device_get(fn(theta[i:i + chunk], *args)) for i in range(0, theta.shape[0], chunk)]
  return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _summarise(buf: np.ndarray, t0: int, t1: int, grid: np.ndarray) -> dict[str, np.ndarray]:
  """Per-step quantile-run trajectories and deciles; per-run values on the scalar grid."""
  b = buf[: t1 - t0]  # (L, R, 4)
  f = b[..., 0]
  r = f.shape[1]
  order = np.argsort(f, 1)
  sel = order[:, np.round(np.asarray(QUANTILES) * (r - 1)).astype(int)]  # (L, Q)
  pick = lambda j: np.take_along_axis(b[..., j], sel, 1)  # noqa: E731
  steps = np.arange(t0, t1)
  on = np.isin(steps, grid)
  out = {"steps": steps, "qrun": sel, "q_f": pick(0), "q_g": pick(1), "q_cos": pick(2),
         "grid_steps": steps[on], "grid_f": f[on], "grid_g": b[on, :, 1], "grid_cos": b[on, :, 2],
         "grid_acc": b[on, :, 3]}
  # Diverged runs are NaN: a step where every run diverged has NaN quantiles and mean, by design.
  with np.errstate(all="ignore"), warnings.catch_warnings():
    warnings.simplefilter("ignore", RuntimeWarning)
    for j, name in enumerate(("f", "g", "cos", "acc")):
      x = b[..., j]
      out[f"dec_{name}"] = np.nanquantile(x, DECILES, axis=1).T if np.isfinite(x).any() else \
          np.full((x.shape[0], len(DECILES)), np.nan)
      out[f"mean_{name}"] = np.nanmean(x, 1)
  return out


def ensemble(config, run) -> None:
  e = config.experiment
  ctx = jax.enable_x64(True) if e.float64 else _Null()
  with ctx:
    _ensemble(config, run)


class _Null:
  def __enter__(self):
    return self

  def __exit__(self, *a):
    return False


def _ensemble(config, run) -> None:
  e = config.experiment
  dt = jnp.float64 if e.float64 else jnp.float32
  data = gauss.gauss_data(e.k, e.label_noise, seed=e.data_seed, n_test=e.n_test,
                          standardize=e.standardize, force_wrong=e.force_wrong)
  net = gauss.gauss_net(e.k)
  x, y = jnp.asarray(data.x, dt), jnp.asarray(data.y)
  tab = gauss.table2(int(e.k), float(e.label_noise))  # 0 = Table 2's value for (k, r)
  T, R = int(e.steps or tab["steps"]), int(e.runs)
  T = min(T, int(e.max_steps)) if e.max_steps else T  # reduced runs cap T (named in the config)
  lr, t_mid = float(e.lr or tab["lr"]), int(e.t_mid or tab["t_mid"])
  grid = schedule.scalar_grid(T)
  recs = schedule.record_grid(T, e.records, tuple(e.record_steps))
  specs = schedule.spectrum_steps(T, t_mid, recs)
  bounds = np.unique(np.concatenate([recs, [T]]))
  seg_max = int(np.max(np.diff(np.concatenate([[0], bounds]))))
  grid_pos = np.full(T + 1, -1, np.int32)
  grid_pos[grid] = np.arange(grid.size)
  run.dir.write_json("schedule.json", {"scalar_grid": grid.tolist(), "records": recs.tolist(),
                                       "spectra": specs.tolist(), "p": net.p, "n": int(x.shape[0]),
                                       "noisy": int(data.noisy.sum()),
                                       "steps": T, "lr": lr, "t_mid": t_mid,
                                       "effective_noisy": int((data.y != data.y_clean).sum())})
  keys = _keys(int(config.seed), R)
  theta = jax.vmap(lambda k: e.init_std * jax.random.normal(jax.random.fold_in(k, 0), (net.p,),
                                                             dt))(keys)
  gprev = jnp.zeros_like(theta)
  t = 0
  if run.checkpoints.latest() is not None:
    (theta, gprev), meta = run.checkpoints.restore((theta, gprev))
    t = int(meta["t"])
  advance = _advance_fn(net, int(e.batch), lr, seg_max, int(e.cond_draws), int(e.power_steps))
  rec_fn = _record_fn(net, int(e.batch), int(e.lanczos_steps), int(e.k))
  v0 = jax.random.normal(jax.random.PRNGKey(1234), (net.p,), dt)
  v0 = v0 / jnp.linalg.norm(v0)
  nd = max(int(e.cond_draws), 1)
  prog = run.progress(T, label=f"li2019 ensemble k={e.k} r={e.label_noise} m={e.batch}",
                      start_step=t)
  t_start = time.time()
  for b in bounds:
    b = int(b)
    if b < t or (b == t and run.checkpoints.latest() == b):
      continue
    if b > t:
      cond = jnp.zeros((grid.size, len(COND_Q), nd), dt)
      cst = jnp.full((grid.size, len(COND_Q), 8), jnp.nan, dt)
      theta, gprev, buf, cond, cst = advance(theta, gprev, t, b, keys, jnp.asarray(grid_pos), cond,
                                             cst, x, y)
      s = _summarise(np.asarray(buf), t, b, grid)
      gi = grid_pos[t:b][grid_pos[t:b] >= 0]
      s.update(cond_steps=grid[gi], cond=np.asarray(cond)[gi], cond_stats=np.asarray(cst)[gi])
      run.dir.save_arrays("dyn", b, **s)
      prog.update(b)
      t = b
    if b in recs:
      run.dir.save_arrays("rec", b, **_chunked(rec_fn, theta, int(e.record_chunk), x, y, v0))
      if b in specs and e.spectrum_subset > 0:
        sub = theta[: int(e.spectrum_subset)]
        run.dir.save_arrays("spec", b, **_chunked(_spectra_fn(net), sub, int(e.record_chunk), x, y))
    if b == T:
      bf = _bound_fn(net, tuple(float(s) for s in e.sigmas), float(e.delta))
      out = _chunked(bf, theta, int(e.record_chunk), x, y, jnp.asarray(data.x_test, dt),
                     jnp.asarray(data.y_test), jnp.asarray(data.y_test_clean))
      out["loss_T"] = np.asarray(jax.vmap(net.loss, (0, None, None))(theta, x, y))
      run.dir.save_arrays("bound", T, **out)
      run.log({"step": T, "run": list(range(R)), "final/loss": out["loss_T"].tolist(),
               "final/gen_err": out["gen_err"].tolist()})
    run.checkpoints.save(b, (theta, gprev), {"t": b})
  finite = int(np.isfinite(np.asarray(theta)).all(1).sum())
  run.dir.write_json("summary.json", {"wall_s": time.time() - t_start, "runs": R, "steps": T,
                                      "finite_runs": finite})
