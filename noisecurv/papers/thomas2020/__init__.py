"""thomas2020: Thomas et al. 2020, on the interplay between noise and curvature (AISTATS).

Modules: `quadratic` (exact moment recursions of SG, Newton and Polyak momentum on a noisy
quadratic, Props. 2–5), `tables` (Tables 1 and 2 of §5.4), `chi2` and `examples` (Prop. 1's
χ² bounds, Examples 1 and 2), `info` (the dense H, F, C probe of §5.1–5.5), `setups` (the
architectures, data and tiers of the neural-network experiments), `shards` (the program that
runs a family of training configs), `analysis` (statistics read back from results),
`programs` (registrations) and `reproduction` (figures and claims).
"""
