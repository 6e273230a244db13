"""Datasets: loading by name, preprocessing, fixed probe subsets.

`load(cfg, seed)` returns a `Dataset` of numpy arrays, preprocessed as the
config's data section says. Images are NHWC float32; class labels int32.
"""

from noisecurv.data.dataset import Dataset, load, probe_subset
from noisecurv.data import synthetic  # noqa: F401  (registers datasets)

__all__ = ["Dataset", "load", "probe_subset"]
