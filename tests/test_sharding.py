"""Runs sharded over 8 (host-emulated) devices give the same results as one device."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from conftest import REPO

SCRIPT = textwrap.dedent("""
    import sys, tempfile
    sys.path.insert(0, 'tests')
    import jax, numpy as np
    assert jax.device_count() == 8, jax.devices()
    from conftest import tiny_config
    from noisecurv.results import Run
    from noisecurv.runner import launch
    from noisecurv.runner.sharding import shard_runs

    x = shard_runs({'w': np.zeros((8, 3))}, 8)['w']
    assert len(x.sharding.device_set) == 8, x.sharding

    out = {}
    for shard in (False, True):
        cfg = tiny_config(**{'runs.repeats': 8, 'runs.shard': shard, 'train.steps': 10})
        d = tempfile.mkdtemp()
        launch.execute(cfg, d)
        out[shard] = Run(d).metric('test/loss').values
    np.testing.assert_allclose(out[False], out[True], rtol=1e-5, atol=1e-6)
    print('SHARDED-OK')
""")


def test_sharded_ensemble_equals_single_device():
  env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=8",
             JAX_PLATFORMS="cpu")
  p = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, env=env, capture_output=True,
                     text=True, timeout=600)
  assert "SHARDED-OK" in p.stdout, p.stdout[-2000:] + p.stderr[-4000:]
