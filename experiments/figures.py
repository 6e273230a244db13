"""Draw a paper's figures (PNG/PDF + CSV of the plotted data) from finished results only.

    python experiments/figures.py --paper zhu2019 --scale paper [--only fig2] [--workdir results]
        [--out reports]

Nothing is trained: figures whose runs are missing say which run they need.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from noisecurv import reproductions  # noqa: E402
from noisecurv.reproductions import MissingResult, Results  # noqa: E402


def main(argv=None) -> int:
  ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
  ap.add_argument("--paper", required=True)
  ap.add_argument("--scale", default="smoke", choices=reproductions.SCALES)
  ap.add_argument("--only", default=None, help="draw only the figure of this name")
  ap.add_argument("--workdir", default=None)
  ap.add_argument("--out", default="reports")
  args = ap.parse_args(argv)
  paper = reproductions.get(args.paper)
  res = Results(paper, args.scale, args.workdir)
  out = pathlib.Path(args.out) / paper.key / args.scale
  missing = 0
  for f in paper.figures:
    if args.only and f.name != args.only:
      continue
    try:
      for p in f.fn(res, out):
        print(p)
    except MissingResult as e:
      missing += 1
      print(f"{f.name}: not drawn: {e}", file=sys.stderr)
  return 1 if missing else 0


if __name__ == "__main__":
  sys.exit(main())
