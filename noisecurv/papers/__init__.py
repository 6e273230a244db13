"""Paper-specific code: one package per paper (`noisecurv/papers/<key>/`).

A paper package may hold `programs.py` (programs and probes it registers, imported
with every config) and `reproduction.py` (its `PAPER`: experiments, figures, claims).
Generic pieces belong in the library modules, not here.
"""
