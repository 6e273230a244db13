"""li2019 kernels against float64 brute force: Gram-route spectra, Σ norms, records, theory."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from noisecurv.papers.li2019 import gauss, records, schedule, theory

NET = gauss.Net((6, 4, 5, 3))  # p = 28 + 25 + 18 = 71


@pytest.fixture(scope="module")
def point():
  with jax.enable_x64(True):
    k1, k2, k3 = jax.random.split(jax.random.PRNGKey(0), 3)
    x = jax.random.normal(k1, (20, 6), jnp.float64)
    y = jax.random.randint(k2, (20,), 0, 3)
    theta = 0.7 * jax.random.normal(k3, (NET.p,), jnp.float64)
    # jitted: op-by-op dispatch of these float64 programs costs ~40 s on a 2-core CPU
    g = np.asarray(jax.jit(lambda t: records.per_example_grads(NET, t, x, y))(theta))
    h = np.asarray(jax.jit(jax.hessian(NET.loss))(theta, x, y))
    v0 = jnp.ones(NET.p, jnp.float64) / np.sqrt(NET.p)
    rec = jax.tree.map(np.asarray, jax.jit(
        lambda t: records.record(NET, t, x, y, 3, v0, NET.p, 3))(theta))
  return dict(x=x, y=y, theta=theta, g=g, h=h, rec=rec)


def test_per_example_grads_loop(point):
  with jax.enable_x64(True):
    for i in (0, 7):
      xi, yi = point["x"][i:i + 1], point["y"][i:i + 1]
      gi = jax.grad(lambda t, xi=xi, yi=yi: NET.losses(t, xi, yi)[0])(point["theta"])
      np.testing.assert_allclose(point["g"][i], gi, rtol=1e-12, atol=1e-14)


def test_gram_route_matches_dense_c(point):
  g = point["g"]
  n = g.shape[0]
  c = g.T @ g / n
  w = np.sort(np.linalg.eigvalsh(c))[::-1][:n]
  with jax.enable_x64(True):
    lam, u = records.gram_eig(jnp.asarray(g))
  np.testing.assert_allclose(lam, w, rtol=1e-9, atol=1e-12)
  u = np.asarray(u)[:, :4]  # top eigenvectors: C u = λ u
  np.testing.assert_allclose(c @ u, u * np.asarray(lam)[:4], rtol=1e-8, atol=1e-10)


def test_sigma_stats_dense(point):
  g, m = point["g"], 3
  n = g.shape[0]
  mu = g.mean(0)
  sig = (g - mu).T @ (g - mu) / n
  cm = sig / m + np.outer(mu, mu)
  with jax.enable_x64(True):
    s = jax.tree.map(float, records.sigma_stats(jnp.asarray(g), m))
  np.testing.assert_allclose(s["sigma_fro"], np.linalg.norm(sig), rtol=1e-10)
  np.testing.assert_allclose(s["sigma_2"], np.linalg.eigvalsh(sig)[-1], rtol=1e-10)
  np.testing.assert_allclose(s["mu_sigma_mu"], mu @ sig @ mu, rtol=1e-10)
  np.testing.assert_allclose(s["lam1_cm"], np.linalg.eigvalsh(cm)[-1], rtol=1e-10)
  np.testing.assert_allclose(s["tr_cm"], np.trace(cm), rtol=1e-10)


def test_record_against_dense(point):
  g, h, r = point["g"], point["h"], point["rec"]
  n = g.shape[0]
  c = g.T @ g / n
  wh, vh = np.linalg.eigh(h)
  wh, vh = wh[::-1], vh[:, ::-1]
  np.testing.assert_allclose(r["lam_h"], wh[:records.TOP], rtol=1e-7, atol=1e-9)
  np.testing.assert_allclose(r["bot_h"], wh[::-1][:records.BOTTOM], rtol=1e-7, atol=1e-9)
  hp = c - h
  np.testing.assert_allclose(r["hp_fro"], np.linalg.norm(hp), rtol=1e-9)
  np.testing.assert_allclose(r["hp_2"], np.max(np.abs(np.linalg.eigvalsh(hp))), rtol=1e-7)
  wc, vc = np.linalg.eigh(c)
  vc = vc[:, ::-1]
  cos = np.linalg.svd(vh[:, :records.TOP].T @ vc[:, :records.TOP], compute_uv=False)
  np.testing.assert_allclose(r["cos15"], np.clip(cos, 0, 1), atol=1e-6)
  # Davis-Kahan: the subspace bound holds; the per-vector pairing is by rank
  assert np.all(r["dk_sub_sin"] <= r["dk_sub_bound"] + 1e-12)
  np.testing.assert_allclose(r["dk_vv"], np.abs(np.sum(vh[:, :3] * vc[:, :3], 0)), atol=1e-6)
  assert np.allclose((r["load"] * np.asarray(NET.layer_sizes)).sum(1), 1.0, atol=1e-8)


def test_spectra_blocks_psd_and_prop1(point):
  with jax.enable_x64(True):
    x, y = point["x"], point["y"]
    s = jax.tree.map(np.asarray, jax.jit(lambda t: records.spectra(NET, t, x, y))(point["theta"]))
    v = theory.prop1(NET, point["theta"], x, y)
  lam1 = s["spec_h"][0]
  for i in range(3):
    assert s[f"spec_g{i}"][-1] >= -1e-10 * lam1  # ReLU net: diagonal blocks = GGN blocks
  assert v["prop1_rel_err"] < 1e-10 and v["block_ggn_err_rel"] < 1e-10


def test_stratified_corruption_counts():
  rng = np.random.default_rng(0)
  y = np.repeat(np.arange(10), 10)
  new, mask = gauss.stratified_corruption(y, 0.15, 10, rng)
  per_class = np.bincount(y[mask], minlength=10)
  assert mask.sum() == 15 and set(per_class.tolist()) == {1, 2}
  assert np.all(new[~mask] == y[~mask])
  _, m2 = gauss.stratified_corruption(y, 0.2, 10, rng, force_wrong=True)
  assert m2.sum() == 20


def test_gauss_data_and_net_sizes():
  d = gauss.gauss_data(10, 0.15, n_test=50)
  assert d.x.shape == (100, 50) and np.allclose(d.x.mean(0), 0, atol=1e-5)
  assert gauss.gauss_net(10).p == 1150 and gauss.gauss_net(2).p == 902
  assert gauss.table2(10, 0.15)["steps"] == 10_000 and gauss.table2(2, 0.2)["lr"] == 0.05


def test_quantile_index_and_schedules():
  v = jnp.asarray([5.0, 1.0, 3.0, 2.0, 4.0])
  assert int(gauss.quantile_index(v, jnp.asarray(0.5))) == 2
  assert int(gauss.quantile_index(v, jnp.asarray(0.0))) == 1
  g = schedule.scalar_grid(10_000)
  assert len(g) == 100 + 90 + 90 + 1 and g[-1] == 9999 and g[100] == 100 and g[190] == 1000
  r = schedule.record_grid(400, "default")
  assert r[0] == 0 and r[-1] == 399 and 30 <= len(r) <= 50
  assert schedule.record_grid(400, "final").size == 0


def test_alpha_scale_invariance():
  with jax.enable_x64(True):
    x = jax.random.normal(jax.random.PRNGKey(3), (8, 6), jnp.float64)
    y = jnp.arange(8) % 3
    th = jax.random.normal(jax.random.PRNGKey(4), (NET.p,), jnp.float64)
    v = theory.cor3(NET, th, x, y, (2.0, 0.25, 2.0))
  assert v["cor3_logit_err"] < 1e-12 and v["cor3_hess_err"] < 1e-9 and v["cor3_terms_err"] < 1e-10
  assert v["cor3_untransformed_change"] > 1e-3
