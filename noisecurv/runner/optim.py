"""Base optimizers with injected hyperparameters, so lr (and momentum) can differ per run."""

from __future__ import annotations

import optax

OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop")


def _sgd(learning_rate, momentum, nesterov: bool = False):
  # PyTorch-style heavy ball: v <- momentum*v + g; theta <- theta - lr*v. With momentum 0 the
  # trace is g itself, bit for bit.
  return optax.chain(optax.trace(decay=momentum, nesterov=nesterov),
                     optax.scale_by_learning_rate(learning_rate))


def base_optimizer(cfg) -> optax.GradientTransformation:
  """The optimizer of `config.optimizer`; hyperparams['learning_rate'] is set every step."""
  if cfg.name == "sgd":
    return optax.inject_hyperparams(_sgd, static_args=("nesterov",))(
        learning_rate=cfg.lr, momentum=cfg.momentum, nesterov=cfg.nesterov)
  if cfg.name == "adam":
    return optax.inject_hyperparams(optax.adam)(learning_rate=cfg.lr, b1=cfg.b1, b2=cfg.b2,
                                                eps=cfg.eps)
  if cfg.name == "adamw":
    return optax.inject_hyperparams(optax.adamw)(learning_rate=cfg.lr, b1=cfg.b1, b2=cfg.b2,
                                                 eps=cfg.eps, weight_decay=cfg.weight_decay)
  if cfg.name == "rmsprop":
    return optax.inject_hyperparams(optax.rmsprop)(learning_rate=cfg.lr, eps=cfg.eps,
                                                   momentum=cfg.momentum)
  raise ValueError(f"optimizer.name {cfg.name!r} not in {OPTIMIZERS}")


def coupled_weight_decay(cfg) -> float:
  """L2 coefficient added to the gradient (adamw decays the weights itself)."""
  return 0.0 if cfg.name == "adamw" else float(cfg.weight_decay)
