"""Invariants every registered noise kind must keep, on the tiny problem of test_noise_problem.

For each case: the chained step jits; scale 0 reproduces the base optimizer bit for bit; the
state round-trips through flax.serialization bytes and the resumed run is identical; the
empirical covariance of the injected noise over many draws with fixed keys matches an
independent float64 target (zhu2019 spec E0: < 5% relative Frobenius error for the GLD kinds;
E‖ε‖² = Tr Σ̂_sgd within 3% for the trace-matched ones); a cached structure equals its target
to float32 precision.
"""

from __future__ import annotations

import functools

import flax.serialization
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from jax.flatten_util import ravel_pytree
from test_noise_problem import (
  LR,
  batch_grads64,
  covariance_error,
  fast_jit,
  fisher64,
  ghost_grads64,
  hessian64,
  noise_samples,
  per_example_loss,
  problem,
  sigma_hat64,
)

from noisecurv.noise import gld, make_config, set_scale
from noisecurv.registry import NOISES

M_L, M_S = 32, 8  # the batch and the ghost/small batch of the wen2019 kinds
C2 = 1 / M_S - 1 / M_L
N_DRAWS = 40_000
BIG = 10**9  # refresh_every that never comes due after step 0


def _top(mat, k):
  lam, vecs = np.linalg.eigh(mat)
  lam, vecs = lam[::-1][:k], vecs[:, ::-1][:, :k]
  return (vecs * np.maximum(lam, 0)) @ vecs.T


def _scaled(mat, trace):
  return mat * (trace / np.trace(mat))


def _tr_sigma():
  return np.trace(sigma_hat64())


def _c_batch():
  g = batch_grads64()
  return g.T @ g / g.shape[0]


def _ghost_cov():
  g = ghost_grads64(M_S)
  a = g - g.mean(0)
  return (1 - M_S / M_L) * a.T @ a / (g.shape[0] - 1)


def _kfac_target():
  """c²·A⊗G for Dense_0 (ravel order: bias (3), kernel (4×3) row-major), c²·diag C for shift."""
  pr = problem()
  x = np.asarray(pr.batch[0], np.float64)
  g = batch_grads64()
  delta = g[:, :3]  # ∂ℓ/∂bias = δ
  a_t = np.concatenate([x, np.ones((x.shape[0], 1))], 1)
  a = a_t.T @ a_t / x.shape[0]
  gg = delta.T @ delta / x.shape[0]
  block = np.kron(a, gg)  # rows/cols (i, o) for i in 0..4 (4 = bias), o in 0..2
  order = [4 * 3 + o for o in range(3)] + list(range(12))  # ravel order -> (i, o) index
  out = np.zeros((pr.d, pr.d))
  out[:15, :15] = block[np.ix_(order, order)]
  out[15:, 15:] = np.diag(np.diag(_c_batch())[15:])
  return C2 * out


# id -> (kind, overrides, target covariance of ε (gradient level), flags)
# flags: 'gld' (spec E0: < 5%), 'trace' (E‖ε‖² = Tr Σ̂ within 3%), 'cached' (structure check),
# 'structure' (a variant of a main case's draw: structure check only)
MB1 = dict(estimator="minibatch", num_minibatches=48, minibatch_size=1)
CASES = {
    "none": ("none", {}, lambda: np.zeros((18, 18)), ()),
    "isotropic": ("isotropic", dict(sigma=0.3), lambda: 0.09 * np.eye(18), ("gld",)),
    "isotropic_param": ("isotropic", dict(sigma=0.03, placement="parameter"),
                        lambda: (0.03 / LR) ** 2 * np.eye(18), ("gld",)),
    "langevin": ("langevin", dict(temperature=0.01), lambda: 2 * 0.01 / LR * np.eye(18),
                 ("gld",)),
    "gld_dynamic": ("gld_dynamic", MB1, lambda: _tr_sigma() / 18 * np.eye(18),
                    ("gld", "trace", "cached")),
    "gld_diag": ("gld_diag", MB1, lambda: np.diag(np.diag(sigma_hat64())),
                 ("gld", "trace", "cached")),
    "gld_diag_per_example": ("gld_diag", dict(estimator="per_example", minibatch_size=4),
                             lambda: np.diag(np.diag(np.cov(batch_grads64(), rowvar=False))) / 4,
                             ("gld", "cached", "structure")),
    "gld_leading": ("gld_leading", dict(MB1, k=3),
                    lambda: _scaled(_top(sigma_hat64(), 3), _tr_sigma()),
                    ("gld", "trace", "cached")),
    "gld_leading_raw": ("gld_leading", dict(MB1, k=3, trace_match=False),
                        lambda: _top(sigma_hat64(), 3), ("gld", "cached", "structure")),
    "gld_leading_fixed": ("gld_leading", dict(MB1, k=3, trace=0.02, placement="parameter"),
                          lambda: _scaled(_top(sigma_hat64(), 3), 0.02 / LR**2),
                          ("gld", "cached", "structure")),
    "sgd_covariance": ("sgd_covariance", MB1, sigma_hat64, ("gld", "trace")),
    "sgd_covariance_cached": ("sgd_covariance", dict(MB1, refresh_every=5), sigma_hat64,
                              ("gld", "trace", "cached", "structure")),
    "sgd_covariance_per_example": ("sgd_covariance", dict(estimator="per_example",
                                                          minibatch_size=4),
                                   lambda: np.cov(batch_grads64(), rowvar=False) / 4, ("gld",)),
    "gld_hessian": ("gld_hessian", dict(MB1, k=3), lambda: _scaled(_top(hessian64(), 3),
                                                                    _tr_sigma()),
                    ("gld", "trace", "cached")),
    "gld_first_eig": ("gld_first_eig", dict(MB1, power_steps=200),
                      lambda: _scaled(_top(hessian64(), 1), _tr_sigma()),
                      ("gld", "trace", "cached")),
    "lb_diag": ("lb_diag", dict(small_batch=M_S),
                lambda: np.diag(np.diag(_ghost_cov())), ()),
    "lb_diag_per_example": ("lb_diag", dict(small_batch=M_S, estimator="per_example"),
                            lambda: C2 * np.diag(np.diag(_c_batch())), ()),
    "lb_diag_rademacher": ("lb_diag", dict(small_batch=M_S, estimator="rademacher"),
                           lambda: C2 * np.diag(np.diag(_c_batch())), ()),
    "lb_full": ("lb_full", dict(small_batch=M_S), lambda: C2 * _c_batch(), ()),
    "lb_full_F": ("lb_full", dict(small_batch=M_S, matrix="F"), lambda: C2 * fisher64(), ()),
    "lb_full_Sigma": ("lb_full", dict(small_batch=M_S, matrix="Sigma"), _ghost_cov, ()),
    "lb_trace": ("lb_trace", dict(small_batch=M_S),
                 lambda: np.trace(_ghost_cov()) / 18 * np.eye(18), ()),
    "lb_trace_per_layer": ("lb_trace", dict(small_batch=M_S, estimator="per_example",
                                            per_layer=True),
                           lambda: C2 * np.diag(np.concatenate(
                               [np.full(n, np.diag(_c_batch())[s].mean()) for s, n in
                                ((slice(0, 3), 3), (slice(3, 15), 12), (slice(15, 18), 3))])),
                           ()),
    "lb_multiplicative": ("lb_multiplicative", dict(small_batch=M_S),
                          lambda: (M_L / M_S - 1) * np.diag(np.mean(batch_grads64(), 0) ** 2),
                          ()),
    "lb_kfac": ("lb_kfac", dict(small_batch=M_S, estimator="per_example"), _kfac_target, ()),
}


def _cfg(case, **extra):
  kind, overrides, _, _ = CASES[case]
  return make_config(kind, **dict(overrides, **extra))


# One case per kind for the state machinery (jit, scale 0, stop, resume).
KIND_CASES = sorted({v[0]: k for k, v in reversed(list(CASES.items()))}.values())


def test_every_registered_kind_has_a_case():
  """Every kind of this package (paper packages register theirs as '<paper>.<kind>')."""
  assert {v[0] for v in CASES.values()} == {k for k in NOISES.names() if "." not in k}


# ---------------------------------------------------------------------------
# jit, scale 0, stop, checkpoint round trip


def _loss(p):
  x, y = problem().batch
  return jnp.mean(per_example_loss(p, x, y))


def _runner(tx, with_ctx=True):
  """run(params, state, n) -> (params, state, (n, d) iterates before each step), jitted."""
  pr = problem()

  def body(carry, _):
    p, s = carry
    g = jax.grad(_loss)(p)
    u, s = tx.update(g, s, p, noise_ctx=pr.context()) if with_ctx else tx.update(g, s, p)
    return (optax.apply_updates(p, u), s), ravel_pytree(p)[0]

  @functools.partial(fast_jit, static_argnums=2)
  def run(params, state, n):
    (p, s), traj = jax.lax.scan(body, (params, state), None, length=n)
    return p, s, traj

  return run


@functools.cache
def _chain(case, stop_step=None):
  extra = {} if stop_step is None else dict(stop_step=stop_step)
  noise = NOISES.get(CASES[case][0]).fn(_cfg(case, **extra), seed=3)
  tx = optax.chain(noise, optax.sgd(LR, momentum=0.9))
  return tx, _runner(tx)


@functools.cache
def _base():
  tx = optax.sgd(LR, momentum=0.9)
  return tx, _runner(tx, with_ctx=False)


def _flat(p):
  return np.asarray(ravel_pytree(p)[0])


def _equal_trees(a, b):
  jax.tree.map(lambda u, v: np.testing.assert_array_equal(np.asarray(u), np.asarray(v)), a, b)


@pytest.mark.parametrize("case", KIND_CASES)
def test_jit_scale_zero_and_resume(case):
  tx, run = _chain(case)
  base_tx, base_run = _base()
  pr = problem()
  base_p, _, base_traj = base_run(pr.params, base_tx.init(pr.params), 3)
  state0 = tx.init(pr.params)
  p0, _, traj0 = run(pr.params, set_scale(state0, 0.0), 3)
  np.testing.assert_array_equal(np.asarray(traj0), np.asarray(base_traj))
  np.testing.assert_array_equal(_flat(p0), _flat(base_p))

  # Noisy run: 3 steps, checkpoint to bytes, 3 more from both the live and the restored state.
  p1, s1, _ = run(pr.params, state0, 3)
  if case != "none":
    assert not np.array_equal(_flat(p1), _flat(base_p))
  restored = flax.serialization.from_bytes(tx.init(pr.params), flax.serialization.to_bytes(s1))
  _equal_trees(s1, restored)
  _equal_trees(run(p1, s1, 3), run(p1, restored, 3))


@pytest.mark.parametrize("case", ["isotropic", "gld_diag"])
def test_stop_step_turns_the_noise_off(case):
  """With stop_step = 2 the update at count 1 is noisy and from count 2 on it is the gradient."""
  kind = CASES[case][0]
  tx = NOISES.get(kind).fn(_cfg(case, stop_step=2), seed=1)
  pr = problem()
  g = pr.grads()
  update = fast_jit(lambda s: tx.update(g, s, pr.params, noise_ctx=pr.context())[0])
  state = tx.init(pr.params)
  assert not np.array_equal(_flat(update(state._replace(count=jnp.int32(1)))), _flat(g))
  for count in (2, 7):
    np.testing.assert_array_equal(_flat(update(state._replace(count=jnp.int32(count)))),
                                  _flat(g))


# ---------------------------------------------------------------------------
# The injected noise's covariance


def _draws(case):
  """(cfg, state after step 0, (N_DRAWS, d) draws of ε with fixed keys), one compiled program.

  Kinds drawn afresh each step sample through the transform's update; cached structures are
  refreshed by one update and then sampled with their own draw (the one the update calls), so
  the refresh is compiled once. 'structure' cases skip the draws (their draw code is a main
  case's) and are checked through the cached structure alone."""
  kind, overrides, _, flags = CASES[case]
  cached = "cached" in flags
  cfg = _cfg(case, **({"refresh_every": BIG} if cached else {}))
  tx = NOISES.get(kind).fn(cfg, seed=5)
  pr = problem()
  keys = jax.random.split(jax.random.PRNGKey(0), N_DRAWS)

  def program(state, keys):
    if not cached:
      return state, noise_samples(tx, state, keys)
    _, state = tx.update(pr.grads(), state, pr.params, noise_ctx=pr.context())
    if "structure" in flags:
      return state, None
    s = gld.structure_of(cfg)
    draw = lambda k: ravel_pytree(s.draw(pr.params, state.cache, pr.context(), k))[0]
    return state, jax.vmap(draw)(keys)

  state, samples = fast_jit(program)(tx.init(pr.params), keys)
  return cfg, state, None if samples is None else np.asarray(samples, np.float64)


@pytest.mark.parametrize("case", sorted(CASES))
def test_noise_covariance_matches_target(case):
  _, _, target_fn, flags = CASES[case]
  cfg, state, samples = _draws(case)
  target = target_fn()
  if case == "none":
    np.testing.assert_array_equal(samples, 0.0)
    return
  if "cached" in flags:  # the cached structure itself, to float32 precision
    s = gld.structure_of(cfg)
    cov = np.asarray(s.covariance(state.cache, jnp.asarray(LR)), np.float64)
    assert np.linalg.norm(cov - target) < 2e-4 * np.linalg.norm(target)
  if samples is None:
    return
  err, rms = covariance_error(samples, target)
  # err/rms ≈ 1 for a right target (rms from the draws' own 4th moments); 4 rms leaves room for
  # the spread of that ratio and still rejects any wrong structure or scale (errors ~ 1).
  assert err < 4 * rms, (err, rms)
  if "gld" in flags:  # zhu2019 spec E0 (i)
    assert err < 0.05, err
  if "trace" in flags:  # zhu2019 spec E0 (ii): E‖ε‖² = Tr Σ̂_sgd
    assert abs(np.mean(np.sum(samples**2, 1)) / _tr_sigma() - 1) < 0.03
