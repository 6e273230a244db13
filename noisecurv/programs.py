"""Imports every module that registers a dataset, model, noise kind, probe or program."""

from noisecurv import data, models, noise, probes  # noqa: F401
from noisecurv.runner import train  # noqa: F401
