"""Command line: run one experiment config.

    python -m noisecurv.main --config configs/<paper>/<name>.py[:smoke] \
        [--config.optimizer.lr=0.05 ...] [--workdir results] [--overwrite]

The run directory is `<workdir>/<config name>/<arg,overrides>-<config hash>`: a rerun of
the same command resumes an interrupted run and skips a finished one.
"""

from __future__ import annotations

import sys

from absl import app, flags, logging
from ml_collections import config_flags

from noisecurv import configlib

_CONFIG = config_flags.DEFINE_config_file("config", None, "Experiment config file[:arg].",
                                          lock_config=True)
_WORKDIR = flags.DEFINE_string("workdir", None, "Results root (default: $NOISECURV_RESULTS or "
                               "./results).")
_OVERWRITE = flags.DEFINE_bool("overwrite", False, "Delete a finished run and run it again.")


def _parse_flags(argv: list[str]) -> list[str]:
  """absl parsing, with readable errors for unknown or mistyped --config.* keys."""
  try:
    return flags.FLAGS(argv)
  except (AttributeError, KeyError) as e:
    bad = [a for a in argv if a.startswith("--config.")]
    print(f"error: unknown config key in {' '.join(bad)} ({e}); see the config file for the "
          "available keys", file=sys.stderr)
    sys.exit(2)
  except flags.Error as e:
    print(f"error: {e}", file=sys.stderr)
    sys.exit(2)


def main(argv: list[str]) -> int:
  del argv
  logging.set_verbosity(logging.WARNING)  # orbax and jax log every checkpoint write at INFO
  if _CONFIG.value is None:
    print("error: --config is required", file=sys.stderr)
    return 2
  from noisecurv.runner import launch

  fname = config_flags.get_config_filename(flags.FLAGS["config"])
  path, _, arg = fname.partition(":")
  overrides = config_flags.get_override_values(flags.FLAGS["config"])
  config = _CONFIG.value
  try:
    configlib.validate(config)
  except configlib.ConfigError as e:
    print(f"error: {e}", file=sys.stderr)
    return 2
  run_path = launch.run_dir_for(path, arg or None, overrides, config, _WORKDIR.value)
  status = launch.execute(config, run_path, name=configlib.config_name(path),
                          command=" ".join(sys.argv), overwrite=_OVERWRITE.value)
  return 0 if status.get("status") in ("done", "diverged") else 1


def run() -> None:
  app.run(main, flags_parser=_parse_flags)


if __name__ == "__main__":
  run()
