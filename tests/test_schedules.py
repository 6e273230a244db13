"""Learning-rate and batch-size schedules against hand-computed values."""

from __future__ import annotations

import jax.numpy as jnp
import ml_collections
import numpy as np
import pytest

from noisecurv import configlib
from noisecurv.runner.engine import plan_segments
from noisecurv.runner.schedules import multiplier


def sched(**kw):
  c = ml_collections.ConfigDict(configlib.schedule_defaults())
  c.update(kw)
  return c


@pytest.mark.parametrize("xp", [float, jnp.float32])
def test_schedules_match_definitions(xp):
  e = lambda v: xp(v)
  s = sched(name="step", milestones=(2.0, 5.0), factor=0.1)
  assert [float(multiplier(s, e(x), 10)) for x in (0, 1.99, 2, 4, 5, 9)] == pytest.approx(
      [1, 1, 0.1, 0.1, 0.01, 0.01])
  s = sched(name="piecewise", milestones=(1.0,), multipliers=(1.0, 0.5))
  assert float(multiplier(s, e(0.5), 3)) == 1 and float(multiplier(s, e(1.5), 3)) == 0.5
  s = sched(name="cosine", final=0.0)
  assert float(multiplier(s, e(5.0), 10)) == pytest.approx(0.5, abs=1e-6)
  assert float(multiplier(s, e(10.0), 10)) == pytest.approx(0.0, abs=1e-6)
  s = sched(name="linear_decay", start_epoch=2.0, final=0.2)
  assert float(multiplier(s, e(6.0), 10)) == pytest.approx(1 + (0.2 - 1) * 0.5)
  s = sched(name="triangle", period=4.0, low=1.0, high=5.0)
  got = [float(multiplier(s, e(x), 100)) for x in (0, 1, 2, 3, 4)]
  assert got == pytest.approx([1, 3, 5, 3, 1])
  s = sched(name="discrete_cyclic", period=2.0, multipliers=(1.0, 5.0))
  got = [float(multiplier(s, e(x), 100)) for x in (0, 1.9, 2, 3.9, 4)]
  assert got == pytest.approx([1, 1, 5, 5, 1])
  s = sched(name="constant", warmup_epochs=2.0)
  assert float(multiplier(s, e(1.0), 10)) == pytest.approx(0.5)


def test_batch_size_schedule_segments():
  from conftest import tiny_config

  c = tiny_config(**{"train.steps": 0, "train.epochs": 4.0, "train.batch_size": 10})
  c.train.batch_size_schedule.name = "discrete_cyclic"
  c.train.batch_size_schedule.period = 1.0
  c.train.batch_size_schedule.multipliers = (1.0, 5.0)
  segs = plan_segments(c, 100, 10)
  assert segs == [(0, 10, 10), (10, 2, 50), (12, 10, 10), (22, 2, 50)]
  c.train.batch_size_schedule.name = "constant"
  assert plan_segments(c, 100, 10) == [(0, 40, 10)]
  assert plan_segments(c, 100, 0) == [(0, 4, 0)]
  np.testing.assert_equal(plan_segments(c, 105, 10)[0][1], 40)
