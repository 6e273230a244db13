"""Smoke runs of every li2019 config, then its smoke reproduction (see tests/smoke.py)."""

from smoke import paper_tests

test_config_smoke, test_reproduce_smoke = paper_tests("li2019")
