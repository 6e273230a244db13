"""Smoke runs of every zhu2019 config, then its smoke reproduction (see tests/smoke.py)."""

from smoke import paper_tests

test_config_smoke, test_reproduce_smoke = paper_tests("zhu2019")
