"""The training program end to end: resume, ensembles, divergence, probes, run directories."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import tiny_config

from noisecurv import configlib
from noisecurv.results import Run
from noisecurv.runner import launch
from noisecurv.runner.rundir import RunDir


def _rows(path):
  return [json.loads(line) for line in (path / "metrics.jsonl").read_text().splitlines()]


def test_resume_equals_uninterrupted(tmp_path, monkeypatch):
  cfg = tiny_config(**{"train.steps": 30, "checkpoint.every": 10})
  configlib.add_probe(cfg, "g", "grad_norm", every=10, n=64)
  launch.execute(cfg, tmp_path / "full")
  full = _rows(tmp_path / "full")

  calls = {"n": 0}
  real_log = RunDir.log

  def flaky_log(self, row):
    calls["n"] += 1
    real_log(self, row)
    if row.get("step") == 25:  # interrupted between checkpoints (last saved at step 20)
      raise KeyboardInterrupt

  monkeypatch.setattr(RunDir, "log", flaky_log)
  with pytest.raises(KeyboardInterrupt):
    launch.execute(cfg, tmp_path / "cut")
  st = RunDir(tmp_path / "cut").status()
  assert st["status"] == "failed" and st["error"] == "interrupted" and st["resumable"]
  monkeypatch.setattr(RunDir, "log", real_log)
  st = launch.execute(cfg, tmp_path / "cut")
  assert st["status"] == "done"
  assert st["resumed"] is True
  resumed = _rows(tmp_path / "cut")
  assert [r["step"] for r in resumed] == [r["step"] for r in full]
  assert resumed == full  # bit-identical metrics, probes included


def test_finished_run_is_skipped(tmp_path, capsys):
  cfg = tiny_config(**{"train.steps": 5, "eval.every": 0, "checkpoint.every": 0})
  launch.execute(cfg, tmp_path / "r")
  n = len(_rows(tmp_path / "r"))
  launch.execute(cfg, tmp_path / "r")
  assert "skipping" in capsys.readouterr().out
  assert len(_rows(tmp_path / "r")) == n


def test_ensemble_member_equals_solo_run(tmp_path):
  cfg = tiny_config(**{"runs.lr": (0.02, 0.1), "runs.repeats": 2, "train.steps": 20})
  configlib.add_probe(cfg, "g", "grad_norm", every=10, n=64)
  launch.execute(cfg, tmp_path / "ens")
  ens = Run(tmp_path / "ens")
  assert ens.n_runs == 4
  spec = ens.runs[3]  # lr 0.1, seed 1
  assert spec["lr"] == pytest.approx(0.1) and spec["seed"] == 1
  solo_cfg = tiny_config(**{"optimizer.lr": 0.1, "seed": 1, "train.steps": 20})
  configlib.add_probe(solo_cfg, "g", "grad_norm", every=10, n=64)
  launch.execute(solo_cfg, tmp_path / "solo")
  solo = Run(tmp_path / "solo")
  for key in ("train/batch_loss", "test/loss", "train/accuracy", "g/grad_norm", "g/loss"):
    a = ens.metric(key).values[:, 3]
    b = solo.metric(key).values[:, 0]
    np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-6, err_msg=key)
  # different seeds and learning rates really differ
  v = ens.metric("test/loss").last()
  assert len(set(np.round(v, 6))) == 4


def test_ensemble_in_run_chunks_matches_one_program(tmp_path):
  cfg = tiny_config(**{"runs.repeats": 3, "train.steps": 10, "eval.every": 0})
  launch.execute(cfg, tmp_path / "one")
  cfg2 = tiny_config(**{"runs.repeats": 3, "train.steps": 10, "eval.every": 0,
                        "runs.chunk_size": 2})
  launch.execute(cfg2, tmp_path / "chunked")
  a = Run(tmp_path / "one").metric("test/loss").values
  b = Run(tmp_path / "chunked").metric("test/loss").values
  np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-6)


def test_divergence_is_recorded_not_crashed(tmp_path):
  cfg = tiny_config(**{"optimizer.lr": 1e30, "optimizer.momentum": 0.9, "train.steps": 20})
  st = launch.execute(cfg, tmp_path / "d")
  assert st["status"] == "diverged"
  assert "non-finite" in st["error"]
  run = Run(tmp_path / "d")
  assert run.metrics()["diverged"].values[-1, 0] == 1.0


def test_partial_divergence_in_an_ensemble(tmp_path):
  cfg = tiny_config(**{"runs.lr": (0.05, 1e30), "optimizer.momentum": 0.9, "train.steps": 10,
                       "eval.every": 0})
  st = launch.execute(cfg, tmp_path / "p")
  assert st["status"] == "done"
  assert list(st["diverged_runs"]) == ["1"]


def test_config_errors_name_the_key():
  cfg = tiny_config()
  cfg.model.hiddne = (3,)
  with pytest.raises(configlib.ConfigError, match="model.hiddne"):
    configlib.validate(cfg)
  cfg = tiny_config()
  with pytest.raises(TypeError, match="'lr'"):  # ConfigDicts are type-safe on assignment
    cfg.optimizer.lr = "fast"
  cfg = tiny_config()
  cfg.probes.h = dict(kind="no_such_probe")
  with pytest.raises(configlib.ConfigError, match="probes.h.kind 'no_such_probe' is not a probe"):
    configlib.validate(cfg)
  cfg = tiny_config(**{"train.loop": "unrolled"})
  with pytest.raises(configlib.ConfigError, match="train.loop 'unrolled' not in"):
    configlib.validate(cfg)
  cfg = tiny_config()
  with pytest.raises(configlib.ConfigError, match="unknown config key 'optimizer.lrr'"):
    launch.apply_overrides(cfg, {"optimizer.lrr": 0.1})
  with pytest.raises(configlib.ConfigError, match="optimizer.lr"):
    launch.apply_overrides(cfg, {"optimizer.lr": "x"})


def test_epoch_sampling_visits_every_example_once(tmp_path):
  import jax
  import jax.numpy as jnp

  from noisecurv.runner.step import new_permutation

  key = jax.random.key(3)
  p0 = np.asarray(new_permutation(key, jnp.int32(0), 50))
  p1 = np.asarray(new_permutation(key, jnp.int32(1), 50))
  assert sorted(p0) == list(range(50)) and sorted(p1) == list(range(50))
  assert not np.array_equal(p0, p1)


def test_run_directory_contents(tmp_path):
  cfg = tiny_config(**{"train.steps": 10, "figure": True})
  launch.execute(cfg, tmp_path / "r")
  for name in ("config.json", "run.json", "status.json", "metrics.jsonl", "runs.json",
               "probes.json", "curves.png"):
    assert (tmp_path / "r" / name).exists(), name
  assert json.loads((tmp_path / "r" / "config.json").read_text())["optimizer"]["lr"] == 0.05


def test_probe_chunking_over_runs_matches_one_vmap():
  import jax
  import jax.numpy as jnp

  from noisecurv.runner.engine import over_runs

  def fn(params, state, key):
    return {"s": jnp.sum(params["w"] ** 2) + state["b"], "v": params["w"] * 2}

  params = {"w": jnp.arange(21.0).reshape(7, 3)}
  state = {"b": jnp.arange(7.0)}
  key = jax.random.key(0)
  full = over_runs(fn, 0)(params, state, key)
  chunked = over_runs(fn, 3)(params, state, key)  # 7 runs in chunks of 3 (padded)
  for k in full:
    np.testing.assert_array_equal(np.asarray(full[k]), np.asarray(chunked[k]))


def test_noise_scale_axis_zero_equals_noise_free_run(tmp_path):
  noisy = configlib.base(data="digits", model="mlp", noise="isotropic")
  plain = tiny_config(**{"train.steps": 10, "eval.every": 0})
  for sec in ("data", "model", "optimizer", "train", "eval", "checkpoint"):
    noisy[sec] = plain[sec]
  noisy.figure = False
  noisy.noise.sigma = 0.05
  noisy.runs.noise_scale = (0.0, 1.0)
  launch.execute(noisy, tmp_path / "noisy")
  launch.execute(plain, tmp_path / "plain")
  a = Run(tmp_path / "noisy").metric("test/loss").values
  b = Run(tmp_path / "plain").metric("test/loss").values
  np.testing.assert_array_equal(a[:, 0], b[:, 0])  # scale 0: the base optimizer, bit for bit
  assert np.abs(a[-1, 1] - b[-1, 0]) > 1e-5  # scale 1: noise changes the run


def test_label_noise_runs_share_held_out_labels(tmp_path):
  # Corruption levels as vmapped runs: train labels per run, test labels shared; the
  # all-corrupted level has no clean split and must not average over zero examples.
  cfg = tiny_config(**{"runs.label_noise": (0.0, 1.0), "train.steps": 5, "eval.every": 5,
                       "checkpoint.every": 0})
  launch.execute(cfg, tmp_path / "grid")
  last = _rows(tmp_path / "grid")[-1]
  assert len(last["test/loss"]) == 2 and np.all(np.isfinite(last["test/loss"]))
  assert len(last["train/loss"]) == 2 and last["train/loss"][0] != last["train/loss"][1]
  solo = tiny_config(**{"data.label_noise": 1.0, "train.steps": 5, "eval.every": 5,
                        "checkpoint.every": 0})
  launch.execute(solo, tmp_path / "solo")
  row = _rows(tmp_path / "solo")[-1]
  assert "train_noisy/loss" in row and "train_clean/loss" not in row
  assert np.isfinite(row["test/loss"])


def _tiny_cnn(**kw):
  c = configlib.base(data="digits", model="cnn")
  c.data.resize, c.data.n_train = 7, 64  # an epoch is 4 steps: the runs cross epochs
  c.model.channels, c.model.im2col = (4, 4), False
  c.optimizer.lr = 0.05
  c.train.update(batch_size=16, steps=10, log_every=5)
  c.runs.repeats = 2
  c.eval.update(every=5, batch_size=512)
  c.checkpoint.every = 0
  c.figure = False
  c.train.update(kw)
  return c


def test_stepwise_loop_equals_scanned_chunks(tmp_path):
  """train.loop='steps' (one compiled step per call, the CPU default for convnets) follows the
  scanned chunks' trajectory; 'auto' picks it for this convnet on a CPU."""
  import jax

  from noisecurv.models import build
  from noisecurv.runner.step import loop_mode

  for mode in ("scan", "steps"):
    assert launch.execute(_tiny_cnn(loop=mode), tmp_path / mode)["status"] == "done"
  for key in ("train/batch_loss", "test/loss", "train/accuracy"):
    a, b = (Run(tmp_path / m).metric(key).values for m in ("scan", "steps"))
    assert a.shape == b.shape and a.shape[1] == 2, key
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=key)
  cnn = _tiny_cnn().model
  x = np.zeros((1, 7, 7, 1), np.float32)
  model = build(cnn, num_classes=10, input_shape=(7, 7, 1))
  params, state = model.init(jax.random.key(0), x)
  assert loop_mode("auto", model, params, state, x) == (jax.default_backend() == "cpu")
  cnn.im2col = True  # patches and matmuls: no convolution, so scanned chunks
  model = build(cnn, num_classes=10, input_shape=(7, 7, 1))
  assert not loop_mode("auto", model, params, state, x)
  with pytest.raises(ValueError, match="train.loop"):
    loop_mode("unrolled", model, params, state, x)
