"""Experiment configs: the base schema, option parsing, validation and run naming.

A config file under `configs/` defines `get_config(arg=None)` returning a
ConfigDict built from `base(...)`; `arg` is the text after the colon in
`--config configs/x.py:smoke,lr=0.1` and is parsed by `parse_arg`. `base`
fills every section with the full schema of the entries it names (dataset,
model, noise kind, program), so command-line overrides of any declared key work
under `lock_config` and an unknown key fails before any compute.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import re
from collections.abc import Mapping
from typing import Any

import ml_collections
from ml_collections import config_dict

from noisecurv import registry

placeholder = config_dict.placeholder

# Probe keys every probe kind accepts, next to its own.
PROBE_COMMON = dict(
    kind="",
    every=0,  # steps between calls; 0 = never periodic
    at_start=False,
    at_end=True,
    probe_set="train",  # 'train' | 'test': which split the fixed probe subset comes from
    n=512,  # examples in the probe subset (0 = whole split)
    bn="eval",  # BN policy: 'eval' | 'batch' | 'ghost'
    seed=0,  # folded into the config seed for the probe's own keys
)

SAMPLINGS = ("epoch", "iid")
LOOPS = ("auto", "scan", "steps")
SCHEDULES = ("constant", "step", "piecewise", "cosine", "linear_decay", "triangle",
             "discrete_cyclic")


def schedule_defaults() -> dict[str, Any]:
  """Multiplier schedules m(epoch) for the learning rate or the batch size."""
  return dict(
      name="constant",
      milestones=(),  # epochs
      factor=0.1,  # 'step': multiplier applied at each milestone
      multipliers=(),  # piecewise: len(milestones)+1 values; discrete_cyclic: the cycle
      period=0.0,  # epochs per cycle ('triangle', 'discrete_cyclic')
      low=1.0,  # 'triangle': multiplier at the cycle ends
      high=1.0,  # 'triangle': multiplier at mid-cycle
      warmup_epochs=0.0,  # linear warm-up from 0 (lr only)
      start_epoch=0.0,  # 'linear_decay' / 'cosine': epoch at which the decay starts
      final=0.0,  # 'linear_decay' / 'cosine': final multiplier
  )


def _section(entry_registry: registry.Registry, key: str, name: str) -> ml_collections.ConfigDict:
  sec = ml_collections.ConfigDict({key: name})
  sec.update(entry_registry.get(name).schema())
  return sec


def data_common() -> dict[str, Any]:
  return dict(
      data_dir=placeholder(str),  # default: $NOISECURV_DATA_DIR, then ../shared/datasets
      loader="files",  # 'files' | 'tfds'
      # 'none' | 'fixture': when the files are missing, a small random stand-in in the
      # official format (smoke runs in CI only; printed loudly, meta.standin = True)
      standin="none",
      n_train=placeholder(int),  # training subset size (None = all)
      n_val=0,  # held out from the training split, after subsetting
      n_test=placeholder(int),  # test subset size (None = all)
      subset="random",  # 'random' | 'first': how n_train/n_test subsets are taken
      # 'standard' (per-channel z-score from train) | 'pixel' (per-pixel z-score from train)
      # | 'unit' ([0,1]) | 'pm1' | 'none'
      normalize="standard",
      greyscale=False,
      # side length: area averaging for integer downsampling, antialiased linear otherwise
      resize=placeholder(int),
      pad_to=placeholder(int),  # zero-pad images to this side (fmnist32)
      flatten=False,
      label_noise=0.0,  # fraction of training labels replaced by uniform random ones
      label_noise_force_wrong=False,
      seed=0,  # data seed (subsets, corruption); folded with the config seed
  )


def base(*, program: str = "train", data: str = "digits", model: str = "mlp",
         noise: str = "none", loss: str = "softmax_cross_entropy") -> ml_collections.ConfigDict:
  """The full schema with defaults; experiment configs start here."""
  import_registrations()
  c = ml_collections.ConfigDict()
  c.program = program
  c.seed = 0
  c.name = ""  # optional label shown in reports

  c.data = _section(registry.DATASETS, "name", data)
  for k, v in data_common().items():
    if k not in c.data:
      c.data[k] = v
  c.model = _section(registry.MODELS, "name", model)
  c.loss = loss

  c.optimizer = ml_collections.ConfigDict(dict(
      name="sgd",  # 'sgd' | 'adam' | 'adamw' | 'rmsprop'
      lr=0.1,
      momentum=0.0,
      nesterov=False,
      weight_decay=0.0,  # L2 added to the gradient before the optimizer (coupled)
      b1=0.9, b2=0.999, eps=1e-8,
      grad_clip=0.0,  # global-norm clip; 0 = off
      schedule=schedule_defaults(),
  ))
  c.noise = _section(registry.NOISES, "kind", noise)

  c.train = ml_collections.ConfigDict(dict(
      steps=0,  # total steps; if 0, `epochs` decides
      epochs=0.0,
      batch_size=32,  # 0 = full batch
      batch_size_schedule=schedule_defaults(),  # multiplier on batch_size, per epoch
      sampling="epoch",  # 'epoch' (reshuffle each epoch) | 'iid' (each batch without replacement)
      grad_chunk=0,  # full-batch gradient accumulated over chunks of this size (0 = one pass)
      log_every=100,  # steps between metric rows (also the scan length of one compiled chunk)
      loop="auto",  # 'scan' | 'steps' (one compiled step per call) | 'auto' (steps on CPU convnets)
      stop_on_divergence=True,
  ))
  c.eval = ml_collections.ConfigDict(dict(
      every=0,  # steps; 0 = only at the end
      at_start=True,
      batch_size=2048,
      train_n=0,  # evaluate the train split on its first n examples (0 = all)
  ))
  c.probes = ml_collections.ConfigDict()
  c.runs = ml_collections.ConfigDict(dict(
      repeats=1,  # seeds seed, seed+1, ... (each a separate run in the ensemble)
      lr=(),  # per-run learning rates (grid axis)
      momentum=(),
      noise_scale=(),
      label_noise=(),
      batch_size=(),  # separate programs, run one after another
      grid="product",  # 'product' | 'zip' over the non-empty axes above
      chunk_size=0,  # runs per compiled program (0 = all at once)
      probe_chunk=0,  # runs per probe evaluation, mapped sequentially (0 = all at once)
      shard=False,  # shard the run axis over all local devices
  ))
  c.checkpoint = ml_collections.ConfigDict(dict(
      every=0,  # steps; 0 = at the end only
      keep=2,
      keep_best="",  # metric name to keep the best checkpoint for, e.g. 'test/accuracy'
  ))
  c.figure = True  # write a PNG of the curves into the run directory
  c.experiment = registry.PROGRAMS.get(program).schema()
  return c


def add_probe(config: ml_collections.ConfigDict, name: str, kind: str, **kwargs: Any) -> None:
  """Adds `config.probes[name]`: common probe keys + the kind's schema, then `kwargs`."""
  import_registrations()
  spec = ml_collections.ConfigDict(dict(PROBE_COMMON))
  spec.kind = kind
  spec.update(registry.PROBES.get(kind).schema())
  for k, v in kwargs.items():
    if k not in spec:
      raise KeyError(f"probe {name!r} ({kind}): unknown key {k!r}; known: {sorted(spec.keys())}")
    spec[k] = v
  with config.probes.unlocked() if config.probes.is_locked else _nullcontext():
    config.probes[name] = spec


class _nullcontext:
  def __enter__(self):
    return self

  def __exit__(self, *a):
    return False


def import_registrations() -> None:
  """Imports every module that registers datasets, models, noises, probes, programs."""
  from noisecurv import programs  # noqa: F401  (pulls in the rest)


# ---------------------------------------------------------------------------
# Option strings: "smoke,data=fmnist32,seeds=3"


def parse_arg(arg: str | None, **defaults: Any) -> ml_collections.ConfigDict:
  """Parses a config-file argument into a ConfigDict of options.

  `defaults` fixes the known options and their types; a bare word sets a bool
  option to True. Unknown options raise, naming the known ones.
  """
  opts = ml_collections.ConfigDict(defaults)
  if not arg:
    return opts
  for part in filter(None, (p.strip() for p in arg.split(","))):
    key, eq, val = part.partition("=")
    key = key.strip()
    if key not in opts:
      raise ValueError(f"unknown config option {key!r}; known: {sorted(opts.keys())}")
    if not eq:
      if not isinstance(opts[key], bool):
        raise ValueError(f"config option {key!r} needs a value ({key}=...)")
      opts[key] = True
      continue
    cur = opts[key]
    try:
      if isinstance(cur, bool):
        opts[key] = val.lower() in ("1", "true", "yes", "on")
      elif isinstance(cur, int):
        opts[key] = int(val)
      elif isinstance(cur, float):
        opts[key] = float(val)
      else:
        opts[key] = val
    except ValueError as e:
      raise ValueError(f"config option {key!r}: cannot read {val!r} as {type(cur).__name__}") from e
  return opts


# ---------------------------------------------------------------------------
# Validation


class ConfigError(ValueError):
  """A config key or value that the schema does not allow."""


def _type_ok(default: Any, value: Any) -> bool:
  if value is None:
    return True
  if isinstance(default, config_dict.FieldReference):
    t = default.get_type()
    default = None
    if t is None:
      return True
    if t is float:
      return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, t)
  if default is None:
    return True
  if isinstance(default, bool):
    return isinstance(value, bool)
  if isinstance(default, int):
    return isinstance(value, int) and not isinstance(value, bool)
  if isinstance(default, float):
    return isinstance(value, (int, float)) and not isinstance(value, bool)
  if isinstance(default, (tuple, list)):
    return isinstance(value, (tuple, list))
  if isinstance(default, str):
    return isinstance(value, str)
  return True


def _check_section(path: str, section: Mapping[str, Any], schema: Mapping[str, Any],
                   errors: list[str]) -> None:
  for key in section.keys():
    value = section[key]
    if key not in schema:
      known = ", ".join(sorted(schema.keys()))
      errors.append(f"unknown key {path}.{key}; known keys of {path}: {known}")
      continue
    default = schema[key]
    if isinstance(default, (Mapping, ml_collections.ConfigDict)):
      if not isinstance(value, (Mapping, ml_collections.ConfigDict)):
        errors.append(f"{path}.{key} must be a section, got {value!r}")
      else:
        _check_section(f"{path}.{key}", value, default, errors)
      continue
    if not _type_ok(default, value):
      want = (default.get_type().__name__ if isinstance(default, config_dict.FieldReference)
              else type(default).__name__)
      errors.append(f"{path}.{key} must be {want}, got {type(value).__name__} {value!r}")


def _raw(c: ml_collections.ConfigDict) -> dict[str, Any]:
  """The section with placeholders kept as FieldReferences (types survive)."""
  return {k: c._fields[k] for k in c.keys()}  # noqa: SLF001


def validate(config: ml_collections.ConfigDict) -> None:
  """Raises ConfigError listing every unknown key and wrong type."""
  import_registrations()
  errors: list[str] = []
  try:
    schema = base(program=config.program, data=config.data.name, model=config.model.name,
                  noise=config.noise.kind, loss=config.loss)
  except (KeyError, AttributeError) as e:
    raise ConfigError(str(e)) from e
  for sec in config.keys():
    if sec not in schema:
      errors.append(f"unknown top-level key {sec!r}; known: {sorted(schema.keys())}")
    elif sec == "probes":
      for name in config.probes.keys():
        spec = config.probes[name]
        kind = spec.get("kind", "")
        if kind not in registry.PROBES:
          errors.append(f"probes.{name}.kind {kind!r} is not a probe; known: "
                        f"{registry.PROBES.names()}")
          continue
        pschema = dict(PROBE_COMMON)
        pschema.update(registry.PROBES.get(kind).defaults)
        _check_section(f"probes.{name}", spec, pschema, errors)
    elif isinstance(schema[sec], ml_collections.ConfigDict):
      if not isinstance(config[sec], ml_collections.ConfigDict):
        errors.append(f"{sec} must be a section")
        continue
      _check_section(sec, config[sec], _schema_dict(schema[sec]), errors)
    elif not _type_ok(schema._fields[sec], config[sec]):  # noqa: SLF001
      errors.append(f"{sec} must be {type(schema[sec]).__name__}, got {config[sec]!r}")
  if config.optimizer.schedule.name not in SCHEDULES:
    errors.append(f"optimizer.schedule.name {config.optimizer.schedule.name!r} not in {SCHEDULES}")
  for key, allowed in (("sampling", SAMPLINGS), ("loop", LOOPS)):
    value = config.train.get(key) if "train" in config else None
    if value is not None and value not in allowed:
      errors.append(f"train.{key} {value!r} not in {allowed}")
  if errors:
    raise ConfigError("invalid config:\n  " + "\n  ".join(errors))


def _schema_dict(c: ml_collections.ConfigDict) -> dict[str, Any]:
  out = {}
  for k, v in _raw(c).items():
    out[k] = _schema_dict(v) if isinstance(v, ml_collections.ConfigDict) else v
  return out


# ---------------------------------------------------------------------------
# Naming runs


def to_jsonable(config: ml_collections.ConfigDict) -> dict[str, Any]:
  return json.loads(config.to_json_best_effort(sort_keys=True))


def config_hash(config: ml_collections.ConfigDict) -> str:
  blob = json.dumps(to_jsonable(config), sort_keys=True, separators=(",", ":"))
  return hashlib.sha256(blob.encode()).hexdigest()[:10]


def config_name(config_path: str) -> str:
  """`configs/zhu2019/fig2_toy_escape.py` -> `zhu2019/fig2_toy_escape`."""
  p = pathlib.Path(config_path.split(":", 1)[0]).with_suffix("")
  parts = p.parts
  if "configs" in parts:
    parts = parts[len(parts) - parts[::-1].index("configs"):]
  else:
    parts = parts[-1:]
  return "/".join(parts)


def run_slug(config_arg: str | None, overrides: Mapping[str, Any],
             config: ml_collections.ConfigDict) -> str:
  """A readable, deterministic directory name: `<arg>[,k=v...]-<hash of the config>`."""
  words = []
  if config_arg:
    words.append(config_arg)
  for k in sorted(overrides):
    words.append(f"{k.removeprefix('config.')}={_fmt(overrides[k])}")
  text = ",".join(words) or "default"
  text = re.sub(r"[^A-Za-z0-9_.,=+-]", "_", text)
  if len(text) > 80:
    text = text[:80]
  return f"{text}-{config_hash(config)}"


def _fmt(v: Any) -> str:
  if isinstance(v, float):
    return f"{v:g}"
  if isinstance(v, (tuple, list)):
    return "+".join(_fmt(x) for x in v)
  return str(v)


def default_results_root() -> str:
  return os.environ.get("NOISECURV_RESULTS", "results")
