"""zhu2019 one-hidden-layer pieces (E3) against float64 brute force: Prop. 2's terms from a
dense jax.hessian and jax.jacobian, and the authors' learning-rate schedule from its formula."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import ml_collections
import numpy as np
import pytest
from jax.flatten_util import ravel_pytree

from noisecurv.models import build
from noisecurv.papers.zhu2019.one_hidden import lr_schedule, prop2_terms
from noisecurv.registry import MODELS

N, H_UNITS, DELTA = 16, 6, 0.05


@pytest.fixture(scope="module")
def net():
  import noisecurv.programs  # noqa: F401  (registers the models)

  cfg = ml_collections.ConfigDict({**MODELS.get("fixed_output_relu").defaults,
                                   "name": "fixed_output_relu", "hidden": H_UNITS,
                                   "delta": DELTA})
  model = build(cfg, num_classes=2, input_shape=(2,))
  rng = np.random.default_rng(0)
  x = rng.uniform(-2, 2, (N, 2)).astype(np.float32)
  y = (x[:, 0] >= x[:, 1]).astype(np.float32)
  params, _ = model.init(jax.random.key(3), jnp.asarray(x[:1]))
  # Larger weights than the init spread the outputs over [δ, 1 − δ]: some examples clipped
  # (zero gradient), some not, so both kinds of rows of J are exercised.
  params = jax.tree.map(lambda a: 3.0 * a, params)
  return model, params, x, y


def test_prop2_terms_match_float64_fisher_and_hessian(net):
  model, params, x, y = net
  out = {k: float(v) for k, v in prop2_terms(model, params, jnp.asarray(x), jnp.asarray(y),
                                             DELTA).items()}
  with jax.enable_x64(True):
    flat, unravel = ravel_pytree(jax.tree.map(lambda a: jnp.asarray(a, jnp.float64), params))
    x64, y64 = jnp.asarray(x, jnp.float64), jnp.asarray(y, jnp.float64)
    f = lambda t: model.apply(unravel(t), {}, x64, train=False)[0][:, 0]
    r = np.asarray(f(flat) - y64)
    jac = np.asarray(jax.jacobian(f)(flat))
    hess = np.asarray(jax.hessian(lambda t: jnp.mean(0.5 * (f(t) - y64) ** 2))(flat))
  clipped = np.all(jac == 0, axis=1)
  assert 0 < clipped.sum() < N  # both kinds of examples are present
  # f is piecewise linear in θ (ReLU, clip): the a.e. Hessian of ½(f − y)² is JᵀJ/N.
  np.testing.assert_allclose(hess, jac.T @ jac / N, atol=1e-12)
  fisher = jac.T @ (r[:, None] ** 2 * jac) / N
  weights = r * r - DELTA**2
  lam_min = np.linalg.eigvalsh(fisher - DELTA**2 * hess)[0]
  lam_max_h = np.linalg.eigvalsh(hess)[-1]
  # The claim's bound: λ_min(F − δ²H) ≥ min(r² − δ²)·λ_max(H) when the minimum is negative,
  # and F − δ²H ⪰ 0 when it is not (here f ∈ [δ, 1 − δ], y ∈ {0, 1}: exactly ≥ 0).
  assert weights.min() >= -1e-15
  assert lam_min >= min(weights.min(), 0.0) * lam_max_h - 1e-12
  # float32 against float64: r is off by ≤ a few ulps of 1 (1.2e-7), i.e. ≤ 1e-5 of δ² after
  # squaring for δ = 0.05.
  assert out["prop2_min_weight"] == pytest.approx(weights.min() / DELTA**2, abs=1e-4)
  assert out["prop2_eps"] == pytest.approx(np.max(np.abs(r)) - DELTA, abs=1e-6)


def test_lr_schedule_is_the_authors_linear_decay():
  lr, epochs, iters, decay_from = 0.001, 31, 10, 21
  fn = jax.jit(lr_schedule(lr, epochs, iters, decay_from))
  got = np.asarray(jax.vmap(fn)(jnp.arange(epochs * iters)))
  want = [lr if c // iters < decay_from else lr * (epochs - c // iters) / 10.0
          for c in range(epochs * iters)]
  np.testing.assert_allclose(got, want, rtol=1e-6)
  assert got[-1] == pytest.approx(lr / 10)  # the last epoch (30) runs at lr·1/10
