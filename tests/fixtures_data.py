"""Writers of tiny datasets in the official file formats, and data-config helpers, for tests."""

from __future__ import annotations

import noisecurv.data  # noqa: F401  (registers the datasets)
from noisecurv import configlib, registry
from noisecurv.data.formats import (  # noqa: F401  (re-exported for the tests)
    cifar_rows,
    idx_bytes,
    images,
    write_cifar,
    write_idx,
    write_mnist,
    write_svhn,
)


def data_cfg(name: str, **overrides):
  """The data section `configlib.base(data=name)` builds, with `overrides` applied.

  Built from the dataset's schema and `configlib.data_common()` as `base` does,
  without importing the rest of the package.
  """
  cfg = registry.DATASETS.get(name).schema()
  cfg.name = name
  for k, v in configlib.data_common().items():
    if k not in cfg:
      cfg[k] = v
  for k, v in overrides.items():
    cfg[k] = v
  return cfg
