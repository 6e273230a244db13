"""Curvature probes on noisecurv's MLP: every kind, vmapped over an ensemble as the runner does,
against float64 dense references (jax.hessian, loops of jax.grad, thomas2020's Fisher sum)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import ml_collections
import numpy as np
import pytest
from jax.flatten_util import ravel_pytree

from noisecurv import configlib, losses, registry
from noisecurv.data import Dataset
from noisecurv.models import build
from noisecurv.probes.base import ProbeContext

N_PROBE, N_TRAIN, K = 12, 40, 3
CE = losses.get("softmax_cross_entropy")

PROBES = {  # name: (kind, overrides); one compiled program runs them all
    "top": ("hessian_top_eig", dict(k=3, steps=31)),
    "trace": ("hessian_trace", dict(num_probes=200)),
    "fro": ("hessian_fro", dict(num_probes=200, batch_size=50)),
    "dense": ("dense_spectra", dict(top_k=2)),
    "moments": ("grad_moments", dict(chunk=5)),
    "zhu": ("tr_h_sigma", dict(num_probes=200, lanczos_steps=31)),
    "sharp": ("expected_sharpness", dict(delta=0.01, num_samples=400)),
    "density": ("hessian_density", dict(num_probes=3, steps=40)),
}


def _spec(kind, **kw):
  """A probe config as `configlib.add_probe` builds it: common keys, the kind's schema, kw."""
  spec = ml_collections.ConfigDict(dict(configlib.PROBE_COMMON))
  spec.kind = kind
  spec.update(registry.PROBES.get(kind).schema())
  for k, v in kw.items():
    assert k in spec, k
    spec[k] = v
  return spec


def _mlp(bn=False):
  cfg = registry.MODELS.get("mlp").schema()
  cfg.name, cfg.hidden, cfg.bn = "mlp", (4,), bn
  return build(cfg, num_classes=K, input_shape=(3,))


def _ctx(model, bn="eval"):
  rng = np.random.default_rng(0)
  x = rng.standard_normal((N_PROBE, 3)).astype(np.float32)
  y = (rng.integers(0, K, N_PROBE)).astype(np.int32)
  data = Dataset("toy", np.zeros((N_TRAIN, 3), np.float32), np.zeros(N_TRAIN, np.int32), x, y, K)
  return ProbeContext(model, CE, jnp.asarray(x), jnp.asarray(y), "test", bn, data)


def _params(model, seeds):
  """Variables for an ensemble, filled from numpy (float32), stacked on a leading run axis."""
  shapes = jax.eval_shape(model.init, jax.random.PRNGKey(0), jnp.zeros((1, 3)))[0]
  runs = []
  for s in seeds:
    rng = np.random.default_rng(s)
    runs.append(jax.tree.map(lambda a, r=rng: r.standard_normal(a.shape).astype(np.float32),
                             shapes))
  return jax.tree.map(lambda *a: jnp.asarray(np.stack(a)), *runs)


@pytest.fixture(scope="module")
def run():
  """All probes of PROBES in one compiled program, vmapped over two runs, and their meta."""
  model = _mlp()
  ctx = _ctx(model)
  built = {name: registry.PROBES.get(kind).fn(ctx, _spec(kind, **kw))
           for name, (kind, kw) in PROBES.items()}
  params = _params(model, (1, 2))
  out = jax.jit(jax.vmap(lambda p: {n: fn(p, {}, jax.random.PRNGKey(9))
                                    for n, (fn, _) in built.items()}))(params)
  return ctx, params, jax.tree.map(np.asarray, out), {n: m for n, (_, m) in built.items()}


def _reference(ctx, params):
  """Float64 dense H, F, C, Σ and per-example gradients for one run's params."""
  with jax.enable_x64(True):
    p64 = jax.tree.map(lambda a: jnp.asarray(a, jnp.float64), params)
    theta, unravel = ravel_pytree(p64)
    x, y = jnp.asarray(ctx.x, jnp.float64), ctx.y
    f = lambda t, xx: ctx.model.apply_policy(unravel(t), {}, xx, "eval")
    h = jax.jit(jax.hessian(lambda t: jnp.mean(CE.loss(f(t, x), y))))(theta)
    g1 = jax.jit(jax.grad(lambda t, xi, yi: CE.loss(f(t, xi[None]), yi[None])[0]))
    g = np.stack([g1(theta, x[i], y[i]) for i in range(N_PROBE)])
    gk = np.stack([[g1(theta, x[i], k) for k in range(K)] for i in range(N_PROBE)])
    probs = np.asarray(jax.nn.softmax(f(theta, x)))
  c = g.T @ g / N_PROBE
  fisher = np.einsum("nk,nkd,nke->de", probs, gk, gk) / N_PROBE  # thomas2020 eq. 8
  return dict(H=np.asarray(h), F=fisher, C=c, Sigma=c - np.outer(g.mean(0), g.mean(0)), G=g)


def _run(params, i):
  return jax.tree.map(lambda a: np.asarray(a[i]), params)


def _within(value, se, exact, k=4.0):
  """A z-test at k standard errors (fixed keys make it deterministic), plus float32 rounding
  of the probe's own arithmetic (1e-5 relative), which matters when the SE is ~0 (Hutch++)."""
  assert abs(value - exact) <= k * se + 1e-5 * abs(exact), (value, exact, se)


@pytest.mark.parametrize("i", [0, 1])
def test_spectral_probes_match_dense_hessian(run, i):
  ctx, params, out, _ = run
  ref = _reference(ctx, _run(params, i))
  lam = np.linalg.eigvalsh(ref["H"])[::-1]
  o = jax.tree.map(lambda a: a[i], out)
  np.testing.assert_allclose(o["top"]["eigvals"], lam[:3], rtol=1e-4, atol=1e-6)
  np.testing.assert_allclose(o["top"]["lambda_max"], lam[0], rtol=1e-4)
  _within(o["trace"]["trace"], o["trace"]["trace_se"], np.trace(ref["H"]))
  _within(o["fro"]["fro_sq"], o["fro"]["fro_sq_se"], np.sum(ref["H"] ** 2))
  _within(o["fro"]["trace"], o["fro"]["trace_se"], np.trace(ref["H"]))
  np.testing.assert_allclose(o["fro"]["fro_sq_over_d"], o["fro"]["fro_sq"] / 31, rtol=1e-6)
  w = o["density"]["weights"]
  assert w.shape == (3, 31) and np.allclose(w.sum(1), 1.0, atol=1e-5)
  assert o["density"]["nodes"].min() >= lam[-1] - 1e-4 and o["density"]["nodes"].max() <= (
      lam[0] + 1e-4)


@pytest.mark.parametrize("i", [0, 1])
def test_dense_spectra_probe_matches_thomas2020_definitions(run, i):
  ctx, params, out, _ = run
  ref = _reference(ctx, _run(params, i))
  o = jax.tree.map(lambda a: a[i], out)["dense"]
  for name in ("H", "F", "C", "Sigma"):
    np.testing.assert_allclose(o[f"eigvals_{name}"], np.linalg.eigvalsh(ref[name])[::-1],
                               atol=2e-5 * np.abs(ref[name]).max())
  np.testing.assert_allclose(o["eigvals_Hp"], np.linalg.eigvalsh(ref["C"] - ref["H"])[::-1],
                             atol=2e-5 * np.abs(ref["H"]).max())

  def tic(a, b):
    lam, u = np.linalg.eigh(a)
    keep = lam > 1e-3 * lam.max()
    return np.sum(np.einsum("ik,ij,jk->k", u[:, keep], b, u[:, keep]) / lam[keep]), keep.sum()

  tr, k = tic(ref["H"], ref["C"])
  assert int(o["tic_k"]) == k
  np.testing.assert_allclose(o["tic"], tr / N_TRAIN, rtol=1e-3)
  np.testing.assert_allclose(o["tic_sigma"], tic(ref["H"], ref["Sigma"])[0] / N_TRAIN, rtol=1e-3)
  np.testing.assert_allclose(o["tic_f"], tic(ref["F"], ref["C"])[0] / N_TRAIN, rtol=1e-3)
  np.testing.assert_allclose(o["trace_ratio"], np.trace(ref["C"]) / np.trace(ref["F"]), rtol=1e-4)
  s = lambda a, b: np.sum(a * b) / np.linalg.norm(a) / np.linalg.norm(b)
  np.testing.assert_allclose(o["s_CH"], s(ref["C"], ref["H"]), rtol=1e-4)
  np.testing.assert_allclose(o["r_FH"], np.trace(ref["F"]) / np.trace(ref["H"]), rtol=1e-4)
  np.testing.assert_allclose(o["fc_abs"], np.sum((ref["F"] - ref["C"]) ** 2), rtol=1e-4)
  np.testing.assert_allclose(o["aic"], 31 / N_TRAIN)
  assert o["cos_angles_HC"].shape == (2,) and np.all(o["cos_angles_HC"] <= 1.0)


@pytest.mark.parametrize("i", [0, 1])
def test_moment_and_noise_probes(run, i):
  ctx, params, out, _ = run
  ref = _reference(ctx, _run(params, i))
  o = jax.tree.map(lambda a: a[i], out)
  g = ref["G"]
  for name in ("moments",):
    m = o[name]
    np.testing.assert_allclose(m["tr_c"], np.trace(ref["C"]), rtol=1e-5)
    np.testing.assert_allclose(m["tr_sigma"], np.trace(np.cov(g.T, ddof=1)), rtol=1e-5)
    np.testing.assert_allclose(m["grad_norm_sq"], np.sum(g.mean(0) ** 2), rtol=1e-5)
    # ravel order: Dense_0/bias (4), Dense_0/kernel (12), Dense_1/bias (3), Dense_1/kernel (12)
    np.testing.assert_allclose(m["var/Dense_0/kernel"], np.var(g[:, 4:16], 0, ddof=1).mean(),
                               rtol=1e-5)
  z = o["zhu"]
  a = g - g.mean(0)
  sigma = a.T @ a / (N_PROBE - 1)
  lam, u = np.linalg.eigh(ref["H"])
  np.testing.assert_allclose(z["tr_h_sigma"], np.sum(ref["H"] * sigma), rtol=1e-4)
  np.testing.assert_allclose(z["tr_sigma"], np.trace(sigma), rtol=1e-5)
  np.testing.assert_allclose(z["lambda_max"], lam[-1], rtol=1e-4)
  np.testing.assert_allclose(z["u1_sigma_u1"], u[:, -1] @ sigma @ u[:, -1], rtol=1e-3)
  _within(z["tr_h"], z["tr_h_se"], np.trace(ref["H"]))
  np.testing.assert_allclose(z["a_hat"], z["u1_sigma_u1"] * z["tr_h"] / (z["lambda_max"] * z[
      "tr_sigma"]), rtol=1e-5)
  # δ = 0.01: E[L(θ + ν)] − L(θ) = ½δ² Tr H + O(δ⁴); the O(δ⁴) term is far below the SE.
  sh = o["sharp"]
  _within(sh["sharpness"], sh["sharpness_se"], 0.5 * 1e-4 * np.trace(ref["H"]))


def test_meta_names_matrix_and_sample(run):
  ctx, _, out, meta = run
  assert meta["top"]["lambda_max"]["matrix"] == "H"
  assert meta["dense"]["tic"]["sample"] == f"test[{N_PROBE}]"
  assert meta["moments"]["tr_c"]["gradients"] == "per-example"
  assert meta["zhu"]["tr_h_sigma"]["size"] == N_PROBE
  for name in PROBES:
    for key in out[name]:
      assert key in meta[name] or key.startswith("var/") or key.split("_")[0] + "_*/" in "".join(
          meta[name]) or key in ("s_CH", "s_CF", "s_FH", "r_CH", "r_CF", "r_FH") or key.startswith(
          ("eigvals_", "fc_", "tr_", "trace_ratio", "tic", "rank"))


def test_per_example_probes_refuse_batch_statistics():
  model = _mlp(bn=True)
  ctx = _ctx(model, bn="batch")
  fn, _ = registry.PROBES.get("grad_moments").fn(ctx, _spec("grad_moments"))
  params, state = jax.eval_shape(model.init, jax.random.PRNGKey(0), jnp.zeros((1, 3)))
  with pytest.raises(ValueError, match="bn='eval'"):
    jax.eval_shape(lambda p, s: fn(p, s, jax.random.PRNGKey(0)), params, state)


def test_probe_kinds_are_configurable():
  """Every kind is registered with a schema that `configlib.add_probe` accepts."""
  config = ml_collections.ConfigDict({"probes": {}})
  for name, (kind, kw) in PROBES.items():
    configlib.add_probe(config, name, kind, **kw)
    assert config.probes[name].kind == kind
  with pytest.raises(KeyError, match="unknown key"):
    configlib.add_probe(config, "bad", "hessian_trace", steps=3)
