"""The figure helpers shared by the papers: files written, legends only where labelled."""

import csv

import numpy as np

from noisecurv.reproductions.figures import legend, pyplot, save, write_csv


def test_legend_only_on_labelled_axes(tmp_path):
  fig, (empty, labelled) = pyplot().subplots(1, 2)
  legend(empty, fontsize=6)
  labelled.plot([0, 1], [1, 2], label="curve")
  legend(labelled, fontsize=6)
  assert empty.get_legend() is None
  assert [t.get_text() for t in labelled.get_legend().get_texts()] == ["curve"]
  paths = save(fig, tmp_path / "out", "panel")
  assert [p.suffix for p in paths] == [".png", ".pdf"] and all(p.stat().st_size > 0 for p in paths)


def test_write_csv_formats_floats(tmp_path):
  p = write_csv(tmp_path, "t", ["a", "b"], [[1, np.float32(0.1234567891)], ["x", 2.0]])
  with open(p) as f:
    assert list(csv.reader(f)) == [["a", "b"], ["1", "0.123457"], ["x", "2"]]
