"""wen2019 network pieces against brute-force twins: BN folding, frozen-BN per-example
gradients, Frobenius norms of C, Welford variances, the regimes' configs, table selection."""

from __future__ import annotations

import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from noisecurv import configlib, losses
from noisecurv.models import build
from noisecurv.noise import NoiseContext
from noisecurv.papers.wen2019 import fold, frobenius, frozen_bn, methods, tables, variance
from noisecurv.results import Run

CE = losses.get("softmax_cross_entropy")


def _model(name, **kw):
  cfg = configlib.base(model=name).model
  for k, v in kw.items():
    cfg[k] = v
  return cfg


def _randomise(params, state, key):
  """Non-trivial BN scales, shifts and running statistics (so that folding is tested)."""
  leaves, tree = jax.tree_util.tree_flatten(params)
  keys = jax.random.split(key, len(leaves) + 1)
  params = tree.unflatten([a + 0.3 * jax.random.normal(k, a.shape) for a, k in
                           zip(leaves, keys[:-1])])
  s_leaves, s_tree = jax.tree_util.tree_flatten(state)
  ks = jax.random.split(keys[-1], len(s_leaves))
  state = s_tree.unflatten([jnp.abs(a + 0.5 * jax.random.normal(k, a.shape)) + 0.1
                            for a, k in zip(s_leaves, ks)])
  return params, state


@pytest.fixture(scope="module")
def lenet():
  cfg = _model("lenet5_bn", channels=(2, 3), hidden=(5,), kernel=3, pad_first=1, ghost_size=4)
  model = build(cfg, num_classes=3, input_shape=(10, 10, 1))
  plain_cfg = cfg.copy_and_resolve_references()
  plain_cfg.bn = False
  plain = build(plain_cfg, num_classes=3, input_shape=(10, 10, 1))
  x = jax.random.normal(jax.random.PRNGKey(0), (8, 10, 10, 1))
  y = jnp.arange(8) % 3
  params, state = model.init(jax.random.key(1), x[:1])
  params, state = _randomise(params, state, jax.random.PRNGKey(2))
  return model, plain, params, state, x, y


@pytest.mark.parametrize("net", ["lenet", "mlp"])
def test_bn_folding_preserves_eval_logits(lenet, net):
  if net == "lenet":
    model, plain, params, state, x, _ = lenet
  else:
    cfg = _model("mlp_f1", hidden=(6, 5))
    model = build(cfg, num_classes=3, input_shape=(7,))
    pc = cfg.copy_and_resolve_references()
    pc.bn = False
    plain = build(pc, num_classes=3, input_shape=(7,))
    x = jax.random.normal(jax.random.PRNGKey(3), (8, 7))
    params, state = model.init(jax.random.key(4), x[:1])
    params, state = _randomise(params, state, jax.random.PRNGKey(5))
  layout = fold.trace_layout(model.module, {"params": params, **state}, x[:1])
  p_plain, _ = plain.init(jax.random.key(0), x[:1])
  plain_layout = fold.trace_layout(plain.module, {"params": p_plain}, x[:1])
  assert len(layout.bn_after) == len(layout.linear) - 1  # every layer but the head has BN
  folded = fold.fold_params(params, state["batch_stats"], layout, p_plain, plain_layout)
  with jax.default_matmul_precision("highest"):
    ref = model.apply(params, state, x, train=False)[0]
    got = plain.apply(folded, {}, x, train=False)[0]
  np.testing.assert_allclose(got, ref, atol=1e-4, rtol=1e-4)
  scaled = fold.scale_last(folded, plain_layout, 0.5)
  np.testing.assert_allclose(plain.apply(scaled, {}, x, train=False)[0], 0.5 * got, rtol=1e-5,
                             atol=1e-6)


def test_folding_refuses_bn_after_a_pool():
  cfg = _model("alexnet_cifar", channels=(2,), hidden=(3,), bn_before_pool=False)
  model = build(cfg, num_classes=2, input_shape=(8, 8, 3))
  x = jnp.ones((1, 8, 8, 3))
  params, state = model.init(jax.random.key(0), x)
  with pytest.raises(ValueError, match="does not follow a linear layer"):
    fold.trace_layout(model.module, {"params": params, **state}, x)


def test_fit_temperature_matches_grid_search():
  rng = np.random.default_rng(0)
  y = rng.integers(0, 4, 300)
  z = rng.standard_normal((300, 4)) * 4
  z[np.arange(300), y] += 6.0  # informative but over-confident logits: T is finite and > 1
  t = fold.fit_temperature(z, y)
  grid = np.exp(np.linspace(-3, 3, 6001))
  nll = [np.mean(np.log(np.exp(z / g).sum(1)) - (z / g)[np.arange(300), y]) for g in grid]
  assert t == pytest.approx(grid[int(np.argmin(nll))], rel=2e-3)


def test_lambda_max_of_a_quadratic():
  a = jnp.diag(jnp.array([5.0, 2.0, 0.5]))
  lam = fold.lambda_max(lambda p: 0.5 * p["w"] @ a @ p["w"], {"w": jnp.ones(3)},
                        jax.random.PRNGKey(0), 3)
  assert float(lam) == pytest.approx(5.0, rel=1e-5)


def _ctx(model, state, x, y):
  fwd = lambda p, xb: model.apply(p, state, xb, train=True)[0]
  return NoiseContext(loss_fn=lambda p, xb, yb: jnp.mean(CE.loss(fwd(p, xb), yb)),
                      per_example_loss_fn=lambda p, xb, yb: CE.loss(fwd(p, xb), yb),
                      apply_fn=fwd, likelihood=CE, batch=(x, y), train_data=(x, y),
                      lr=jnp.ones([]), step=jnp.zeros([], jnp.int32))


def test_frozen_apply_reproduces_the_training_forward(lenet):
  model, _, params, state, x, y = lenet
  ctx = _ctx(model, state, x, y)
  stats = frozen_bn.record_ghost_stats(ctx.apply_fn, params, x)
  assert len(stats) == 3 and all(m.shape[0] == 8 for m, _ in stats.values())
  np.testing.assert_allclose(frozen_bn.frozen_apply(ctx.apply_fn, stats)(params, x),
                             ctx.apply_fn(params, x), atol=1e-5)


def test_frozen_per_example_squares_match_a_hand_written_network():
  # MLP 3 -> [4 -> BN -> ReLU] -> 2, ghost batches of 3; the twin recomputes each example's
  # loss by hand with its ghost batch's BN statistics as float64 constants.
  cfg = _model("mlp", hidden=(4,), bn=True, ghost_size=3)
  model = build(cfg, num_classes=2, input_shape=(3,))
  x = jax.random.normal(jax.random.PRNGKey(0), (6, 3))
  y = jnp.array([0, 1, 1, 0, 1, 0])
  params, state = model.init(jax.random.key(1), x[:1])
  params, _ = _randomise(params, state, jax.random.PRNGKey(7))
  got = frozen_bn.frozen_per_example_sq_mean(params, _ctx(model, state, x, y))
  with jax.enable_x64(True):
    p = jax.tree.map(lambda a: jnp.asarray(a, jnp.float64), params)
    x64 = jnp.asarray(x, jnp.float64)
    h_all = x64 @ p["Dense_0"]["kernel"] + p["Dense_0"]["bias"]
    sq = []
    for i in range(6):
      g = h_all[3 * (i // 3): 3 * (i // 3) + 3]
      mu, var = g.mean(0), g.var(0)

      def loss_i(q, i=i, mu=mu, var=var):
        h = x64[i] @ q["Dense_0"]["kernel"] + q["Dense_0"]["bias"]
        bn = q["BatchNorm_0"]
        z = jax.nn.relu((h - mu) / jnp.sqrt(var + 1e-5) * bn["scale"] + bn["bias"])
        out = z @ q["Dense_1"]["kernel"] + q["Dense_1"]["bias"]
        return -jax.nn.log_softmax(out)[y[i]]

      sq.append(jax.flatten_util.ravel_pytree(jax.grad(loss_i)(p))[0] ** 2)
    ref = np.asarray(jnp.mean(jnp.stack(sq), 0))
  np.testing.assert_allclose(np.asarray(got), ref, rtol=2e-4, atol=1e-7)


def test_frobenius_stats_match_dense_and_loops():
  g = np.random.default_rng(0).standard_normal((7, 5)) * np.arange(1, 6)
  st = {k: float(v) for k, v in frobenius.frobenius_stats(jnp.asarray(g, jnp.float32)).items()}
  c = g.T @ g / 7
  assert st["fro_c"] == pytest.approx(np.linalg.norm(c), rel=1e-5)
  assert st["fro_diag_c"] == pytest.approx(np.linalg.norm(np.diag(c)), rel=1e-5)
  assert st["tr_c"] == pytest.approx(np.trace(c), rel=1e-5)
  pairs = [(i, j) for i in range(7) for j in range(7) if i != j]
  fro_u = sum((g[i] @ g[j]) ** 2 for i, j in pairs) / len(pairs)
  diag_u = sum(np.sum(g[i] ** 2 * g[j] ** 2) for i, j in pairs) / len(pairs)
  assert st["fro_c_u"] == pytest.approx(np.sqrt(fro_u), rel=1e-4)
  assert st["fro_diag_c_u"] == pytest.approx(np.sqrt(diag_u), rel=1e-4)


def test_hessian_traces_of_a_quadratic():
  # H = diag(h): Tr(CH) = Σ C_pp h_p exactly for C = GᵀG/n, and so is Tr(diag(C)H).
  rng = np.random.default_rng(1)
  g = jnp.asarray(rng.standard_normal((6, 4)), jnp.float32)
  h = jnp.array([3.0, 1.0, 0.5, 2.0])
  out = frobenius.hessian_traces(lambda v: h * v, g, jax.random.PRNGKey(0), 4000)
  exact = float(jnp.sum(jnp.mean(g * g, 0) * h))
  for k in ("tr_ch", "tr_diag_ch"):  # 4000 samples: 5 SE is a 6e-7 two-sided false alarm
    assert abs(float(out[k]) - exact) <= 5 * float(out[k + "_se"])


def test_welford_matches_numpy():
  xs = jax.random.normal(jax.random.PRNGKey(0), (40, 3, 2))
  mean, var = variance.welford(lambda k: {"a": xs[k]}, jnp.arange(40))
  np.testing.assert_allclose(mean["a"], np.mean(np.asarray(xs), 0), atol=1e-6)
  np.testing.assert_allclose(var["a"], np.var(np.asarray(xs), 0, ddof=1), rtol=1e-5)
  assert variance.expected_lb_ratio(128, 4096, 60000) == pytest.approx(0.0292, abs=1e-4)


def _table_config(method, **exp):
  from noisecurv.papers.wen2019 import presets

  c = presets.table_config("lenet_fmnist", "")
  c.experiment.method = method
  for k, v in exp.items():
    c.experiment[k] = v
  return c


@pytest.mark.parametrize("method", methods.METHODS)
def test_derived_configs_validate(method):
  d = methods.derived_config(_table_config(method), 55000)
  configlib.validate(d)
  large = method not in ("sb", "batch_change")
  assert d.train.batch_size == (4096 if large else 128)
  assert d.model.ghost_size == 128
  if method in ("sb", "lb", "batch_change"):
    assert d.noise.kind == "none"
  else:
    assert d.noise.stop_fraction == 0.25 and d.noise.small_batch == 128
  if large:
    assert d.optimizer.schedule.warmup_epochs == pytest.approx(10.0)
    assert tuple(d.optimizer.schedule.milestones) == (100.0, 150.0)
    assert tuple(d.runs.lr) == (0.8, 1.6, 3.2)
  assert "snapshot" in d.probes


def test_batch_change_schedules():
  d = methods.derived_config(_table_config("batch_change"), 55000)
  assert tuple(d.train.batch_size_schedule.milestones) == (50.0,)
  assert tuple(d.train.batch_size_schedule.multipliers) == (1.0, 32.0)
  s = d.optimizer.schedule
  assert s.name == "piecewise" and tuple(s.milestones) == (50.0, 100.0, 150.0)
  np.testing.assert_allclose(s.multipliers, (0.1 / 1.6, 1.0, 0.1, 0.01))


def test_constant_schedule_in_updates():
  d = methods.derived_config(_table_config("lb_full", schedule="constant", updates=1000,
                                           noise_fraction=1.0), 55000)
  assert d.train.steps == 1000 and d.noise.stop_fraction is None
  assert d.optimizer.schedule.name == "constant" and d.eval.every == 250


def _fake_run(tmp_path, method, lrs, seeds, val, test):
  d = tmp_path / method
  d.mkdir()
  specs = [dict(index=i, seed=s, lr=lr) for i, (lr, s) in enumerate(
      (lr, s) for lr in lrs for s in seeds)]
  (d / "runs.json").write_text(json.dumps({"runs": specs, "standin_data": False}))
  (d / "config.json").write_text(json.dumps({"experiment": {"method": method}}))
  (d / "status.json").write_text(json.dumps({"status": "done"}))
  row = {"step": 10, "run": list(range(len(specs))), "val/accuracy": list(val),
         "test/accuracy": list(test)}
  (d / "metrics.jsonl").write_text(json.dumps(row) + "\n")
  return Run(d)


def test_table_entry_picks_the_rate_by_validation(tmp_path):
  run = _fake_run(tmp_path, "lb_diag", (0.8, 1.6), (0, 1), val=(0.80, 0.82, 0.90, 0.88),
                  test=(0.95, 0.95, 0.70, 0.72))
  e = tables.entry(run)
  assert e.lr == 1.6 and e.seeds == (0, 1)
  np.testing.assert_allclose(e.test, [70.0, 72.0])
  assert e.mean == pytest.approx(71.0) and e.se == pytest.approx(1.0)
  sb = _fake_run(tmp_path, "sb", (0.1,), (0, 1), val=(0.9, 0.9), test=(0.75, 0.77))
  lb = _fake_run(tmp_path, "lb", (0.8,), (0, 1), val=(0.9, 0.9), test=(0.67, 0.69))
  g = tables.gap_stats(tables.entry(sb), tables.entry(lb), e)
  assert g["gap"] == pytest.approx(8.0) and g["recovered"] == pytest.approx(0.375)
