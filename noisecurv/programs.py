"""Imports every module that registers a dataset, model, noise kind, probe or program."""

import importlib
import pkgutil

from noisecurv import data, models, noise, papers, probes  # noqa: F401
from noisecurv.runner import train  # noqa: F401

for _info in pkgutil.iter_modules(papers.__path__):
  if _info.ispkg:
    try:
      importlib.import_module(f"noisecurv.papers.{_info.name}.programs")
    except ModuleNotFoundError as e:
      if e.name != f"noisecurv.papers.{_info.name}.programs":
        raise
