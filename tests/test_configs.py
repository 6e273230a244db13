"""Every config and every paper's reproduction has its smoke tests (tests/test_smoke_<key>.py)."""

from __future__ import annotations

from conftest import REPO, config_files
from smoke import paper_of

from noisecurv import reproductions


def test_every_config_and_paper_has_a_smoke_module():
  keys = {paper_of(p) for p in config_files()} | set(reproductions.available())
  missing = sorted(k for k in keys if not (REPO / "tests" / f"test_smoke_{k}.py").exists())
  assert not missing, f"add tests/test_smoke_<key>.py for: {missing}"
