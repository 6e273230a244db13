"""li2019.adaptive: Theorem 3's oracle adaptive step and diagonal preconditioner; Adam (E14-E15).

Gauss-k, R vmapped runs, one dynamic per config (spec §2.7):
  sgd          θ ← θ − η g_t
  adaptive_Mm  θ ← θ − η_t g_t, η_t = ‖μ_t‖²/(L_t Tr M_t^{(m)})   (midpoint of Eq. 35, M^{(m)})
  adaptive_M   the same with the per-example Tr M_t, as printed
  precond_Mm   θ ← θ − a_t ⊙ g_t, a_tj = μ_tj²/(L_t M^{(m)}_tjj)    (midpoint of Eq. 36)
  adam         optax.adam(η) on g_t (Eqs. 37-40)
μ_t, diag M_t from all n per-example gradients each step (oracle); L_t = ‖H(θ_t)‖₂ by power
iteration warm-started from the previous step's vector. At the scalar grid, the median-loss
run gets K fresh minibatches with the same step rule: E[Δ | θ_t] and its standard error (the
super-martingale check). For Adam, the median over coordinates of |Adam step| / (η|μ_j|/√M_jj).
Arrays: dyn/<T> (loss per step and run, step sizes), cond/<T>.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax

from noisecurv.papers.li2019 import gauss, records, schedule

DEFAULTS = dict(dynamic="adaptive_Mm", k=10, label_noise=0.0, batch=5, lr=0.1, steps=0,
                runs=1000, init_std=0.5, power_steps=3, cond_draws=1000, data_seed=0)
DYNAMICS = ("sgd", "adaptive_Mm", "adaptive_M", "precond_Mm", "adam")


def _oracle(net, theta, x, y, m, v):
  g = records.per_example_grads(net, theta, x, y)
  mu = jnp.mean(g, 0)
  diag_m = jnp.mean(g * g, 0)
  diag_mm = (diag_m - mu * mu) / m + mu * mu
  mv = lambda u: jax.jvp(jax.grad(lambda t: net.loss(t, x, y)), (theta,), (u,))[1]  # noqa: E731
  return g, mu, diag_m, diag_mm, mv


def adaptive(config, run) -> None:
  e = config.experiment
  if e.dynamic not in DYNAMICS:
    raise ValueError(f"dynamic {e.dynamic!r} not in {DYNAMICS}")
  data = gauss.gauss_data(e.k, e.label_noise, seed=e.data_seed, n_test=10)
  net = gauss.gauss_net(e.k)
  x, y = jnp.asarray(data.x), jnp.asarray(data.y)
  T = int(e.steps) or (400 if e.label_noise == 0 else 3000)  # 0: 400 (0%) / 3,000 (15%)
  R, m, K = int(e.runs), int(e.batch), int(e.cond_draws)
  grid = schedule.scalar_grid(T)
  is_grid = np.zeros(T, bool)
  is_grid[grid] = True
  base = jax.random.PRNGKey(int(config.seed))
  keys = jax.vmap(lambda r: jax.random.fold_in(base, r))(jnp.arange(R))
  theta = jax.vmap(lambda k: e.init_std * jax.random.normal(jax.random.fold_in(k, 0),
                                                             (net.p,)))(keys)
  tx = optax.adam(float(e.lr))
  opt = jax.vmap(tx.init)(theta)
  vpow = jnp.ones_like(theta) / np.sqrt(net.p)

  def step_rule(th, g_or_mb, mu, diag_m, diag_mm, lam, st):
    """The update (θ_{t+1} − θ_t) for a given stochastic gradient, and the step size logged."""
    if e.dynamic == "sgd":
      return -e.lr * g_or_mb, jnp.asarray(e.lr), st
    if e.dynamic in ("adaptive_Mm", "adaptive_M"):
      tr = jnp.sum(diag_mm if e.dynamic == "adaptive_Mm" else diag_m)
      eta = jnp.sum(mu * mu) / (lam * tr)
      return -eta * g_or_mb, eta, st
    if e.dynamic == "precond_Mm":
      a = mu * mu / (lam * jnp.maximum(diag_mm, 1e-30))
      return -a * g_or_mb, jnp.mean(a), st
    upd, st2 = tx.update(g_or_mb, st, th)
    ratio = jnp.median(jnp.abs(upd) / (e.lr * jnp.abs(mu) / jnp.sqrt(jnp.maximum(diag_m, 1e-30))))
    return upd, ratio, st2

  def one(th, k, v, st, t, grid_now):
    _, mu, dm, dmm, mv = _oracle(net, th, x, y, m, v)
    v = jax.lax.fori_loop(0, e.power_steps,
                          lambda _, u: mv(u) / (jnp.linalg.norm(mv(u)) + 1e-30), v)
    lam = jnp.linalg.norm(mv(v))
    idx = jax.random.randint(jax.random.fold_in(k, t + 1), (m,), 0, x.shape[0])
    g = jax.grad(net.loss)(th, x[idx], y[idx])
    upd, size, st2 = step_rule(th, g, mu, dm, dmm, lam, st)
    return th + upd, v, st2, net.loss(th, x, y), size

  def cond_delta(th, k, st):
    g = records.per_example_grads(net, th, x, y)
    _, mu, dm, dmm, mv = _oracle(net, th, x, y, m, None)
    v = jnp.ones_like(th) / np.sqrt(net.p)
    v = jax.lax.fori_loop(0, 20, lambda _, u: mv(u) / (jnp.linalg.norm(mv(u)) + 1e-30), v)
    lam = jnp.linalg.norm(mv(v))
    gs = jnp.mean(g[jax.random.randint(k, (K, m), 0, x.shape[0])], 1)
    f0 = net.loss(th, x, y)
    d = jax.vmap(lambda gj: net.loss(th + step_rule(th, gj, mu, dm, dmm, lam, st)[0], x, y))(gs)
    d = d - f0
    return jnp.mean(d), jnp.std(d) / np.sqrt(K)

  @jax.jit
  def step(theta, vpow, opt, t):
    th, v, st, f, size = jax.vmap(one, (0, 0, 0, 0, None, None))(theta, keys, vpow, opt, t, True)
    return th, v, st, f, size

  @jax.jit
  def cond_at(theta, opt, f, t):
    i = gauss.quantile_index(f, jnp.asarray(0.5))
    st = jax.tree.map(lambda a: a[i], opt)
    return cond_delta(theta[i], jax.random.fold_in(jax.random.fold_in(base, 2**30), t), st)

  losses, sizes, conds = np.zeros((T + 1, R), np.float32), np.zeros((T, R), np.float32), []
  prog = run.progress(T, label=f"li2019 {e.dynamic}")
  for t in range(T):
    if is_grid[t] and K > 0:
      f = jax.vmap(net.loss, (0, None, None))(theta, x, y)
      conds.append([t, *map(float, cond_at(theta, opt, f, t))])
    theta, vpow, opt, f, size = step(theta, vpow, opt, t)
    losses[t], sizes[t] = np.asarray(f), np.asarray(size)
    prog.update(t + 1)
  losses[T] = np.asarray(jax.vmap(net.loss, (0, None, None))(theta, x, y))
  run.dir.save_arrays("dyn", T, loss=losses, step_size=sizes)
  run.dir.save_arrays("cond", T, cond=np.asarray(conds, np.float64).reshape(-1, 3))
  q = np.nanquantile(losses, [0.1, 0.5, 0.9], axis=1)
  for t in np.unique(np.concatenate([grid, [T]])):
    run.log({"step": int(t), "loss_q10": float(q[0, t]), "loss_q50": float(q[1, t]),
             "loss_q90": float(q[2, t])})
