"""Run every trial of a config's sweep(add).

    python experiments/sweep.py --config configs/quickstart.py[:arg] [--dry_run] [--shard i/n]
        [--workdir results] [--set optimizer.momentum=0.0 ...]

All trials are validated before the first one starts; finished trials are skipped,
interrupted ones resume. `--shard i/n` runs every n-th trial starting at i (0-based).
"""

from __future__ import annotations

import argparse
import ast
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from noisecurv import configlib, sweeps  # noqa: E402


def _value(text: str):
  try:
    return ast.literal_eval(text)
  except (ValueError, SyntaxError):
    return text


def main(argv=None) -> int:
  ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
  ap.add_argument("--config", required=True, help="config file[:arg]")
  ap.add_argument("--workdir", default=None)
  ap.add_argument("--dry_run", action="store_true", help="list trials and their status only")
  ap.add_argument("--shard", default=None, help="i/n: run the i-th of n interleaved shards")
  ap.add_argument("--overwrite", action="store_true")
  ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                  help="an override applied to every trial")
  args = ap.parse_args(argv)
  from absl import logging

  logging.set_verbosity(logging.WARNING)
  path, _, arg = args.config.partition(":")
  extra = {}
  for s in args.set:
    k, _, v = s.partition("=")
    extra[k] = _value(v)
  try:
    summary = sweeps.run(path, arg or None, args.workdir, shard_spec=args.shard,
                         dry_run=args.dry_run, overwrite=args.overwrite, extra=extra)
  except configlib.ConfigError as e:
    print(f"error: {e}", file=sys.stderr)
    return 2
  print("summary: " + ", ".join(f"{k}: {len(v)}" for k, v in sorted(summary.items())))
  return 1 if summary.get("failed") else 0


if __name__ == "__main__":
  sys.exit(main())
