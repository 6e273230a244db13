"""One-hidden-layer nets with a fixed ±1 output layer (spec E3, Fig. 4, App. D.2).

For each width h: f(x) = clip(Σ_{j≤h/2} relu(w_jᵀx + b_j) − Σ_{j>h/2} relu(w_jᵀx + b_j), δ, 1 − δ)
(model `fixed_output_relu`, D = 3h) on 1,000 separable 2-D points, loss mean((f − y)²)
(`squared_error`), full-batch Adam (lr 0.001) for `epochs` × `iters_per_epoch` steps with
the authors' schedule: constant for epochs < `decay_from`, then lr·(epochs − ep)/(epochs −
decay_from). At the end of every epoch the `zhu2019.sgd_noise` probe measures Tr(HΣ̂) and
Tr(HΣ̄) with the dense Hessian and Σ̂ from 100 minibatches of 10 (1/99).

Prop. 2 is also checked on the same data, with ℓ = ½(f − y)²: f is piecewise linear in θ
a.e., so H = E∇f∇fᵀ and F = E(f − y)²∇f∇fᵀ (App. A.4) and F − δ²H = Jᵀdiag(r² − δ²)J/N;
the program logs the smallest weight r_i² − δ² (F ⪰ δ²H when it is ≥ 0) and the ε of (2).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import ml_collections
import optax
from jax.flatten_util import ravel_pytree

from noisecurv import configlib, losses
from noisecurv.probes.base import ProbeContext
from noisecurv.registry import PROBES

ONE_HIDDEN_DEFAULTS = dict(
    widths=(32, 128, 512),
    lr=0.001,
    epochs=31,
    iters_per_epoch=10,
    decay_from=21,  # first epoch of the linear decay
    num_minibatches=100,
    minibatch_size=10,
    lanczos_steps=60,  # λ₁, u₁ of the dense H (for â)
    seeds=1,
)


def lr_schedule(lr: float, epochs: int, iters: int, decay_from: int):
  """count -> lr·min(1, (epochs − ep)/(epochs − decay_from)), ep = count // iters."""
  span = float(epochs - decay_from)

  def fn(count):
    ep = (count // iters).astype(jnp.float32)
    return lr * jnp.minimum(1.0, (epochs - ep) / span)

  return fn


def prop2_terms(model, params, x, y, delta: float) -> dict[str, jax.Array]:
  """Prop. 2 for ℓ = ½(f − y)²: F − δ²H = Jᵀdiag(r² − δ²)J/N with r = f − y, J = ∂f/∂θ.

  (1) F ⪰ δ²H holds when every weight r_i² − δ² is ≥ 0 (it is: f ∈ [δ, 1 − δ], y ∈ {0, 1});
  (2) F ⪯ (δ + ε)²H holds with ε = max_i |r_i| − δ. Returns the smallest weight (relative
  to δ²) and that ε."""
  r = model.apply(params, {}, x, train=False)[0][:, 0] - y.reshape(-1)
  return {"prop2_min_weight": jnp.min(r * r - delta**2) / delta**2,
          "prop2_eps": jnp.max(jnp.abs(r)) - delta}


class _Width:
  """The compiled pieces of one width: an epoch of Adam, the probe, Prop. 2's terms."""

  def __init__(self, config, data, lik, h: int, probe_cfg):
    from noisecurv.models import build

    e = config.experiment
    mcfg = ml_collections.ConfigDict(configlib.to_jsonable(config.model))
    mcfg.hidden = int(h)
    model = build(mcfg, num_classes=data.num_classes, input_shape=data.input_shape)
    x, y = jnp.asarray(data.x_train), jnp.asarray(data.y_train).astype(jnp.float32)
    ctx = ProbeContext(model, lik, x, y, "train", "eval", data)
    tx = optax.adam(lr_schedule(e.lr, e.epochs, e.iters_per_epoch, e.decay_from),
                    b1=config.optimizer.b1, b2=config.optimizer.b2, eps=config.optimizer.eps)
    loss_fn = lambda p: jnp.mean(lik.loss(model.apply(p, {}, x, train=True)[0], y))

    def epoch(params, opt):
      def body(c, _):
        p, o = c
        loss, g = jax.value_and_grad(loss_fn)(p)
        u, o = tx.update(g, o, p)
        return (optax.apply_updates(p, u), o), loss

      (params, opt), losses_ = jax.lax.scan(body, (params, opt), None, length=e.iters_per_epoch)
      return params, opt, losses_[-1]

    self.model, self.tx, self.x = model, tx, x
    self.epoch = jax.jit(epoch)
    self.probe = jax.jit(PROBES.get("zhu2019.sgd_noise").fn(ctx, probe_cfg)[0])
    self.prop2 = jax.jit(lambda p: prop2_terms(model, p, x, y, float(config.model.delta)))
    self.accuracy = jax.jit(lambda p: jnp.mean(
        (model.apply(p, {}, x, train=False)[0][:, 0] > 0.5) == (y > 0.5)))


def one_hidden_layer(config, run) -> None:
  """E3: per width and seed, 31 measurements of Tr(HΣ̂), Tr(HΣ̄) and Prop. 2's terms."""
  from noisecurv.data import load

  e = config.experiment
  data = load(config.data, seed=0)
  lik = losses.get(config.loss)
  probe_cfg = ml_collections.ConfigDict(dict(configlib.PROBE_COMMON, seed=0))
  probe_cfg.update(PROBES.get("zhu2019.sgd_noise").defaults)
  probe_cfg.update(tr_h="dense", num_minibatches=int(e.num_minibatches),
                   minibatch_size=int(e.minibatch_size), lanczos_steps=int(e.lanczos_steps),
                   fresh_key=True)
  run.dir.write_json("runs.json", {"runs": [{"index": r, "seed": int(config.seed) + r}
                                            for r in range(int(e.seeds))]})
  done = set(run.dir.status().get("widths_done", []))
  for h in e.widths:
    w = _Width(config, data, lik, int(h), probe_cfg)
    for r in range(int(e.seeds)):
      tag = f"h{h}-s{r}"
      if tag in done:
        continue
      params, _ = w.model.init(jax.random.key(int(config.seed) + r), w.x[:1])
      opt = w.tx.init(params)
      d = int(ravel_pytree(params)[0].shape[0])
      for ep in range(1, e.epochs + 1):
        params, opt, loss = w.epoch(params, opt)
        key = jax.random.fold_in(jax.random.key(1000 * r + h), ep)
        out = {k: float(v) for k, v in w.probe(params, {}, key).items()}
        out.update({k: float(v) for k, v in w.prop2(params).items()})
        run.log({"step": ep, "run": r, **{f"h{h}/{k}": v for k, v in out.items()},
                 f"h{h}/train_loss": float(loss),
                 f"h{h}/train_accuracy": float(w.accuracy(params)), f"h{h}/D": d})
      done.add(tag)
      run.dir.update_status(widths_done=sorted(done))
