"""Flax models by name, behind one calling convention.

Every registered model is a linen Module called as `module(x, train=bool)`;
BN layers (if any) keep running statistics in the `batch_stats` collection and
take the module's `ghost_size` (Ghost Batch Norm when > 0). Models with a
`dropout` key default it to 0; with dropout > 0, training needs `rng`. `Model`
wraps the module so that the runner and the curvature probes never touch
collections:

    params, state = model.init(key, x)
    out, state = model.apply(params, state, x, train=True[, rng=key])
    out = model.apply_policy(params, state, x, bn="eval")   # probes (never dropout)

Families (keys in their registrations) and the paper presets built from them:

| family | presets |
|---|---|
| linear | logreg (thomas2020) |
| mlp | mlp70, big_mlp (thomas2020); mlp_f1 (wen2019); bn_mlp4, mlp256 (jastrzebski2017); |
|  | li_gauss_mlp, li_mnist_mlp, li_cifar_mlp (li2019) |
| cnn | cnn itself, cnn_bn (thomas2020) |
| lenet5 | lenet5_bn (wen2019), lenet_small (zhu2019) |
| alexnet_cifar | itself (wen2019) |
| vgg | vgg16_bn (wen2019), vgg11_bn (jastrzebski2017), vgg11 (zhu2019) |
| resnet | resnet20, resnet44, resnet44x2 (wen2019), preact_resnet56 (jastrzebski2017) |
| fixed_output_relu | itself (zhu2019 Fig. 4) |
"""

from noisecurv.models import alexnet, cnn, fixed_output, mlp, resnet, vgg  # noqa: F401
from noisecurv.models.model import Model, build, num_params, register_preset

__all__ = ["Model", "build", "num_params", "register_preset"]
