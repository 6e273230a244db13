"""Image operations on (N, H, W, C) float arrays, pure numpy: greyscale, resize, zero padding.

Resizing is separable: each spatial axis is multiplied by an (n_out, n_in)
weight matrix whose rows sum to one.
- Integer downsampling (n_in = f·n_out): area averaging, i.e. the mean of each
  f×f block; 28→7 is exactly 4×4 average pooling (Thomas et al. 2020, App. B.2).
- Otherwise: linear interpolation with the triangle kernel widened by the
  downsampling factor (antialiased), the weights of
  `jax.image.resize(x, shape, "linear", antialias=True)`; it is plain bilinear
  interpolation when upsampling. 32→7 for CIFAR-10/SVHN takes this path, as
  Thomas et al.'s spec prescribes.
"""

from __future__ import annotations

import numpy as np

# ITU-R BT.601 luma weights for (R, G, B).
LUMA_601 = (0.299, 0.587, 0.114)


def _check_images(x: np.ndarray, what: str) -> None:
  if x.ndim != 4:
    raise ValueError(f"data.{what} needs images (N, H, W, C), got shape {x.shape}")


def greyscale(x: np.ndarray) -> np.ndarray:
  """(N, H, W, 3) -> (N, H, W, 1): Y = 0.299 R + 0.587 G + 0.114 B; one channel passes through."""
  _check_images(x, "greyscale")
  if x.shape[-1] == 1:
    return x
  if x.shape[-1] != 3:
    raise ValueError(f"data.greyscale needs 1 or 3 channels, got {x.shape[-1]}")
  return (x @ np.asarray(LUMA_601, x.dtype))[..., None]


def area_weights(n_in: int, n_out: int) -> np.ndarray:
  """(n_out, n_in): output pixel o averages the input interval [o·s, (o+1)·s), s = n_in/n_out."""
  s = n_in / n_out
  lo = np.arange(n_out)[:, None] * s
  i = np.arange(n_in)[None, :]
  overlap = np.clip(np.minimum(lo + s, i + 1) - np.maximum(lo, i), 0.0, None)
  return overlap / s


def linear_weights(n_in: int, n_out: int) -> np.ndarray:
  """(n_out, n_in): antialiased linear (triangle-kernel) weights, as jax.image.resize 'linear'.

  Output pixel o samples the input at u_o = (o + ½)·n_in/n_out − ½; input
  pixel i gets max(0, 1 − |u_o − i|/k) with k = max(n_in/n_out, 1), and each
  row is normalised to sum to one (which matters at the borders).
  """
  inv = n_in / n_out
  u = (np.arange(n_out) + 0.5) * inv - 0.5
  w = np.maximum(0.0, 1.0 - np.abs(u[:, None] - np.arange(n_in)[None, :]) / max(inv, 1.0))
  return w / w.sum(axis=1, keepdims=True)


def resize_weights(n_in: int, n_out: int) -> np.ndarray:
  """The (n_out, n_in) matrix that resizes one axis (see the module docstring for the rule)."""
  if n_out < 1:
    raise ValueError(f"data.resize must be >= 1, got {n_out}")
  if n_in == n_out:
    return np.eye(n_in)
  if n_in % n_out == 0:
    return area_weights(n_in, n_out)
  return linear_weights(n_in, n_out)


def resize(x: np.ndarray, side: int) -> np.ndarray:
  """(N, H, W, C) -> (N, side, side, C), same dtype; each axis resized by `resize_weights`."""
  _check_images(x, "resize")
  _, h, w, _ = x.shape
  if h == side and w == side:
    return x
  wh = resize_weights(h, side).astype(x.dtype)
  ww = resize_weights(w, side).astype(x.dtype)
  # (N, C, W, H) @ (H, side) then (N, C, side, W) @ (W, side): batched BLAS matmuls.
  t = x.transpose(0, 3, 2, 1) @ wh.T
  t = t.transpose(0, 1, 3, 2) @ ww.T
  return np.ascontiguousarray(t.transpose(0, 2, 3, 1))


def pad_to(x: np.ndarray, side: int) -> np.ndarray:
  """(N, H, W, C) -> (N, side, side, C) with zeros around, centred (the odd pixel after)."""
  _check_images(x, "pad_to")
  _, h, w, _ = x.shape
  if h > side or w > side:
    raise ValueError(f"data.pad_to={side} is smaller than the images ({h}x{w})")
  top, left = (side - h) // 2, (side - w) // 2
  return np.pad(x, ((0, 0), (top, side - h - top), (left, side - w - left), (0, 0)))
