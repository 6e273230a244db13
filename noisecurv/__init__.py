"""noisecurv: a JAX framework for the science of SGD noise and curvature."""

__version__ = "0.1.0"
