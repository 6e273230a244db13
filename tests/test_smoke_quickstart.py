"""Smoke runs of every quickstart config, then its smoke reproduction (see tests/smoke.py)."""

from smoke import paper_tests

test_config_smoke, test_reproduce_smoke = paper_tests("quickstart")
