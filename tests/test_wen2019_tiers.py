"""wen2019 CPU-reduced tier: the configs it runs and the claims it checks (no training)."""

from __future__ import annotations

from noisecurv import configlib
from noisecurv.papers.wen2019 import cpu_reduced, methods
from noisecurv.reproductions import REPO
from noisecurv.runner import launch


def test_cpu_tier_keeps_paper_claims_of_its_figures_only():
  paper = cpu_reduced.cpu_paper(("fig1", "fig3", "fig5a"))
  assert {f.name for f in paper.figures} == {"fig1", "fig3", "fig5a"}
  assert paper.claims and all(c.figure in ("fig1", "fig3", "fig5a") for c in paper.claims)
  assert all("paper" in c.scales for c in paper.claims)  # smoke-only sanity claims are dropped
  assert sorted(e.config for e in paper.experiments) == sorted(
      [cpu_reduced.TIER["fig1"][0], cpu_reduced.TIER["fig3"][0]])


def test_cpu_configs_are_reduced_and_valid():
  for name in ("fig2", "fig3"):
    config, arg, _ = cpu_reduced.TIER[name]
    cfg = launch.load_config_file(str(REPO / config), arg)
    configlib.validate(cfg)
    assert cfg.data.name == "fashion_mnist" and cfg.model.name == "lenet5_bn"
    e = cfg.experiment
    assert (e.small_batch, e.large_batch) in ((16, 128), (16, 512))
    if name == "fig3":
      assert e.updates == 200
      derived = methods.derived_config(cfg, 60000)
      configlib.validate(derived)
      assert derived.train.steps == 200 and derived.train.batch_size == 128
    else:
      assert e.draws == 20 and e.pretrain_epochs == 0.5
