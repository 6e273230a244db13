"""Datasets: loading by name, preprocessing, fixed probe subsets.

`load(cfg, seed)` returns a `Dataset` of numpy arrays (host memory; the runner
moves them to the device), preprocessed as the config's data section says.
Images are NHWC float32; class labels int32; regression targets (N, k) float32.

Registered datasets:
- files (`images`): mnist, fashion_mnist, cifar10, cifar100, svhn;
- generated (`synthetic`, `toys`): digits, blobs, gauss_k, separable2d,
  zhu_toy2d, linreg.
"""

from noisecurv.data import images, synthetic, toys  # noqa: F401  (register datasets)
from noisecurv.data.dataset import Dataset, load, probe_subset
from noisecurv.data.files import DatasetNotFoundError, data_root
from noisecurv.data.images import TfdsUnavailableError
from noisecurv.data.preprocess import corrupt_labels

__all__ = ["Dataset", "DatasetNotFoundError", "TfdsUnavailableError", "corrupt_labels",
           "data_root", "load", "probe_subset"]
